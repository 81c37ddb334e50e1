// Telemetry on Workers: every event group as one structured JSON log line (Workers Logs indexes their fields) and,
// when the ANALYTICS binding is set, one Analytics Engine data point, which dashboards query with SQL. Traces on
// Workers are Cloudflare's own (Workers Observability); Herald only carries the producer's trace on to the targets.
import { childContext, formatTraceparent, parseTraceparent } from "../lib/trace-context";
import type { Span, Telemetry, TelemetryEvent } from "../ports";

/** One group of like events of a record() call: their labels, how many, and the sum and largest of their measure. */
interface EventGroup {
  kind: TelemetryEvent["kind"];
  labels: Record<string, string | number>;
  count: number;
  sum: number;
  max: number;
}

// Analytics Engine takes at most 250 data points per invocation; a batch records a few groups.
const MAX_POINTS_PER_RECORD = 20;

export function workerTelemetry(dataset: AnalyticsEngineDataset | undefined): Telemetry {
  return {
    record(events) {
      const groups = groupEvents(events);
      for (const group of groups) {
        console.log(
          JSON.stringify({
            level: "info",
            event: `herald.${group.kind}`,
            ...group.labels,
            count: group.count,
            ...(group.sum > 0 || group.max > 0 ? { sum: group.sum, max: group.max } : {}),
          }),
        );
      }
      if (!dataset) return;
      for (const group of groups.slice(0, MAX_POINTS_PER_RECORD)) {
        // blob1 the event, blob2.. its labels in a fixed order; double1 count, double2 sum, double3 max.
        dataset.writeDataPoint({
          indexes: [group.kind],
          blobs: [group.kind, ...Object.values(group.labels).map(String)],
          doubles: [group.count, group.sum, group.max],
        });
      }
    },
    async span(_name, options, work) {
      return work(carrierSpan(options.parent));
    },
  };
}

/** A span that records nothing and carries the trace on: a child of `parent`, or the root of a new trace. */
export function carrierSpan(parent: string | null | undefined): Span {
  const traceparent = formatTraceparent(childContext(parseTraceparent(parent)));
  return { traceparent, updateName() {}, setAttributes() {}, fail() {} };
}

/** Like events together, each group with its count, and the sum and largest of its duration or size. */
export function groupEvents(events: readonly TelemetryEvent[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const event of events) {
    const { labels, count, measure } = describe(event);
    const key = `${event.kind}\n${Object.values(labels).join("\n")}`;
    const group = groups.get(key);
    if (group) {
      group.count += count;
      group.sum += measure;
      group.max = Math.max(group.max, measure);
    } else {
      groups.set(key, { kind: event.kind, labels, count, sum: measure, max: measure });
    }
  }
  return [...groups.values()];
}

/** An event's labels (what it is grouped by), how many things it counts, and its measure (ms, or legs). */
function describe(event: TelemetryEvent): { labels: Record<string, string | number>; count: number; measure: number } {
  switch (event.kind) {
    case "request":
      return {
        labels: { method: event.method, route: event.route, status: event.status },
        count: 1,
        measure: event.durationMs,
      };
    case "notifications":
      return { labels: { type: event.type }, count: event.count, measure: 0 };
    case "fanout":
      return { labels: {}, count: event.notifications, measure: event.legs };
    case "attempt":
      return { labels: { channel: event.channel, outcome: event.outcome }, count: 1, measure: event.durationMs };
    case "settled":
      return { labels: { channel: event.channel, status: event.status }, count: 1, measure: event.latencyMs ?? 0 };
    case "dead_letters":
      return { labels: { queue: event.queue }, count: event.messages, measure: 0 };
    case "sweep":
      return { labels: { ok: String(event.ok) }, count: 1, measure: event.notifications + event.deliveries };
  }
}
