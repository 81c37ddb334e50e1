import { type InStatement, LibsqlError, type ResultSet, type Transaction } from "@libsql/client";

export type Work<T> = () => T;

/** What a transaction runs its statements on: the client's one connection. */
export interface TransactionConnection {
  readonly closed: boolean;
  readonly inTransaction: boolean;
  run(stmt: InStatement): ResultSet;
  runEach(stmts: InStatement[], requireTransaction: boolean): ResultSet[];
  runScript(sql: string): void;
}

/** An interactive transaction: it owns the client's connection from BEGIN until commit, rollback or close. */
export class NativeTransaction implements Transaction {
  #client: TransactionConnection | undefined;
  readonly #release: () => void;

  constructor(client: TransactionConnection, release: () => void) {
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

  #live(): TransactionConnection {
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

/** Runs `work` now, answering its result or its exception as a promise. */
export function settled<T>(work: Work<T>): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error);
  }
}
