// What the bench measures: each figure's name, label, unit, where it is read from a runtime's result, and what it
// is compared with.
import type { RuntimeResult } from "./scenarios";

export interface Metric {
  id: string;
  label: string;
  unit: "req/s" | "notif/s" | "deliv/s" | "ms" | "s" | "MiB" | "legs" | "calls" | "per deliv" | "ms/deliv";
  value(result: RuntimeResult): number | null;
  /** What the value is divided by for its ratio: the baseline's requests/s for rates, its memory for memory. */
  ratioTo?(result: RuntimeResult): number | null;
}

const baselineRate = (result: RuntimeResult) => result.baseline.perSecond;

export const METRICS: Metric[] = [
  {
    id: "baseline",
    label: "1. baseline: bare Hono JSON route",
    unit: "req/s",
    value: (r) => r.baseline.perSecond,
    ratioTo: baselineRate,
  },
  {
    id: "get_account_notification",
    label: "2. get_account_notification (auth)",
    unit: "req/s",
    value: (r) => r.getNotification.perSecond,
    ratioTo: baselineRate,
  },
  {
    id: "get_account_notification_by_type",
    label: "3. get_account_notification_by_type, 100",
    unit: "req/s",
    value: (r) => r.byType.perSecond,
    ratioTo: baselineRate,
  },
  {
    id: "sent_notification",
    label: "4. sent_notification ingest (10 dest.)",
    unit: "notif/s",
    value: (r) => r.ingest.perSecond,
    ratioTo: baselineRate,
  },
  {
    id: "sent_notification_backlog",
    label: "4. delivery backlog it leaves (legs)",
    unit: "legs",
    value: (r) => r.ingest.backlogLegs,
  },
  {
    id: "sent_notification_half_p50",
    label: "4. at half its rate: POST latency p50",
    unit: "ms",
    value: (r) => r.ingestHalf.latencyMs.p50,
  },
  {
    id: "sent_notification_half_p99",
    label: "4. at half its rate: POST latency p99",
    unit: "ms",
    value: (r) => r.ingestHalf.latencyMs.p99,
  },
  {
    id: "e2e_max_notifications",
    label: "5. end-to-end max: notifications",
    unit: "notif/s",
    value: (r) => r.e2eMaximum.notificationsPerSecond,
    ratioTo: baselineRate,
  },
  {
    id: "e2e_max_deliveries",
    label: "5. end-to-end max: webhook deliveries",
    unit: "deliv/s",
    value: (r) => r.e2eMaximum.deliveriesPerSecond,
    ratioTo: baselineRate,
  },
  {
    id: "e2e_half_deliveries",
    label: "5. at half load: webhook deliveries",
    unit: "deliv/s",
    value: (r) => r.e2eSteady.deliveriesPerSecond,
    ratioTo: baselineRate,
  },
  { id: "e2e_half_p50", label: "5. at half load: latency p50", unit: "ms", value: (r) => r.e2eSteady.latencyMs.p50 },
  { id: "e2e_half_p95", label: "5. at half load: latency p95", unit: "ms", value: (r) => r.e2eSteady.latencyMs.p95 },
  { id: "e2e_half_p99", label: "5. at half load: latency p99", unit: "ms", value: (r) => r.e2eSteady.latencyMs.p99 },
  {
    id: "e2e_missing",
    label: "5. legs missing after the drains",
    unit: "legs",
    value: (r) =>
      Number.isFinite(r.e2eMaximum.deliveriesPerSecond)
        ? r.e2eMaximum.missingDeliveries + r.e2eSteady.missingDeliveries
        : Number.NaN,
  },
  {
    id: "statements_per_delivery",
    label: "5. max: database statements",
    unit: "per deliv",
    value: (r) => r.e2eMaximum.costs.perDelivery.dbStatements,
  },
  {
    id: "db_round_trips_per_delivery",
    label: "5. max: database round trips",
    unit: "per deliv",
    value: (r) => r.e2eMaximum.costs.perDelivery.dbRoundTrips,
  },
  {
    id: "queue_messages_per_delivery",
    label: "5. max: queue messages",
    unit: "per deliv",
    value: (r) => r.e2eMaximum.costs.perDelivery.queueMessages,
  },
  {
    id: "server_cpu_ms_per_delivery",
    label: "5. max: server CPU",
    unit: "ms/deliv",
    value: (r) => r.e2eMaximum.costs.perDelivery.serverCpuMs,
  },
  {
    id: "peak_memory",
    label: "6. peak memory of the server process",
    unit: "MiB",
    value: (r) => r.memory.peakMiB,
    ratioTo: (r) => r.memory.afterBaselineMiB,
  },
  { id: "storm_send", label: "7. storm: its burst sent in", unit: "ms", value: (r) => r.storm?.sendMs ?? null },
  {
    id: "storm_drain",
    label: "7. storm: drained in (1st send -> last leg)",
    unit: "s",
    value: (r) => (r.storm ? (r.storm.drainMs ?? Number.NaN) / 1000 : null),
  },
  {
    id: "storm_minimum_drain",
    label: "7. storm: least drain its limit allows",
    unit: "s",
    value: (r) => (r.storm ? r.storm.minimumDrainMs / 1000 : null),
  },
  {
    id: "storm_calls_per_second",
    label: "7. storm: calls/s, first call to last",
    unit: "deliv/s",
    value: (r) => r.storm?.callsPerSecond ?? null,
  },
  {
    id: "storm_rate_breaches",
    label: "7. storm: calls breaching its rate limit",
    unit: "calls",
    value: (r) => r.storm?.rateBreaches ?? null,
  },
  {
    id: "storm_most_at_once",
    label: "7. storm: most calls at once at receiver",
    unit: "calls",
    value: (r) => (r.storm ? Math.max(r.storm.mostAtOnce, r.storm.mostOpenAtReceiver) : null),
  },
  { id: "storm_lost_legs", label: "7. storm: legs lost", unit: "legs", value: (r) => r.storm?.lostLegs ?? null },
  {
    id: "storm_duplicates",
    label: "7. storm: duplicate calls",
    unit: "calls",
    value: (r) => r.storm?.duplicates ?? null,
  },
];

/** One of the targets: the runtimes it is judged on, and whether one runtime's result meets it. */
