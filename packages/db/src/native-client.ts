import {
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type Replicated,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
  type Value,
} from "@libsql/client";
import Database from "libsql";
import { LRUCache } from "lru-cache";

/**
 * A `Client` (the interface drizzle's libSQL driver calls) over one native `libsql` connection, with the prepared
 * statements kept in an LRU cache keyed by SQL text. @libsql/client's file client prepares every statement anew and
 * builds every row with defineProperty; this one prepares each distinct SQL once and builds rows from a per-statement
 * shape. Results, errors (LibsqlError with the same codes, the driver's error as cause), batches and transactions
 * behave as @libsql/client's with `concurrency: 1` (what createNodeDb used), except that a caller arriving while a
 * transaction is open waits for it instead of failing with TRANSACTION_ACTIVE.
 */
export interface NativeClientOptions {
  /** How many prepared statements to keep (default 500). */
  statementCacheSize?: number;
}

const DEFAULT_STATEMENT_CACHE_SIZE = 500;

/** The libSQL `Client`, plus how many prepared statements it holds. */
export interface NativeClient extends Client {
  readonly cachedStatements: number;
}

/** Opens `url` (`file:` or `:memory:`) with the native driver; fails now if the database cannot be opened. */
export function createNativeClient(url: string, options: NativeClientOptions = {}): NativeClient {
  return new CachingClient(filePath(url), options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE);
}

/** The path the native driver opens for a `file:` URL, read the way @libsql/client reads it. */
export function filePath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (!url.startsWith("file:")) throw new LibsqlError(`not a file: URL: ${url}`, "URL_SCHEME_NOT_SUPPORTED");
  if (/[?#]/.test(url)) throw new LibsqlError("file: URLs with a query or fragment are not supported", "URL_INVALID");
  let rest = url.slice("file:".length);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const host = rest.slice(2, slash === -1 ? undefined : slash);
    if (host !== "" && host.toLowerCase() !== "localhost") {
      throw new LibsqlError(`Invalid host in file URL: ${JSON.stringify(host)}`, "URL_INVALID");
    }
    rest = slash === -1 ? "" : rest.slice(slash);
  }
  return decodeURIComponent(rest);
}

/** A prepared statement and what it returns, computed once. */
interface CachedStatement {
  stmt: Database.Statement;
  /** Null for statements that return no rows (`raw()` refuses them). */
  shape: RowShape | null;
  /** DDL: after it runs, cached column names of other statements may be stale. */
  changesSchema: boolean;
  /** `PRAGMA name = value`: a setting of this connection, replayed on a replacement connection. */
  setting: string | undefined;
}

type Work<T> = () => T;

class CachingClient implements NativeClient {
  closed = false;
  readonly protocol = "file";
  #db: Database.Database;
  readonly #path: string;
  readonly #statements: LRUCache<string, CachedStatement>;
  /** The open transaction, which owns the connection until it settles. */
  #transaction: NativeTransaction | undefined;
  /** Work that arrived while a transaction was open, in arrival order. */
  #queue: Array<{ run: () => void; fail: (error: unknown) => void }> = [];
  /** PRAGMA settings run through this client, by name, to give a replacement connection. */
  readonly #settings = new Map<string, string>();
  /** A statement failed with SQLITE_BUSY/LOCKED and may still be mid-step: replace the connection when idle. */
  #stuck = false;

  constructor(path: string, statementCacheSize: number) {
    this.#path = path;
    // Evicted statements are dropped, not finalized: every statement runs to completion synchronously, so none that
    // leaves the cache is in use, and the driver finalizes it when it is collected.
    this.#statements = new LRUCache({ max: statementCacheSize });
    this.#db = this.#open();
  }

  execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const stmt = typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    return this.#schedule(() => this.#autocommit(() => this.run(stmt)));
  }

  batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    return this.#schedule(() =>
      this.#autocommit(() => {
        this.run(beginStatement(mode));
        const results = this.runEach(stmts.map(normalizeStatement), true);
        this.run("COMMIT");
        return results;
      }),
    );
  }

  migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    return this.#schedule(() => {
      this.run("PRAGMA foreign_keys=off");
      try {
        return this.#autocommit(() => {
          this.run("BEGIN DEFERRED");
          const results = this.runEach(stmts, true);
          this.run("COMMIT");
          return results;
        });
      } finally {
        this.#statements.clear();
        this.run("PRAGMA foreign_keys=on");
      }
    });
  }

  transaction(mode: TransactionMode = "write"): Promise<Transaction> {
    return this.#schedule(() => {
      this.run(beginStatement(mode));
      const transaction = new NativeTransaction(this, () => this.#settle(transaction));
      this.#transaction = transaction;
      return transaction;
    });
  }

  executeMultiple(sql: string): Promise<void> {
    return this.#schedule(() => this.#autocommit(() => this.runScript(sql)));
  }

  sync(): Promise<Replicated> {
    return Promise.reject(
      new LibsqlError("sync() needs an embedded replica, which this client does not open", "SYNC_NOT_SUPPORTED"),
    );
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#statements.clear();
    this.#transaction = undefined;
    if (this.#db.open) this.#db.close();
    const queue = this.#queue;
    this.#queue = [];
    for (const waiting of queue) waiting.fail(clientClosed());
  }

  get cachedStatements(): number {
    return this.#statements.size;
  }

  reconnect(): void {
    this.close();
    this.#db = this.#open();
    this.closed = false;
  }

  /** Runs one statement on the connection, whoever owns it (the caller has checked that it may). */
  run(stmt: InStatement): ResultSet {
    if (this.closed || !this.#db.open) throw clientClosed();
    const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: undefined } : stmt;
    const cached = this.#prepare(sql);
    try {
      const bound = bindArgs(args);
      const result = hasRows(cached) ? readRows(cached, bound) : write(cached.stmt, bound);
      if (cached.changesSchema) this.#statements.clear();
      if (cached.setting !== undefined) this.#settings.set(cached.setting, sql);
      return result;
    } catch (error) {
      this.#statements.delete(sql);
      // A statement that failed with SQLITE_BUSY stays mid-step (the driver has no reset()) until it is collected,
      // pinning an old snapshot: later writes on this connection would fail or never commit. @libsql/client has
      // the same flaw; here the connection is replaced once no transaction needs it.
      if (error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(String(error.code))) this.#stuck = true;
      throw libsqlError(error);
    }
  }

  /** Runs statements in order; a failure names the statement (LibsqlBatchError), as @libsql/client's batch does. */
  runEach(stmts: InStatement[], requireTransaction: boolean): ResultSet[] {
    const results: ResultSet[] = [];
    for (const [index, stmt] of stmts.entries()) {
      try {
        if (requireTransaction && !this.inTransaction) {
          throw new LibsqlBatchError("The transaction has been rolled back", index, "TRANSACTION_CLOSED");
        }
        results.push(this.run(stmt));
      } catch (error) {
        throw batchError(error, index);
      }
    }
    return results;
  }

  runScript(sql: string): void {
    if (this.closed || !this.#db.open) throw clientClosed();
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw libsqlError(error);
    } finally {
      this.#statements.clear();
    }
  }

  get inTransaction(): boolean {
    // reading inTransaction on a closed native handle aborts the process
    return this.#db.open && this.#db.inTransaction;
  }

  #open(): Database.Database {
    const db = new Database(this.#path);
    try {
      db.prepare("SELECT 1 AS checkThatTheDatabaseCanBeOpened").all();
    } catch (error) {
      db.close();
      throw libsqlError(error);
    }
    return db;
  }

  /** A new connection with the settings of the old one; nothing else is lost outside a transaction. */
  #replaceConnection(): void {
    this.#statements.clear();
    this.#db.close();
    this.#db = this.#open();
    this.#stuck = false;
    for (const setting of this.#settings.values()) this.#db.exec(setting);
  }

  #prepare(sql: string): CachedStatement {
    const hit = this.#statements.get(sql);
    if (hit) return hit;
    let stmt: Database.Statement;
    try {
      stmt = this.#db.prepare(sql);
    } catch (error) {
      throw libsqlError(error);
    }
    stmt.safeIntegers(true);
    let shape: RowShape | null = null;
    try {
      stmt.raw(true);
      shape = new RowShape(stmt.columns());
    } catch {
      // raw() refuses statements that return no data
    }
    const setting = /^\s*PRAGMA\s+([\w.]+)\s*=/i.exec(sql)?.[1]?.toLowerCase();
    const cached = { stmt, shape, changesSchema: /^\s*(CREATE|ALTER|DROP)\b/i.test(sql), setting };
    this.#statements.set(sql, cached);
    return cached;
  }

  /** Work outside a transaction: a transaction left open by it (a bare BEGIN) is rolled back, as @libsql/client does. */
  #autocommit<T>(work: Work<T>): T {
    try {
      return work();
    } finally {
      this.#rollbackIfOpen();
    }
  }

  /** Ends a transaction nobody owns any more; a connection that cannot roll back is replaced before its next use. */
  #rollbackIfOpen(): void {
    try {
      if (this.inTransaction) this.#db.exec("ROLLBACK");
    } catch {
      this.#stuck = true;
    }
  }

  /** Runs `work` now if no transaction holds the connection, else once the transactions before it have settled. */
  #schedule<T>(work: Work<T>): Promise<T> {
    if (this.closed) return Promise.reject(clientClosed());
    if (this.#transaction === undefined) {
      try {
        if (this.#stuck) this.#replaceConnection();
        return Promise.resolve(work());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        try {
          if (this.#stuck) this.#replaceConnection();
          resolve(work());
        } catch (error) {
          reject(error);
        }
      };
      this.#queue.push({ run, fail: reject });
    });
  }

  #settle(transaction: NativeTransaction): void {
    if (this.#transaction !== transaction) return;
    this.#transaction = undefined;
    this.#rollbackIfOpen();
    // Synchronously, so nothing else can slip in between a queued transaction's turn and its BEGIN.
    while (this.#transaction === undefined && !this.closed) {
      const next = this.#queue.shift();
      if (!next) break;
      next.run();
    }
  }
}

/** An interactive transaction: it owns the client's connection from BEGIN until commit, rollback or close. */
class NativeTransaction implements Transaction {
  #client: CachingClient | undefined;
  readonly #release: () => void;

  constructor(client: CachingClient, release: () => void) {
    this.#client = client;
    this.#release = release;
  }

  get closed(): boolean {
    return this.#client === undefined || !this.#client.inTransaction;
  }

  execute(stmt: InStatement): Promise<ResultSet> {
    return settled(() => this.#live().run(stmt));
  }

  batch(stmts: InStatement[]): Promise<ResultSet[]> {
    return settled(() => this.#live().runEach(stmts, false));
  }

  executeMultiple(sql: string): Promise<void> {
    return settled(() => this.#live().runScript(sql));
  }

  rollback(): Promise<void> {
    return settled(() => {
      const client = this.#client;
      if (client === undefined || client.closed) return this.#settle();
      try {
        this.#live().run("ROLLBACK");
      } finally {
        this.#settle();
      }
    });
  }

  commit(): Promise<void> {
    return settled(() => {
      try {
        this.#live().run("COMMIT");
      } finally {
        this.#settle();
      }
    });
  }

  close(): void {
    // settling rolls back whatever is still open
    this.#settle();
  }

  #live(): CachingClient {
    if (this.closed || this.#client === undefined) {
      throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
    }
    return this.#client;
  }

  #settle(): void {
    if (this.#client === undefined) return;
    this.#client = undefined;
    this.#release();
  }
}

/** Column names and types of a statement, and the row class its results use. */
class RowShape {
  readonly columns: string[];
  readonly columnTypes: string[];
  readonly #build: (values: Value[]) => Row;

  constructor(definitions: Array<{ name: string; type: string | null }>) {
    this.columns = definitions.map((column) => column.name);
    this.columnTypes = definitions.map((column) => column.type ?? "");
    this.#build = rowClass(this.columns);
  }

  row(values: Value[]): Row {
    return this.#build(values);
  }
}

/**
 * Rows as @libsql/client builds them: columns by index and `length` (not enumerable), and by name (enumerable, the
 * first column of a name wins). Index reads go through getters on a per-statement class, so building a row is one
 * object and one assignment per name instead of a defineProperty per value.
 */
function rowClass(columns: string[]): (values: Value[]) => Row {
  const named: Array<[string, number]> = [];
  const taken = new Set(["length", ...columns.map((_, index) => String(index))]);
  for (const [index, name] of columns.entries()) {
    if (taken.has(name)) continue;
    taken.add(name);
    named.push([name, index]);
  }
  const StatementRow = class extends RowBase {};
  for (const index of columns.keys()) {
    Object.defineProperty(StatementRow.prototype, index, {
      get(this: RowBase) {
        return RowBase.valueAt(this, index);
      },
    });
  }
  return (values) => {
    const row = new StatementRow(values) as unknown as Record<string, Value>;
    for (const [name, index] of named) row[name] = values[index] as Value;
    return row as unknown as Row;
  };
}

class RowBase {
  readonly #values: Value[];

  constructor(values: Value[]) {
    this.#values = values;
  }

  static valueAt(row: RowBase, index: number): Value | undefined {
    return row.#values[index];
  }

  get length(): number {
    return this.#values.length;
  }
}

/** The fields drizzle and @libsql/client callers read, plus toJSON as @libsql/client writes it. */
class NativeResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((row) => Array.prototype.map.call(row, valueToJson)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid),
    };
  }
}

function hasRows(cached: CachedStatement): cached is CachedStatement & { shape: RowShape } {
  return cached.shape !== null;
}

type BoundArgs = unknown[] | Record<string, unknown>;

function readRows(cached: CachedStatement & { shape: RowShape }, args: BoundArgs): ResultSet {
  const raw = cached.stmt.all(args) as unknown[][];
  // SQLite re-prepares a statement whose tables another connection altered: its columns may have changed
  if (raw[0] && raw[0].length !== cached.shape.columns.length) cached.shape = new RowShape(cached.stmt.columns());
  const { shape } = cached;
  const rows = new Array<Row>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const values = raw[i] as unknown[];
    for (let j = 0; j < values.length; j++) values[j] = valueFromSql(values[j]);
    rows[i] = shape.row(values as Value[]);
  }
  // @libsql/client reports neither for statements that return rows (an INSERT ... RETURNING included)
  return new NativeResultSet(shape.columns, shape.columnTypes, rows, 0, undefined);
}

function write(stmt: Database.Statement, args: BoundArgs): ResultSet {
  const info = stmt.run(args);
  return new NativeResultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** intMode "number", @libsql/client's default: integers read as bigints and come back as numbers when exact. */
function valueFromSql(value: unknown): Value {
  if (typeof value === "bigint") {
    if (value < MIN_SAFE || value > MAX_SAFE) {
      throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    }
    return Number(value);
  }
  if (Buffer.isBuffer(value)) {
    return value.byteOffset === 0 && value.byteLength === value.buffer.byteLength
      ? (value.buffer as ArrayBuffer)
      : (value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer);
  }
  return value as Value;
}

function valueToSql(value: InValue): unknown {
  if (typeof value === "number") {
    if (!Number.isFinite(value))
      throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
    return value;
  }
  if (typeof value === "bigint") {
    if (value < MIN_INT64 || value > MAX_INT64) {
      throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
    }
    return value;
  }
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError("undefined cannot be passed as argument to the database");
  return value;
}

function bindArgs(args: InArgs | undefined): BoundArgs {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(valueToSql);
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(args)) {
    named[/^[@$:]/.test(name) ? name.slice(1) : name] = valueToSql(value);
  }
  return named;
}

function valueToJson(value: Value): unknown {
  if (typeof value === "bigint") return String(value);
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString("base64");
  return value;
}

function normalizeStatement(stmt: InStatement | [string, InArgs?]): InStatement {
  return Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt;
}

function beginStatement(mode: TransactionMode): string {
  switch (mode) {
    case "write":
      return "BEGIN IMMEDIATE";
    case "read":
      return "BEGIN TRANSACTION READONLY";
    case "deferred":
      return "BEGIN DEFERRED";
    default:
      throw new RangeError('Unknown transaction mode, supported values are "write", "read" and "deferred"');
  }
}

function settled<T>(work: Work<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}

function clientClosed(): LibsqlError {
  return new LibsqlError("The client is closed", "CLIENT_CLOSED");
}

/** The driver's SqliteError as @libsql/client reports it: the base code, the extended one, the original as cause. */
function libsqlError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const { code: extendedCode, rawCode } = error as unknown as { code: string; rawCode?: number };
  return new LibsqlError(error.message, baseCode(rawCode), extendedCode, rawCode, error);
}

function batchError(error: unknown, index: number): unknown {
  if (error instanceof LibsqlBatchError || !(error instanceof LibsqlError)) return error;
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return new LibsqlBatchError(error.message, index, error.code, error.extendedCode, error.rawCode, cause);
}

const BASE_CODES = [
  "SQLITE_OK",
  "SQLITE_ERROR",
  "SQLITE_INTERNAL",
  "SQLITE_PERM",
  "SQLITE_ABORT",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_NOMEM",
  "SQLITE_READONLY",
  "SQLITE_INTERRUPT",
  "SQLITE_IOERR",
  "SQLITE_CORRUPT",
  "SQLITE_NOTFOUND",
  "SQLITE_FULL",
  "SQLITE_CANTOPEN",
  "SQLITE_PROTOCOL",
  "SQLITE_EMPTY",
  "SQLITE_SCHEMA",
  "SQLITE_TOOBIG",
  "SQLITE_CONSTRAINT",
  "SQLITE_MISMATCH",
  "SQLITE_MISUSE",
  "SQLITE_NOLFS",
  "SQLITE_AUTH",
  "SQLITE_FORMAT",
  "SQLITE_RANGE",
  "SQLITE_NOTADB",
  "SQLITE_NOTICE",
  "SQLITE_WARNING",
];

/** Extended codes are base | (extended << 8). */
function baseCode(rawCode: number | undefined): string {
  if (rawCode === undefined) return "SQLITE_UNKNOWN";
  const base = rawCode & 0xff;
  return (base > 0 ? BASE_CODES[base] : undefined) ?? `SQLITE_UNKNOWN_${base}`;
}
