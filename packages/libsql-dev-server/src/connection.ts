import Database from "libsql";
import { isBusyFamilyError } from "./busy-retry";
import {
  fromSqliteValue,
  type HranaDescribeResult,
  type HranaStmtResult,
  ProtocolError,
  type SqliteValue,
} from "./hrana";

export type SqliteParams = SqliteValue[] | Record<string, SqliteValue>;

/** Runs one prepared statement. Retrying after SQLITE_BUSY must call the same function again (see `#pending`). */
export type PreparedStatement = (params: SqliteParams, wantRows: boolean) => HranaStmtResult;

type ChangeCounters = { totalChanges: bigint; changes: bigint; lastInsertRowid: bigint };

/**
 * One native libsql connection, with the few operations a Hrana stream needs.
 *
 * Two driver quirks shape this class:
 * - Touching a closed native handle (even `inTransaction`) aborts the whole process, so every call checks
 *   `#open` first.
 * - A statement that fails with SQLITE_BUSY stays pending, and the driver has no reset(): only running that
 *   same statement again, or garbage collection, finishes it. Until then it pins an old read snapshot, later
 *   autocommit writes on the connection silently never commit, and COMMIT fails. So the pending statement
 *   is remembered, and once the connection is outside a transaction again the native handle is replaced.
 */
export class SqliteConnection {
  #db!: Database.Database;
  #counters!: Database.Statement;
  #pending: Database.Statement | undefined;
  #open = true;

  constructor(readonly path: string) {
    this.#attach();
  }

  get isAutocommit(): boolean {
    return !this.#live().inTransaction;
  }

  prepare(sql: string): PreparedStatement {
    const db = this.#ready();
    const stmt = db.prepare(sql);
    return (params, wantRows) => {
      if (this.#live() !== db) throw new ProtocolError("The connection was reset", "STREAM_CLOSED");
      try {
        const result = this.#run(stmt, sql, params, wantRows);
        if (this.#pending === stmt) this.#pending = undefined;
        return result;
      } catch (error) {
        if (!isBusyFamilyError(error)) {
          if (this.#pending === stmt) this.#pending = undefined;
          throw error;
        }
        if (this.#pending && this.#pending !== stmt) {
          // What blocks this statement is our own pending one (COMMIT reports "SQL statements in progress"):
          // waiting cannot help, only a ROLLBACK (which still works) gets the connection back.
          const message = `${(error as Error).message}; an earlier statement of this transaction failed with SQLITE_BUSY, roll it back`;
          throw new ProtocolError(`SQLite error: ${message}`, "SQLITE_BUSY");
        }
        this.#pending = stmt;
        throw error;
      }
    };
  }

  /** Runs several `;`-separated statements, stopping at the first error. Leaves no statement pending. */
  executeScript(sql: string): void {
    this.#ready().exec(sql);
  }

  describe(sql: string): HranaDescribeResult {
    const stmt = this.#ready().prepare(sql);
    const cols = stmt.reader ? stmt.columns().map((col) => ({ name: col.name, decltype: col.type })) : [];
    return {
      // The driver exposes neither parameter names nor sqlite3_stmt_readonly(): params stay empty and
      // is_readonly is a best guess.
      params: [],
      cols,
      is_explain: firstKeyword(sql) === "EXPLAIN",
      is_readonly: stmt.reader && !/^(INSERT|REPLACE|UPDATE|DELETE)$/.test(firstKeyword(sql)),
    };
  }

  /** Counts every row this connection ever changed; tells whether a failed script left anything behind. */
  totalChanges(): bigint {
    return this.#readCounters().totalChanges;
  }

  rollback(): void {
    if (!this.isAutocommit) this.#live().exec("ROLLBACK");
  }

  /** Makes the connection safe to hand to another stream; false if it cannot be, and should be closed instead. */
  resetForReuse(): boolean {
    if (!this.#open || this.#pending) return false;
    try {
      this.rollback();
      // a migration may have switched foreign keys off (drizzle's table rebuilds do) and then failed
      this.#db.exec("PRAGMA foreign_keys=ON");
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    if (!this.#open) return;
    this.#open = false;
    // closing also rolls back whatever transaction is still open
    this.#db.close();
  }

  #attach(): void {
    const db = new Database(this.path);
    try {
      db.exec("PRAGMA journal_mode=WAL");
      db.exec("PRAGMA foreign_keys=ON");
      // The driver is synchronous: a busy timeout would block the event loop, and with it the very
      // transaction that holds the lock. Callers retry SQLITE_BUSY asynchronously instead.
      db.exec("PRAGMA busy_timeout=0");
      this.#counters = db
        .prepare("SELECT total_changes(), changes(), last_insert_rowid()")
        .raw(true)
        .safeIntegers(true);
    } catch (error) {
      db.close();
      throw error;
    }
    this.#db = db;
    this.#pending = undefined;
  }

  #live(): Database.Database {
    if (!this.#open) throw new ProtocolError("The database connection was closed", "STREAM_CLOSED");
    return this.#db;
  }

  /** The handle to run a new statement on. Inside a transaction a pending statement stays: COMMIT will fail. */
  #ready(): Database.Database {
    const db = this.#live();
    if (this.#pending && !db.inTransaction) {
      // nothing is lost outside a transaction but settings the client changed on this connection
      this.#open = false;
      db.close();
      this.#attach(); // if this throws, the connection stays closed rather than half open
      this.#open = true;
    }
    return this.#db;
  }

  #run(stmt: Database.Statement, sql: string, params: SqliteParams, wantRows: boolean): HranaStmtResult {
    const before = this.#readCounters();
    let cols: HranaStmtResult["cols"] = [];
    let rows: HranaStmtResult["rows"] = [];
    let affectedRowCount: number;
    if (stmt.reader) {
      cols = stmt.columns().map((col) => ({ name: col.name, decltype: col.type }));
      const rawRows = stmt.raw(true).safeIntegers(true).all(params) as unknown[][];
      if (wantRows) rows = rawRows.map((row) => row.map(fromSqliteValue));
      // A reader can still write (INSERT ... RETURNING). changes() keeps its old value after a plain SELECT,
      // so it only counts if this statement moved total_changes().
      const after = this.#readCounters();
      affectedRowCount = after.totalChanges === before.totalChanges ? 0 : Number(after.changes);
    } else {
      affectedRowCount = stmt.run(params).changes;
    }
    // run() reports the rowid as a lossy JS number, so read it again as a bigint
    const { lastInsertRowid } = this.#readCounters();
    // Like sqld: a rowid only for INSERTs. The second test catches INSERTs behind a WITH clause.
    const inserted = /^(INSERT|REPLACE)$/.test(firstKeyword(sql)) || lastInsertRowid !== before.lastInsertRowid;
    return {
      cols,
      rows,
      affected_row_count: affectedRowCount,
      last_insert_rowid: inserted ? lastInsertRowid.toString() : null,
    };
  }

  #readCounters(): ChangeCounters {
    this.#live();
    const [totalChanges, changes, lastInsertRowid] = this.#counters.get() as [bigint, bigint, bigint];
    return { totalChanges, changes, lastInsertRowid };
  }
}

/** The first SQL keyword, upper-cased, after leading whitespace and comments. */
function firstKeyword(sql: string): string {
  const match = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(sql);
  return match?.[1]?.toUpperCase() ?? "";
}
