// What the system under test pays, counted where it is paid: calls into the libSQL driver (Node) or HTTP requests to
// the libSQL server (workerd), the SQL statements they carry, and the messages sent to each queue. Each server exposes
// its counters at STATS_PATH; the bench reads them before and after a phase and divides by the webhooks delivered.
// Counting wraps whatever Herald calls, so it stays right whatever shape the pipeline takes (batches, several legs per
// message).

export const STATS_PATH = "/bench/stats";

/** Counters of one server process since it started. */
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
