// What Herald pays, counted where it is paid: calls into the libSQL driver (one round trip each; one HTTP request to
// the libSQL server on workerd, which the benchmark counts at the server), the SQL statements they carry, and the
// messages sent to each queue. The Node runtime counts in both its threads when asked (`countCalls`); the benchmark
// reads the counters before and after a phase and divides by the webhooks delivered. Counting wraps whatever Herald
// calls, so it stays right whatever shape the pipeline takes (batches, several legs per message).
import type { Client } from "@libsql/client";

/** Counters since the runtime (or the Worker isolate) started. */
export interface ServerCounters {
  /** Calls into the libSQL driver (Node) or HTTP requests to the libSQL server (workerd). */
  dbRoundTrips: number;
  /** SQL statements those carried; a batch of n counts n, transaction control (BEGIN, COMMIT, ROLLBACK) none. */
  dbStatements: number;
  /** Messages sent per queue (`send` counts 1, `sendBatch` the messages it carries). */
  queueMessages: Record<string, number>;
  /** Calls of `send` and `sendBatch`. */
  queueSendCalls: number;
}

export function emptyCounters(): ServerCounters {
  return { dbRoundTrips: 0, dbStatements: 0, queueMessages: {}, queueSendCalls: 0 };
}

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK)\b/i;

/** 1 for a statement Herald asked for, 0 for transaction control the client or drizzle added around them. */
export function statementWeight(sql: string | undefined): number {
  return sql !== undefined && TRANSACTION_CONTROL.test(sql) ? 0 : 1;
}

/** The statements of an SQL script (`executeMultiple`, Hrana's `sequence`): its non-empty `;`-separated parts. */
export function scriptStatements(sql: string): number {
  return sql.split(";").filter((part) => part.trim() !== "" && statementWeight(part) === 1).length;
}

/** Wraps a queue producer so every message sent through it is counted under the queue's name. */
export function countingQueue<Q extends Queue<unknown>>(name: string, queue: Q, counters: ServerCounters): Q {
  const add = (messages: number) => {
    counters.queueSendCalls += 1;
    counters.queueMessages[name] = (counters.queueMessages[name] ?? 0) + messages;
  };
  return new Proxy(queue, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "send") {
        return (body: unknown, options?: QueueSendOptions) => {
          add(1);
          return target.send(body, options);
        };
      }
      if (property === "sendBatch") {
        return (messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) => {
          const list = [...messages];
          add(list.length);
          return target.sendBatch(list, options);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Adds `more` into `into`. */
export function addCounters(into: ServerCounters, more: ServerCounters): ServerCounters {
  into.dbRoundTrips += more.dbRoundTrips;
  into.dbStatements += more.dbStatements;
  into.queueSendCalls += more.queueSendCalls;
  for (const [queue, sent] of Object.entries(more.queueMessages)) {
    into.queueMessages[queue] = (into.queueMessages[queue] ?? 0) + sent;
  }
  return into;
}

// The libSQL client, counted: every call into the driver is a round trip (the embedded driver runs it synchronously on
// the JS thread; over the network it is one HTTP request), and each carries its statements.
type Transaction = Awaited<ReturnType<Client["transaction"]>>;
type Statement = Parameters<Client["batch"]>[0][number];

const sqlOf = (statement: Statement | string): string | undefined =>
  typeof statement === "string" ? statement : Array.isArray(statement) ? statement[0] : statement.sql;

const weigh = (statements: Array<Statement>) =>
  statements.reduce((sum, statement) => sum + statementWeight(sqlOf(statement)), 0);

/** Methods of a client or transaction that reach the driver, and the statements each call carries. */
const CALLS: Record<string, (args: unknown[]) => number> = {
  execute: (args) => statementWeight(sqlOf(args[0] as Statement)),
  batch: (args) => weigh(args[0] as Statement[]),
  migrate: (args) => weigh(args[0] as Statement[]),
  executeMultiple: (args) => scriptStatements(args[0] as string),
  // Transaction control: a round trip, no statement of Herald's.
  commit: () => 0,
  rollback: () => 0,
};

function counted<T extends object>(target: T, counters: ServerCounters): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      const statements = typeof property === "string" ? CALLS[property] : undefined;
      if (property === "transaction") {
        return async (...args: unknown[]) => {
          counters.dbRoundTrips += 1; // BEGIN
          const transaction = (await value.apply(object, args)) as Transaction;
          return counted(transaction, counters);
        };
      }
      if (!statements) return value.bind(object);
      return (...args: unknown[]) => {
        counters.dbRoundTrips += 1;
        counters.dbStatements += statements(args);
        return value.apply(object, args);
      };
    },
  });
}

/** The libSQL client with every call into the driver counted. */
export function countingClient(client: Client, counters: ServerCounters): Client {
  return counted(client, counters);
}
