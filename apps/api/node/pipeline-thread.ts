// The pipeline thread's entry: its own database connection, the in-process queues, the consumers and the sweeper
// (pipeline.ts), off the thread that answers HTTP, so ingest stays quick while deliveries run.
import { parentPort, workerData } from "node:worker_threads";
import { provideDatabase } from "../src/services/container";
import { countingClient, countingQueue, emptyCounters } from "./counting";
import { openDatabase } from "./database";
import { startPipeline } from "./pipeline";
import { createNodeTelemetry, queueGauge } from "./telemetry";
import type { PipelineReply, PipelineRequest } from "./thread-queue";

export interface PipelineThreadData {
  vars: Record<string, string>;
  sweepIntervalMs: number;
  /** Count this thread's database calls and queue messages (node/counting.ts). */
  countCalls: boolean;
}

const port = parentPort;
if (!port) throw new Error("pipeline-thread.ts runs as a worker thread of the Node runtime");
const { vars, sweepIntervalMs, countCalls } = workerData as PipelineThreadData;
const counters = emptyCounters();
const url = vars.LIBSQL_URL as string;
// The HTTP thread checked the OTEL_* settings before it started this one.
const observability = createNodeTelemetry(vars, { thread: "pipeline", processMetrics: false });
const db = await openDatabase(url, vars.LIBSQL_AUTH_TOKEN, {
  wrapClient: (client) => observability.wrapClient(countCalls ? countingClient(client, counters) : client),
});
provideDatabase(url, vars.LIBSQL_AUTH_TOKEN, db);
const pipeline = await startPipeline(vars, {
  sweepIntervalMs,
  telemetry: observability.telemetry,
  ...(countCalls ? { hooks: { wrapProducer: (name, queue) => countingQueue(name, queue, counters) } } : {}),
});
queueGauge(observability.metrics, pipeline);

port.on("message", (request: PipelineRequest) => {
  const reply = (answer: PipelineReply) => port.postMessage(answer);
  const handle = async (): Promise<unknown> => {
    if (request.op === "send") {
      // Counted (if at all) by the HTTP thread's producer that sent it.
      const queue = pipeline.queue(request.queue);
      if (!queue) throw new Error(`no queue ${request.queue}`);
      await queue.sendBatch(request.messages);
    } else if (request.op === "counters") {
      return counters;
    } else if (request.op === "metrics") {
      return observability.metrics.registry.getMetricsAsJSON();
    } else {
      await pipeline.close();
      await observability.close();
      db.$client.close();
    }
  };
  handle().then(
    (value) => reply({ id: request.id, ok: true, value }),
    (error: unknown) => reply({ id: request.id, ok: false, error: String(error) }),
  );
});
port.postMessage({ op: "ready" });
