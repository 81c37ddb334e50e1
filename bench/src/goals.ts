// The goals a run is judged by (the TARGETS of the report): each a limit on one metric, met only when the phase behind
// it ran clean.

import type { RuntimeName } from "./config";
import { METRICS } from "./metrics";
import type { RuntimeResult } from "./scenarios";

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
