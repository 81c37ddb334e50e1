// The delivery side of the single-machine runtime: the in-process queues with the Cloudflare consumer settings of
// wrangler.jsonc, the Worker's own consumers, the sweeper, and the recovery of what a restart dropped. It runs in the
// pipeline thread (pipeline-thread.ts) beside the HTTP thread, or in the HTTP thread itself when a test injects
// faults with functions, which cannot cross into another thread.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseJsonc } from "jsonc-parser";
import { consumeQueue } from "../src/consumers";
import { recoverUnfinishedWork, sweepStalledWork } from "../src/consumers/sweeper";
import type { Env } from "../src/env";
import type { Telemetry } from "../src/ports";
import { QUEUES } from "../src/queues/producers";
import { parseSettings, parseWholeNumber } from "../src/settings";
import type { ServerCounters } from "./counting";
import { LocalQueue } from "./local-queue";
import type { MetricsSnapshot } from "./metrics";
import { createTargetFetcher, type Resolver } from "./target-fetch";

interface ConsumerConfig {
  queue: string;
  max_batch_size: number;
  max_batch_timeout: number;
  max_retries: number;
  retry_delay: number;
  max_concurrency: number;
  dead_letter_queue?: string;
}

interface WranglerConfig {
  vars: Record<string, string>;
  queues: { consumers: ConsumerConfig[] };
}

// wrangler.jsonc is the one place the consumers' settings are written down (the variables' defaults: src/settings/).
export const wrangler = parseJsonc(
  readFileSync(fileURLToPath(new URL("../wrangler.jsonc", import.meta.url)), "utf8"),
) as WranglerConfig;

/** How long an in-process queue waits to fill a batch, unless QUEUE_BATCH_TIMEOUT_MS says otherwise. */
const DEFAULT_LOCAL_BATCH_TIMEOUT_MS = 20;

/** Fault injection and instrumentation for tests and the benchmark; all optional. */
export interface PipelineHooks {
  /** Resolves targets' names for the connect-time address check (the system resolver by default). */
  resolver?: Resolver;
  /** Wraps the producers the app, the consumers and the sweeper send through (FANOUT_QUEUE, DELIVERY_QUEUE). */
  wrapProducer?: (queue: string, producer: Queue<unknown>) => Queue<unknown>;
  /** Wraps each queue's batch handler (consumeQueue), so a consumer can die mid-batch. */
  wrapConsumer?: (queue: string, consume: typeof consumeQueue) => typeof consumeQueue;
}

export interface Pipeline {
  /** The producers, as the Worker's bindings name them (wrapped by the hooks). */
  producers: { FANOUT_QUEUE: Queue<unknown>; DELIVERY_QUEUE: Queue<unknown> };
  /** What a pipeline in another thread counted there (node/counting.ts). */
  counters?: () => Promise<ServerCounters>;
  /** The metrics a pipeline in another thread recorded there, for /metrics to add up (node/metrics.ts). */
  metrics?: () => Promise<MetricsSnapshot>;
  close(): Promise<void>;
}

/** A pipeline in this thread. */
export interface LocalPipeline extends Pipeline {
  /** The queues themselves, by name: what another thread's producers, already wrapped there, send into. */
  queue(name: string): Queue<unknown> | undefined;
  /** Messages waiting or being handled in each queue (the dead-letter queues among them). */
  backlogs(): Array<{ queue: string; messages: number }>;
}

/**
 * Starts the consumers and the sweeper over `vars` (the Worker's variables; the database named by LIBSQL_URL must be
 * provided to the services container already), and queues again whatever the database says is unfinished.
 */
export async function startPipeline(
  vars: Record<string, string>,
  options: { sweepIntervalMs: number; hooks?: PipelineHooks; telemetry?: Telemetry },
): Promise<LocalPipeline> {
  const hooks = options.hooks ?? {};
  const queues = new Map(wrangler.queues.consumers.map((consumer) => [consumer.queue, new LocalQueue(consumer.queue)]));
  const queue = (name: string) => queues.get(name) ?? new LocalQueue(name);
  const producer = (name: string) => hooks.wrapProducer?.(name, queue(name)) ?? queue(name);
  const targetFetcher = createTargetFetcher(
    { allowLoopback: parseSettings(vars).allowLoopbackTargets },
    hooks.resolver,
  );
  const producers = { FANOUT_QUEUE: producer(QUEUES.fanout), DELIVERY_QUEUE: producer(QUEUES.delivery) };
  const env = { ...vars, TARGET_FETCHER: targetFetcher, TELEMETRY: options.telemetry, ...producers } as unknown as Env;

  // On Cloudflare a longer wait fills batches and saves consumer invocations; in one process a batch costs nothing,
  // and the wait only adds latency (while the consumers are busy, batches fill anyway).
  const batchTimeoutMs = parseWholeNumber(
    vars,
    "QUEUE_BATCH_TIMEOUT_MS",
    "milliseconds",
    DEFAULT_LOCAL_BATCH_TIMEOUT_MS,
  );
  for (const consumer of wrangler.queues.consumers) {
    const consume = hooks.wrapConsumer?.(consumer.queue, consumeQueue) ?? consumeQueue;
    queue(consumer.queue).consume((batch) => consume(batch, env), {
      maxBatchSize: consumer.max_batch_size,
      maxBatchTimeoutMs: Math.min(consumer.max_batch_timeout * 1000, batchTimeoutMs),
      maxRetries: consumer.max_retries,
      retryDelaySeconds: consumer.retry_delay,
      maxConcurrency: consumer.max_concurrency,
      ...(consumer.dead_letter_queue ? { deadLetterQueue: queue(consumer.dead_letter_queue) } : {}),
    });
  }

  // What was queued when the process last stopped lives only in the database: queue it again now.
  const recovered = await recoverUnfinishedWork(env);
  if (recovered.notifications + recovered.deliveries > 0) console.log(JSON.stringify({ level: "info", recovered }));
  const sweeper = setInterval(() => {
    sweepStalledWork(env).catch((error) =>
      console.error(JSON.stringify({ level: "error", message: "sweep failed", error: String(error) })),
    );
  }, options.sweepIntervalMs);

  return {
    producers,
    queue: (name) => queues.get(name),
    backlogs: () => [...queues.values()].map((local) => ({ queue: local.name, messages: local.backlog })),
    async close() {
      clearInterval(sweeper);
      for (const local of queues.values()) await local.close();
      await targetFetcher.close();
    },
  };
}
