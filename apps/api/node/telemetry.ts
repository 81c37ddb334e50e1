// Telemetry of one thread of the Node runtime: its events counted into Prometheus metrics (metrics.ts) and its work
// traced when the OTEL_* variables ask for it (tracing.ts).
import { countBacklog, type Db } from "@herald/db";
import type { Client } from "@libsql/client";
import type { Telemetry } from "../src/ports";
import { countEvents, createMetrics, type HeraldMetrics, scrapedGauge } from "./metrics";
import type { LocalPipeline } from "./pipeline";
import { carryOnly, startTracing } from "./tracing";

export interface NodeTelemetry {
  telemetry: Telemetry;
  metrics: HeraldMetrics;
  /** The database client with its calls traced (itself when tracing is off). */
  wrapClient(client: Client): Client;
  close(): Promise<void>;
}

export function createNodeTelemetry(
  vars: Record<string, string | undefined>,
  options: { thread: "http" | "pipeline"; processMetrics: boolean },
): NodeTelemetry {
  const metrics = createMetrics({ process: options.processMetrics });
  const tracing = startTracing(vars, options.thread);
  return {
    telemetry: {
      record: (events) => countEvents(metrics, events),
      span: tracing?.span ?? carryOnly,
    },
    metrics,
    wrapClient: (client) => tracing?.wrapClient(client) ?? client,
    close: async () => tracing?.shutdown(),
  };
}

/** The in-process queues' depth, read at each scrape, in the thread that holds them. */
export function queueGauge(metrics: HeraldMetrics, pipeline: Pick<LocalPipeline, "backlogs">): void {
  scrapedGauge(
    metrics,
    {
      name: "herald_queue_messages",
      help: "Messages waiting or being handled in each in-process queue (dead-letter queues included)",
      labelNames: ["queue"],
    },
    async () => pipeline.backlogs().map(({ queue, messages }) => ({ labels: { queue }, value: messages })),
  );
}

/** The database's backlog (what /health/ready reports), read at each scrape. */
export function backlogGauges(metrics: HeraldMetrics, db: Db): void {
  scrapedGauge(
    metrics,
    {
      name: "herald_backlog",
      help: "Work waiting in the database, by kind: due_deliveries (legs due and not being attempted), unfanned_notifications (counted up to 10,000)",
      labelNames: ["kind"],
    },
    async () => {
      const backlog = await countBacklog(db, Date.now());
      return [
        { labels: { kind: "due_deliveries" }, value: backlog.dueDeliveries },
        { labels: { kind: "unfanned_notifications" }, value: backlog.unfannedNotifications },
      ];
    },
  );
}
