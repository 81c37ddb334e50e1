// Herald's Prometheus metrics on Node (prom-client). Each thread of the runtime counts into a registry of its own
// (the pipeline thread its deliveries, the HTTP thread its requests); a scrape of /metrics asks the pipeline thread
// for its values and adds them up (metricsText). Names follow Prometheus' conventions: seconds, `_total` counters.
import {
  AggregatorRegistry,
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
} from "prom-client";
import type { TelemetryEvent } from "../src/ports";

/** From 5 ms to an hour: webhooks answer in milliseconds, a leg that waited out retries in minutes to hours. */
const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const CALL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type HeraldMetrics = ReturnType<typeof createMetrics>;

/**
 * A registry with Herald's metrics. `process` adds Node's own (CPU, memory, event loop): one thread of the process
 * does, or they would be counted twice.
 */
export function createMetrics(options: { process: boolean }) {
  const registry = new Registry();
  if (options.process) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requestDuration: new Histogram({
      name: "herald_http_request_duration_seconds",
      help: "HTTP requests answered, by method, route template and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: CALL_BUCKETS,
      registers,
    }),
    notifications: new Counter({
      name: "herald_notifications_total",
      help: "Notifications stored by sends, by notification type",
      labelNames: ["type"] as const,
      registers,
    }),
    fannedOut: new Counter({
      name: "herald_fanout_notifications_total",
      help: "Notifications fanned out",
      registers,
    }),
    legsCreated: new Counter({
      name: "herald_fanout_legs_total",
      help: "Legs (notification × destination) fan-out queued",
      registers,
    }),
    attempts: new Counter({
      name: "herald_delivery_attempts_total",
      help: "Calls to destinations, by channel (email or the integration type) and outcome",
      labelNames: ["channel", "outcome"] as const,
      registers,
    }),
    attemptDuration: new Histogram({
      name: "herald_delivery_attempt_duration_seconds",
      help: "How long a call to a destination took, by channel",
      labelNames: ["channel"] as const,
      buckets: CALL_BUCKETS,
      registers,
    }),
    settled: new Counter({
      name: "herald_deliveries_total",
      help: "Legs that reached a final status (SENT, DELIVRD, FAILED), by channel",
      labelNames: ["channel", "status"] as const,
      registers,
    }),
    latency: new Histogram({
      name: "herald_delivery_latency_seconds",
      help: "From the send to the delivery, for delivered legs, by channel",
      labelNames: ["channel"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    deadLettered: new Counter({
      name: "herald_dead_lettered_messages_total",
      help: "Queue messages that exhausted the queue's retries, recorded as failed",
      labelNames: ["queue"] as const,
      registers,
    }),
    sweeps: new Counter({
      name: "herald_sweeper_runs_total",
      help: "Sweeper runs, by outcome (ok or failed)",
      labelNames: ["outcome"] as const,
      registers,
    }),
    swept: new Counter({
      name: "herald_sweeper_requeued_total",
      help: "Work the sweeper queued again, by kind (notifications or deliveries)",
      labelNames: ["kind"] as const,
      registers,
    }),
  };
}

/** Counts a record() call's events. */
export function countEvents(metrics: HeraldMetrics, events: readonly TelemetryEvent[]): void {
  for (const event of events) {
    switch (event.kind) {
      case "request":
        metrics.requestDuration
          .labels(event.method, event.route, String(event.status))
          .observe(event.durationMs / 1000);
        break;
      case "notifications":
        metrics.notifications.labels(event.type).inc(event.count);
        break;
      case "fanout":
        metrics.fannedOut.inc(event.notifications);
        metrics.legsCreated.inc(event.legs);
        break;
      case "attempt":
        metrics.attempts.labels(event.channel, event.outcome).inc();
        metrics.attemptDuration.labels(event.channel).observe(event.durationMs / 1000);
        break;
      case "settled":
        metrics.settled.labels(event.channel, event.status).inc();
        if (event.latencyMs !== undefined) metrics.latency.labels(event.channel).observe(event.latencyMs / 1000);
        break;
      case "dead_letters":
        metrics.deadLettered.labels(event.queue).inc(event.messages);
        break;
      case "sweep":
        metrics.sweeps.labels(event.ok ? "ok" : "failed").inc();
        metrics.swept.labels("notifications").inc(event.notifications);
        metrics.swept.labels("deliveries").inc(event.deliveries);
        break;
    }
  }
}

/** A gauge read at scrape time. */
export function scrapedGauge(
  metrics: HeraldMetrics,
  definition: { name: string; help: string; labelNames?: readonly string[] },
  read: () => Promise<Array<{ labels?: Record<string, string>; value: number }>>,
): void {
  new Gauge({
    ...definition,
    labelNames: definition.labelNames ?? [],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      for (const { labels, value } of await read()) labels ? this.set(labels, value) : this.set(value);
    },
  });
}

export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** The Prometheus text of this thread's registry and any other threads' snapshots, added up. */
export async function metricsText(local: Registry, others: readonly MetricsSnapshot[]): Promise<string> {
  if (others.length === 0) return local.metrics();
  const all = [await local.getMetricsAsJSON(), ...others] as Parameters<typeof AggregatorRegistry.aggregate>[0];
  return AggregatorRegistry.aggregate(all).metrics();
}

export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
