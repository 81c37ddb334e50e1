import { retryWhileBusy } from "./busy-retry";
import type { PreparedStatement, SqliteConnection, SqliteParams } from "./connection";
import {
  type HranaBatchCond,
  type HranaBatchResult,
  type HranaBatchStep,
  type HranaError,
  type HranaStmt,
  type HranaStmtResult,
  type HranaStreamRequest,
  type HranaStreamResponse,
  type HranaStreamResult,
  ProtocolError,
  toHranaError,
  toSqliteValue,
} from "./hrana";

type StepOutcome = "ok" | "error" | "skipped";

/**
 * A Hrana stream: one connection (so an interactive transaction spans HTTP requests) plus the SQL texts the
 * client stored on it. Requests must be handled one at a time, in order.
 */
export class Stream {
  readonly #sqls = new Map<number, string>();
  #closed = false;

  constructor(
    readonly connection: SqliteConnection,
    readonly busyTimeoutMs: number,
  ) {}

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Never throws: failures become the request's error result, as the protocol wants. */
  async handle(request: HranaStreamRequest): Promise<HranaStreamResult> {
    try {
      if (this.#closed) throw new ProtocolError("The stream is already closed", "STREAM_CLOSED");
      return { type: "ok", response: await this.#run(request, Date.now() + this.busyTimeoutMs) };
    } catch (error) {
      return { type: "error", error: toHranaError(error) };
    }
  }

  async #run(request: HranaStreamRequest, deadline: number): Promise<HranaStreamResponse> {
    switch (request.type) {
      case "close":
        this.#closed = true;
        return { type: "close" };
      case "execute":
        return { type: "execute", result: await this.#execute(request.stmt, deadline) };
      case "batch":
        return { type: "batch", result: await this.#batch(request.batch?.steps, deadline) };
      case "sequence":
        await this.#sequence(this.#resolveSql(request.sql, request.sql_id), deadline);
        return { type: "sequence" };
      case "describe":
        return { type: "describe", result: this.connection.describe(this.#resolveSql(request.sql, request.sql_id)) };
      case "store_sql":
        if (typeof request.sql !== "string") throw new ProtocolError("`sql` must be a string", "PROTOCOL_ERROR");
        this.#sqls.set(request.sql_id, request.sql);
        return { type: "store_sql" };
      case "close_sql":
        this.#sqls.delete(request.sql_id);
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: this.connection.isAutocommit };
      default: {
        const unknown: { type: string } = request;
        throw new ProtocolError(`Unknown request type: ${unknown.type}`, "PROTOCOL_ERROR");
      }
    }
  }

  #execute(stmt: HranaStmt, deadline: number): Promise<HranaStmtResult> {
    if (typeof stmt !== "object" || stmt === null) throw new ProtocolError("`stmt` is missing", "PROTOCOL_ERROR");
    const sql = this.#resolveSql(stmt.sql, stmt.sql_id);
    const params = toSqliteParams(stmt);
    const wantRows = stmt.want_rows ?? true;
    // A statement that failed with SQLITE_BUSY had no effect, so running it again is safe; it must be the same
    // prepared statement, because the driver leaves the failed one pending until it runs again.
    let run: PreparedStatement | undefined;
    return retryWhileBusy(() => {
      run ??= this.connection.prepare(sql);
      return run(params, wantRows);
    }, deadline);
  }

  async #batch(steps: HranaBatchStep[] | undefined, deadline: number): Promise<HranaBatchResult> {
    if (!Array.isArray(steps)) throw new ProtocolError("`batch.steps` must be an array", "PROTOCOL_ERROR");
    const outcomes: StepOutcome[] = [];
    const result: HranaBatchResult = { step_results: [], step_errors: [] };
    for (const step of steps) {
      let stepResult: HranaStmtResult | null = null;
      let stepError: HranaError | null = null;
      if (step.condition == null || this.#holds(step.condition, outcomes)) {
        try {
          stepResult = await this.#execute(step.stmt, deadline);
        } catch (error) {
          stepError = toHranaError(error);
        }
      }
      outcomes.push(stepResult ? "ok" : stepError ? "error" : "skipped");
      result.step_results.push(stepResult);
      result.step_errors.push(stepError);
    }
    return result;
  }

  #holds(cond: HranaBatchCond, outcomes: StepOutcome[]): boolean {
    switch (cond.type) {
      case "ok":
        return outcomes[cond.step] === "ok";
      case "error":
        return outcomes[cond.step] === "error";
      case "not":
        return !this.#holds(cond.cond, outcomes);
      case "and":
        return cond.conds.every((c) => this.#holds(c, outcomes));
      case "or":
        return cond.conds.some((c) => this.#holds(c, outcomes));
      case "is_autocommit":
        return this.connection.isAutocommit;
      default: {
        const unknown: { type: string } = cond;
        throw new ProtocolError(`Unknown batch condition: ${unknown.type}`, "PROTOCOL_ERROR");
      }
    }
  }

  /**
   * A script is not one statement: if it hits SQLITE_BUSY after some statement already changed rows, running
   * it again would apply that statement twice, so it is retried only while it has changed nothing.
   */
  #sequence(sql: string, deadline: number): Promise<void> {
    const changesBefore = this.connection.totalChanges();
    const wasAutocommit = this.connection.isAutocommit;
    return retryWhileBusy(
      () => this.connection.executeScript(sql),
      deadline,
      () => {
        if (this.connection.totalChanges() !== changesBefore) return false;
        // a BEGIN inside the script would make the next attempt fail with "transaction within a transaction"
        if (wasAutocommit) this.connection.rollback();
        return true;
      },
    );
  }

  #resolveSql(sql: string | null | undefined, sqlId: number | null | undefined): string {
    if (typeof sql === "string") return sql;
    if (sqlId == null) throw new ProtocolError("Either `sql` or `sql_id` is required", "PROTOCOL_ERROR");
    const stored = this.#sqls.get(sqlId);
    if (stored === undefined) throw new ProtocolError(`No SQL text stored with sql_id ${sqlId}`, "SQL_NOT_FOUND");
    return stored;
  }
}

function toSqliteParams(stmt: HranaStmt): SqliteParams {
  const positional = stmt.args ?? [];
  const named = stmt.named_args ?? [];
  if (positional.length > 0 && named.length > 0) {
    throw new ProtocolError(
      "Specifying both positional and named arguments is not supported",
      "ARGS_BOTH_POSITIONAL_AND_NAMED",
    );
  }
  if (named.length === 0) return positional.map(toSqliteValue);
  // The driver binds `:id`, `@id` and `$id` from the key `id`; a prefixed key would silently bind NULL.
  return Object.fromEntries(named.map((arg) => [arg.name.replace(/^[:@$]/, ""), toSqliteValue(arg.value)]));
}
