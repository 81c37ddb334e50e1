// The Node runtime's libSQL client, counted: every call into the driver is a round trip (the embedded driver runs it
// synchronously on the JS thread; over the network it is one HTTP request), and each carries its statements.
import type { NodeRuntimeOptions } from "@herald/api/node/runtime";
import { type ServerCounters, scriptStatements, statementWeight } from "./counters";

type Client = Parameters<NonNullable<NodeRuntimeOptions["wrapDbClient"]>>[0];
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

export function countingClient(client: Client, counters: ServerCounters): Client {
  return counted(client, counters);
}
