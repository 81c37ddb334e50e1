// The figures as one table (both runtimes side by side, each with its ratio to that runtime's baseline) and as JSON.
import { cpus, release, totalmem } from "node:os";
import type { BenchConfig, RuntimeName } from "./config";
import { judgeTargets, type TargetResult } from "./goals";
import { METRICS, type Metric } from "./metrics";
import type { RuntimeResult } from "./scenarios";

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
