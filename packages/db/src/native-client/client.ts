import {
  type Client,
  type InArgs,
  type InStatement,
  LibsqlBatchError,
  LibsqlError,
  type Replicated,
  type ResultSet,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";
import Database from "libsql";
import { LRUCache } from "lru-cache";
import { batchError, clientClosed, libsqlError } from "./errors";
import { type CachedStatement, hasRows, RowShape, readRows, write } from "./rows";
import { NativeTransaction, type Work } from "./transaction";
import { bindArgs } from "./values";

/** The libSQL `Client`, plus how many prepared statements it holds. */
export interface NativeClient extends Client {
  readonly cachedStatements: number;
}

export class CachingClient implements NativeClient {
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
