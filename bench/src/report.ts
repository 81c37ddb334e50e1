// The figures as one table (both runtimes side by side, each with its ratio to that runtime's baseline) and as JSON.
import { cpus, release, totalmem } from "node:os";
import type { BenchConfig, RuntimeName } from "./config";
import type { RuntimeResult } from "./scenarios";

export interface Metric {
  id: string;
  label: string;
  unit: string;
  value(result: RuntimeResult): number | null;
  /** What the value is divided by for its ratio: the baseline's requests/s for rates, its memory for memory. */
  ratioTo?(result: RuntimeResult): number | null;
  /** The issue's target, for the Node runtime. */
  target?: { text: string; met(result: RuntimeResult): boolean };
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
    target: { text: ">= 0.40 x baseline", met: (r) => r.getNotification.perSecond >= 0.4 * r.baseline.perSecond },
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
    target: { text: ">= 1,500/s", met: (r) => r.ingest.perSecond >= 1500 },
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
    target: { text: ">= 3,000/s", met: (r) => r.e2eMaximum.deliveriesPerSecond >= 3000 },
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
  {
    id: "e2e_half_p99",
    label: "5. at half load: latency p99",
    unit: "ms",
    value: (r) => r.e2eSteady.latencyMs.p99,
    target: { text: "< 250 ms", met: (r) => r.e2eSteady.latencyMs.p99 < 250 && r.e2eSteady.missingDeliveries === 0 },
  },
  {
    id: "peak_memory",
    label: "6. peak memory of the server process",
    unit: "MiB",
    value: (r) => r.memory.peakMiB,
    ratioTo: (r) => r.memory.afterBaselineMiB,
  },
];

function format(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  if (unit === "ms") return `${value.toFixed(1)} ms`;
  if (unit === "MiB") return `${value.toFixed(0)} MiB`;
  return `${Math.round(value).toLocaleString("en-US")}/s`;
}

function ratio(metric: Metric, result: RuntimeResult): string {
  const value = metric.value(result);
  const base = metric.ratioTo?.(result);
  if (value === null || base === null || base === undefined || base === 0) return "";
  return `${(value / base).toFixed(value / base < 0.01 ? 4 : 3)}x`;
}

/** A Markdown table: printable on a terminal and pasted as is into bench/README.md. */
export function table(results: RuntimeResult[]): string {
  const header = ["scenario", ...results.flatMap((r) => [r.runtime, "x baseline"]), "target (Node)", "met"];
  const node = results.find((r) => r.runtime === "node");
  const rows = METRICS.map((metric) => [
    metric.label,
    ...results.flatMap((r) => [format(metric.value(r), metric.unit), ratio(metric, r)]),
    metric.target?.text ?? "",
    metric.target && node ? (metric.target.met(node) ? "yes" : "**no**") : "",
  ]);
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
  schema: 1;
  startedAt: string;
  finishedAt: string;
  machine: ReturnType<typeof machine>;
  config: BenchConfig;
  definitions: Record<string, string>;
  runtimes: Partial<Record<RuntimeName, RuntimeResult>>;
  summary: Record<string, Record<string, { value: number | null; ratioToBaseline: number | null }>>;
  targets: Array<{ metric: string; target: string; node: number | null; met: boolean }>;
}

export const DEFINITIONS: Record<string, string> = {
  load: "Scenarios 1-4: autocannon, closed loop over keep-alive connections on 127.0.0.1, after an unmeasured warmup.",
  ratio: "Rates are divided by the same runtime's baseline requests/s; memory by the server's peak after the baseline.",
  ingest:
    "Scenario 4: 202 answers/s of POST notifications while one subscription with 10 webhook destinations matches each one; fan-out and delivery run meanwhile in the same server.",
  e2e_max:
    "Scenario 5 maximum: a closed loop keeping a window of notifications sent but not yet delivered everywhere; rates counted at the receiver.",
  e2e_latency:
    "Scenario 5 latency: from the time a notification's POST was due (open loop at half the maximum) to the time a webhook for it had fully arrived at the receiver; one sample per delivery.",
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
  const node = results.find((r) => r.runtime === "node");
  return {
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    machine: machine(),
    config,
    definitions: DEFINITIONS,
    runtimes: Object.fromEntries(results.map((r) => [r.runtime, r])),
    summary,
    targets: node
      ? METRICS.filter((m) => m.target).map((m) => ({
          metric: m.id,
          target: m.target?.text ?? "",
          node: m.value(node),
          met: m.target?.met(node) ?? false,
        }))
      : [],
  };
}
