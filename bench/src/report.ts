// The figures as one table (both runtimes side by side, each with its ratio to that runtime's baseline) and as JSON.
import { cpus, release, totalmem } from "node:os";
import type { BenchConfig, RuntimeName } from "./config";
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

/** One of the issue's targets: the runtimes it is judged on, and whether one runtime's result meets it. */
export interface TargetSpec {
  metric: string;
  text: string;
  runtimes: RuntimeName[];
  value(result: RuntimeResult): number | null;
  met(result: RuntimeResult): boolean;
}

const metricValue = (id: string) => (result: RuntimeResult) => METRICS.find((m) => m.id === id)?.value(result) ?? null;
// Every send of the phase answered 202: a target is never met while a send failed.
const ingestClean = (r: RuntimeResult) => r.ingest.failed === 0;
const halfIngestClean = (r: RuntimeResult) => r.ingestHalf.failed === 0;
const maxClean = (r: RuntimeResult) => r.e2eMaximum.failedSends === 0;
const halfClean = (r: RuntimeResult) => r.e2eSteady.failedSends === 0 && r.e2eSteady.missingDeliveries === 0;
const below = (value: number | null, limit: number) => value !== null && Number.isFinite(value) && value <= limit;

export const TARGETS: TargetSpec[] = [
  {
    metric: "get_account_notification",
    text: ">= 0.40 x baseline",
    runtimes: ["node"],
    value: (r) => r.getNotification.perSecond / r.baseline.perSecond,
    met: (r) => r.getNotification.perSecond >= 0.4 * r.baseline.perSecond,
  },
  {
    metric: "get_account_notification_by_type",
    text: ">= 0.05 x baseline",
    runtimes: ["node"],
    value: (r) => r.byType.perSecond / r.baseline.perSecond,
    met: (r) => r.byType.perSecond >= 0.05 * r.baseline.perSecond,
  },
  {
    metric: "sent_notification",
    text: ">= 1,500/s",
    runtimes: ["node"],
    value: metricValue("sent_notification"),
    met: (r) => r.ingest.perSecond >= 1500 && ingestClean(r),
  },
  {
    metric: "sent_notification_half_p99",
    text: "< 50 ms",
    runtimes: ["node"],
    value: metricValue("sent_notification_half_p99"),
    met: (r) => r.ingestHalf.latencyMs.p99 < 50 && halfIngestClean(r),
  },
  {
    metric: "e2e_max_deliveries",
    text: ">= 3,000/s",
    runtimes: ["node"],
    value: metricValue("e2e_max_deliveries"),
    met: (r) => r.e2eMaximum.deliveriesPerSecond >= 3000 && maxClean(r),
  },
  {
    metric: "e2e_half_p99",
    text: "< 250 ms",
    runtimes: ["node"],
    value: metricValue("e2e_half_p99"),
    met: (r) => r.e2eSteady.latencyMs.p99 < 250 && halfClean(r),
  },
  {
    metric: "statements_per_delivery",
    text: "<= 1.0",
    runtimes: ["node", "workerd"],
    value: metricValue("statements_per_delivery"),
    met: (r) => below(r.e2eMaximum.costs.perDelivery.dbStatements, 1) && maxClean(r),
  },
  {
    metric: "db_round_trips_per_delivery",
    text: "<= 0.5",
    runtimes: ["workerd"],
    value: metricValue("db_round_trips_per_delivery"),
    met: (r) => below(r.e2eMaximum.costs.perDelivery.dbRoundTrips, 0.5) && maxClean(r),
  },
  {
    metric: "queue_messages_per_delivery",
    text: "<= 0.25",
    runtimes: ["node", "workerd"],
    value: metricValue("queue_messages_per_delivery"),
    met: (r) => below(r.e2eMaximum.costs.perDelivery.queueMessages, 0.25) && maxClean(r),
  },
  {
    metric: "workerd_e2e_missing",
    text: "0 after the drain",
    runtimes: ["workerd"],
    value: metricValue("e2e_missing"),
    // Both phases run: a phase left out proves nothing.
    met: (r) =>
      Number.isFinite(r.e2eMaximum.deliveriesPerSecond) &&
      r.e2eMaximum.missingDeliveries + r.e2eSteady.missingDeliveries === 0 &&
      maxClean(r) &&
      r.e2eSteady.failedSends === 0,
  },
  // The storm (scenario 7): the integration's limits held and nothing was lost, on both runtimes. Its drain time is
  // reported, not judged.
  {
    metric: "storm_rate_breaches",
    text: "0",
    runtimes: ["node", "workerd"],
    value: metricValue("storm_rate_breaches"),
    met: (r) => r.storm !== null && r.storm.rateBreaches === 0,
  },
  {
    metric: "storm_most_at_once",
    text: "<= 3 (max_in_flight)",
    runtimes: ["node", "workerd"],
    value: metricValue("storm_most_at_once"),
    met: (r) =>
      r.storm !== null &&
      Math.max(r.storm.mostAtOnce, r.storm.mostOpenAtReceiver) <= r.storm.limits.maxInFlight &&
      r.storm.calls > 0,
  },
  {
    metric: "storm_lost_legs",
    text: "0",
    runtimes: ["node", "workerd"],
    value: metricValue("storm_lost_legs"),
    met: (r) => r.storm !== null && r.storm.lostLegs === 0 && r.storm.failedSends === 0,
  },
  {
    metric: "node_peak_memory",
    text: "<= 256 MiB",
    runtimes: ["node"],
    value: (r) => r.memory.peakMiB,
    met: (r) => below(r.memory.peakMiB, 256),
  },
];

export interface TargetResult {
  metric: string;
  target: string;
  /** The runtimes the target is judged on. */
  runtimes: RuntimeName[];
  /** The value for every runtime of the run, judged or not. */
  values: Partial<Record<RuntimeName, number | null>>;
  /** Met on every runtime it is judged on; null when one of them was not run. */
  met: boolean | null;
}

export function judgeTargets(results: RuntimeResult[]): TargetResult[] {
  return TARGETS.map((spec) => {
    const judged = spec.runtimes.map((runtime) => results.find((r) => r.runtime === runtime));
    const value = (r: RuntimeResult) => {
      const v = spec.value(r);
      return v === null || !Number.isFinite(v) ? null : v;
    };
    return {
      metric: spec.metric,
      target: spec.text,
      runtimes: spec.runtimes,
      values: Object.fromEntries(results.map((r) => [r.runtime, value(r)])),
      // Not run, or not measured on a runtime it is judged on (its phase left out): neither met nor missed.
      met: judged.some((r) => r === undefined || value(r) === null)
        ? null
        : judged.every((r) => r !== undefined && spec.met(r)),
    };
  });
}

function format(value: number | null, unit: Metric["unit"]): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  if (unit === "ms") return `${value.toFixed(1)} ms`;
  if (unit === "s") return `${value.toFixed(2)} s`;
  if (unit === "calls") return Math.round(value).toLocaleString("en-US");
  if (unit === "MiB") return `${value.toFixed(0)} MiB`;
  if (unit === "legs") return Math.round(value).toLocaleString("en-US");
  if (unit === "per deliv") return value.toFixed(2);
  if (unit === "ms/deliv") return `${value.toFixed(2)} ms`;
  return `${Math.round(value).toLocaleString("en-US")}/s`;
}

function ratio(metric: Metric, result: RuntimeResult): string {
  const value = metric.value(result);
  const base = metric.ratioTo?.(result);
  if (value === null || !Number.isFinite(value) || base === null || base === undefined || base === 0) return "";
  return `${(value / base).toFixed(value / base < 0.01 ? 4 : 3)}x`;
}

/** Rows whose target goes by another name than the row. */
const TARGET_NAMES: Record<string, string> = { e2e_missing: "workerd_e2e_missing", peak_memory: "node_peak_memory" };

/** A Markdown table: printable on a terminal and pasted as is into bench/README.md. */
export function table(results: RuntimeResult[]): string {
  const header = ["scenario", ...results.flatMap((r) => [r.runtime, "x baseline"]), "target", "met"];
  const judged = new Map(judgeTargets(results).map((t) => [t.metric, t]));
  const metCell = (met: boolean | null | undefined) =>
    met === undefined ? "" : met === null ? "n/a" : met ? "yes" : "**no**";
  const rows = METRICS.map((metric) => {
    const target = judged.get(TARGET_NAMES[metric.id] ?? metric.id);
    const who = target && target.runtimes.length === 1 ? ` (${target.runtimes[0]})` : "";
    return [
      metric.label,
      ...results.flatMap((r) => [format(metric.value(r), metric.unit), ratio(metric, r)]),
      target ? `${target.target}${who}` : "",
      metCell(target?.met),
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(" | ")} |`;
  const rule = `|${widths.map((width, i) => (i === 0 ? `${"-".repeat(width + 1)}-` : `${"-".repeat(width + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
  };
}

export interface BenchReport {
  schema: 2;
  startedAt: string;
  finishedAt: string;
  machine: ReturnType<typeof machine>;
  config: BenchConfig;
  definitions: Record<string, string>;
  runtimes: Partial<Record<RuntimeName, RuntimeResult>>;
  summary: Record<string, Record<string, { value: number | null; ratioToBaseline: number | null }>>;
  targets: TargetResult[];
}

export const DEFINITIONS: Record<string, string> = {
  load: "Scenarios 1-4: autocannon, closed loop over keep-alive connections on 127.0.0.1, after an unmeasured warmup.",
  ratio: "Rates are divided by the same runtime's baseline requests/s; memory by the server's peak after the baseline.",
  ingest:
    "Scenario 4: 202 answers received per second of POST notifications (closed loop, the bench's own sender) while one subscription with 10 webhook destinations matches each one; fan-out and delivery run meanwhile in the same server. backlogLegs: legs accepted (every 202, warmup included, x destinations) minus webhooks delivered, when it ends.",
  ingest_half:
    "Scenario 4 at half: an open loop at half scenario 4's rate, right after it; POST latency from each send's due time to its answer, over every send of the window (late answers waited for, abandoned ones at the timeout).",
  counting:
    "Requests unanswered when a window closes are counted (unanswered/unansweredAtClose) and, for the bench's own senders, waited for and sampled; failed sends are counted with their status after every send has answered or given up; their notifications' legs stay owed (missingDeliveries). A target involving sends is not met while any send failed.",
  costs:
    "Per delivered webhook, over an end-to-end phase from before its first send to the end of its drain (the targets use the maximum; drained: false when legs were still missing, the figures then upper bounds): database statements (transaction control excluded), round trips (calls into the driver on Node, HTTP requests to the libSQL server on workerd), queue messages sent (all queues), and CPU ms of the server process (system: every process of the system under test), divided by the unique webhooks the receiver got meanwhile.",
  e2e_max:
    "Scenario 5 maximum: a closed loop keeping a window of notifications sent but not yet delivered everywhere; rates counted at the receiver.",
  e2e_latency:
    "Scenario 5 latency: from the time a notification's POST was due (open loop at half the maximum) to the time a webhook for it had fully arrived at the receiver; one sample per delivery.",
  storm:
    "Scenario 7, on a server of its own: one webhook integration with rate_limit {per_second: 50, burst: 10} and max_in_flight 3, at a receiver answering each call 40 ms after its body arrived, subscribed to a fresh notification type; the burst of notifications sent at once over the scenario 4 connections. drainMs: first send to the call that delivered the last notification (null when some never arrived); rateBreaches: calls sooner than GCRA at 50/s, burst 10, allows with 25 ms of jitter (apps/api/src/lib/limit-checks.ts, as the test suites judge it), over every call's arrival; mostAtOnce: the most calls open at once, each from its arrival to 40 ms later (mostOpenAtReceiver: counted live by the receiver); lostLegs: notifications never received when the wait (the least drain the limit allows + 60 s) ran out; duplicates: calls of a webhook-id already received.",
  memory:
    "Scenario 6: VmHWM (resident high-water mark) of the Node server process, or of the workerd process under wrangler dev.",
};

export function buildReport(
  config: BenchConfig,
  results: RuntimeResult[],
  startedAt: Date,
  finishedAt: Date,
): BenchReport {
  const summary: BenchReport["summary"] = {};
  for (const metric of METRICS) {
    summary[metric.id] = Object.fromEntries(
      results.map((r) => {
        const value = metric.value(r);
        const base = metric.ratioTo?.(r) ?? null;
        return [r.runtime, { value, ratioToBaseline: value !== null && base ? value / base : null }];
      }),
    );
  }
  return {
    schema: 2,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: machine(),
    config,
    definitions: DEFINITIONS,
    runtimes: Object.fromEntries(results.map((r) => [r.runtime, r])),
    summary,
    targets: judgeTargets(results),
  };
}
