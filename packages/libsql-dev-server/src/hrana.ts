// Hrana over HTTP, version 2, JSON encoding: the wire types this server speaks and their conversion to the
// values the native `libsql` driver binds and returns.
// Spec: https://github.com/tursodatabase/libsql/blob/main/docs/HRANA_2_SPEC.md (HTTP: HTTP_V2_SPEC.md)

export type HranaValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

export type HranaNamedArg = { name: string; value: HranaValue };

export type HranaStmt = {
  sql?: string | null;
  sql_id?: number | null;
  args?: HranaValue[];
  named_args?: HranaNamedArg[];
  want_rows?: boolean;
};

export type HranaBatchCond =
  | { type: "ok"; step: number }
  | { type: "error"; step: number }
  | { type: "not"; cond: HranaBatchCond }
  | { type: "and"; conds: HranaBatchCond[] }
  | { type: "or"; conds: HranaBatchCond[] }
  | { type: "is_autocommit" };

export type HranaBatchStep = { condition?: HranaBatchCond | null; stmt: HranaStmt };

export type HranaStreamRequest =
  | { type: "close" }
  | { type: "execute"; stmt: HranaStmt }
  | { type: "batch"; batch: { steps: HranaBatchStep[] } }
  | { type: "sequence"; sql?: string | null; sql_id?: number | null }
  | { type: "describe"; sql?: string | null; sql_id?: number | null }
  | { type: "store_sql"; sql_id: number; sql: string }
  | { type: "close_sql"; sql_id: number }
  | { type: "get_autocommit" };

export type HranaCol = { name: string | null; decltype: string | null };

export type HranaStmtResult = {
  cols: HranaCol[];
  rows: HranaValue[][];
  affected_row_count: number;
  last_insert_rowid: string | null;
};

export type HranaError = { message: string; code: string };

export type HranaBatchResult = {
  step_results: (HranaStmtResult | null)[];
  step_errors: (HranaError | null)[];
};

export type HranaDescribeResult = {
  params: { name: string | null }[];
  cols: HranaCol[];
  is_explain: boolean;
  is_readonly: boolean;
};

export type HranaStreamResponse =
  | { type: "close" }
  | { type: "execute"; result: HranaStmtResult }
  | { type: "batch"; result: HranaBatchResult }
  | { type: "sequence" }
  | { type: "describe"; result: HranaDescribeResult }
  | { type: "store_sql" }
  | { type: "close_sql" }
  | { type: "get_autocommit"; is_autocommit: boolean };

export type HranaStreamResult = { type: "ok"; response: HranaStreamResponse } | { type: "error"; error: HranaError };

export type PipelineRequestBody = { baton: string | null; requests: HranaStreamRequest[] };

export type PipelineResponseBody = { baton: string | null; base_url: string | null; results: HranaStreamResult[] };

/** What the native driver binds and, with safeIntegers, returns. */
export type SqliteValue = null | bigint | number | string | Buffer;

/** An error in what the client sent, reported with a Hrana-style code. */
export class ProtocolError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = "ProtocolError";
  }
}

export function toSqliteValue(value: HranaValue): SqliteValue {
  switch (value?.type) {
    case "null":
      return null;
    case "integer": {
      const integer = typeof value.value === "string" && /^-?\d+$/.test(value.value) ? BigInt(value.value) : null;
      if (integer === null || BigInt.asIntN(64, integer) !== integer) {
        throw new ProtocolError(`Invalid 64-bit integer: ${JSON.stringify(value.value)}`, "ARGS_INVALID");
      }
      return integer;
    }
    case "float":
      return Number(value.value);
    case "text":
      return String(value.value);
    case "blob":
      return Buffer.from(value.base64 ?? "", "base64");
    default:
      throw new ProtocolError(`Invalid value: ${JSON.stringify(value)}`, "ARGS_INVALID");
  }
}

/** Expects rows read with safeIntegers, so every JS number is a REAL and every bigint an INTEGER. */
export function fromSqliteValue(value: unknown): HranaValue {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: value.toString() };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) return { type: "blob", base64: Buffer.from(value).toString("base64") };
  throw new Error(`Unexpected value from the driver: ${typeof value}`);
}

/** Checks the envelope only; each request is checked when it runs, so one bad request does not fail the others. */
export function parsePipelineRequestBody(json: unknown): PipelineRequestBody {
  if (typeof json !== "object" || json === null)
    throw new ProtocolError("Body must be a JSON object", "PROTOCOL_ERROR");
  const { baton, requests } = json as { baton?: unknown; requests?: unknown };
  if (baton !== undefined && baton !== null && typeof baton !== "string") {
    throw new ProtocolError("`baton` must be a string or null", "PROTOCOL_ERROR");
  }
  if (!Array.isArray(requests)) throw new ProtocolError("`requests` must be an array", "PROTOCOL_ERROR");
  for (const request of requests) {
    if (typeof request !== "object" || request === null || typeof request.type !== "string") {
      throw new ProtocolError("Each request must be an object with a string `type`", "PROTOCOL_ERROR");
    }
  }
  return { baton: baton ?? null, requests: requests as HranaStreamRequest[] };
}

/**
 * The Hrana error for anything thrown while running a request, worded as sqld words it: the primary SQLite code
 * (`SQLITE_CONSTRAINT`, not the driver's extended `SQLITE_CONSTRAINT_UNIQUE`) and `SQLite error: <message>`, so code
 * that handles errors behaves here exactly as it will against Turso.
 */
export function toHranaError(error: unknown): HranaError {
  if (error instanceof ProtocolError) return { message: error.message, code: error.code };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  // SqliteError from the driver: sqld words its messages the same way, so message matching behaves alike
  if (typeof code === "string" && code.startsWith("SQLITE_")) {
    return { message: `SQLite error: ${message}`, code: code.split("_", 2).join("_") };
  }
  return { message, code: "UNKNOWN_ERROR" };
}
