// The capacity and cost model of bench/README.md ("Past one machine, on paper"), computed from a results JSON:
// `tsx src/model.ts results/<run>.json [workerd|node]` (the counts of either runtime; t_db is workerd's). Prints the figures to plug into the README's tables. The limits, prices
// and assumptions are the README's; change them there and here together.
import { readFileSync } from "node:fs";
import type { BenchReport } from "./report";

const QUEUE_MESSAGES_PER_SECOND = 5_000;
const BATCH_MESSAGES = 100;
const CONCURRENT_INVOCATIONS = 250;
const CONNECTIONS_PER_INVOCATION = 6;
const WEBHOOK_MS = 100;
const DATABASE_RTT_MS = 20;
const DESTINATIONS = 10;
const ROWS_WRITTEN_PER_DELIVERY = 3 + 3 / DESTINATIONS;
const TARGET_PER_SECOND = 100_000;
const PRICE = { queueOperation: 0.4, request: 0.3, cpuMs: 0.02, rowWritten: 1, rowRead: 0.001 }; // $ per million

const path = process.argv[2];
if (!path) throw new Error("usage: tsx src/model.ts results/<run>.json");
const report = JSON.parse(readFileSync(path, "utf8")) as BenchReport;
const runtime = process.argv[3] === "node" ? "node" : "workerd";
const counted = report.runtimes[runtime];
const workerd = report.runtimes.workerd;
if (!counted) throw new Error(`${path} has no ${runtime} run`);
const { perDelivery, queueMessages, webhooks, drained } = counted.e2eMaximum.costs;
const perQueue = (name: string) => (queueMessages[name] ?? 0) / webhooks;
const qf = perQueue("herald-fanout");
const qd = perQueue("herald-deliveries");
const { dbStatements: s, dbRoundTrips: r, queueMessages: q, serverCpuMs: c } = perDelivery;
// The libSQL server's time per round trip over the whole of scenario 5's server, as its capacity per core.
const database = workerd?.databaseServer.e2e as { dbRoundTrips?: number; timing?: { handlerMs: number } } | null;
const tdb = database?.timing && database.dbRoundTrips ? database.timing.handlerMs / database.dbRoundTrips : Number.NaN;
const capacityDb = 1000 / tdb;
const legsPerInvocation = BATCH_MESSAGES / qd;
const invocationSeconds =
  ((legsPerInvocation / CONNECTIONS_PER_INVOCATION) * (WEBHOOK_MS + r * DATABASE_RTT_MS)) / 1000;
const queues = Math.ceil((TARGET_PER_SECOND * Math.max(qd, qf)) / QUEUE_MESSAGES_PER_SECOND);
const consumerShards = Math.ceil(
  TARGET_PER_SECOND / ((CONCURRENT_INVOCATIONS * legsPerInvocation) / invocationSeconds),
);
const databases = Math.ceil((TARGET_PER_SECOND * r) / capacityDb);
// No per-database rate is published for Turso: the shards needed for a few assumed capacities, beside the local one.
const databasesAt = Object.fromEntries(
  [1_000, 5_000, 10_000].map((roundTrips) => [roundTrips, Math.ceil((TARGET_PER_SECOND * r) / roundTrips)]),
);
const cost = {
  queues: 3 * q * PRICE.queueOperation,
  requests: (1 / DESTINATIONS + q / BATCH_MESSAGES) * PRICE.request,
  cpu: c * PRICE.cpuMs,
  rowsWritten: ROWS_WRITTEN_PER_DELIVERY * PRICE.rowWritten,
  rowsRead: s * PRICE.rowRead,
};
const round = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
console.log(
  JSON.stringify(
    {
      run: report.startedAt,
      runtime,
      drained,
      S: round(s),
      R: round(r),
      Q: round(q, 3),
      Qf: round(qf, 3),
      Qd: round(qd, 3),
      C: round(c),
      tdbMs: round(tdb),
      oneDeliveryQueue: Math.round(QUEUE_MESSAGES_PER_SECOND / qd),
      oneFanoutQueue: Math.round(QUEUE_MESSAGES_PER_SECOND / qf),
      legsPerInvocation: round(legsPerInvocation, 0),
      invocationSeconds: round(invocationSeconds),
      oneInvocation: round(legsPerInvocation / invocationSeconds, 0),
      oneQueueConsumers: Math.round((CONCURRENT_INVOCATIONS * legsPerInvocation) / invocationSeconds),
      oneDatabase: Math.round(capacityDb / r),
      queueShards: queues,
      consumerShards,
      databases,
      databasesAtRoundTripsPerSecond: databasesAt,
      shards: Math.max(queues, consumerShards, databases),
      costPerMillion: Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, round(v)])),
      costTotal: round(Object.values(cost).reduce((sum, v) => sum + v, 0)),
    },
    null,
    2,
  ),
);
