// The single-machine runtime: the Worker's own app, consumers and sweeper, served by Node with an embedded libSQL
// file (or any LIBSQL_URL) and in-process queues that behave like Cloudflare Queues. Nothing here is business logic.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "@herald/db";
import { createNodeDb, migrateDb } from "@herald/db/node";
import { type ServerType, serve } from "@hono/node-server";
import type { Client } from "@libsql/client";
import { parse as parseJsonc } from "jsonc-parser";
import { type App, createApp } from "../src/app";
import type { Env } from "../src/env";
import { positiveInteger } from "../src/lib/settings";
import { LocalQueue } from "../src/node/local-queue";
import { consumeQueue, QUEUES } from "../src/queues/consumers";
import { recoverUnfinishedWork, sweepStalledWork } from "../src/queues/sweeper";
import { provideDatabase } from "../src/services/container";
import { dataDirectory } from "./local-secrets";
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

// wrangler.jsonc is the one place the consumers' settings and the defaults of the variables are written down.
const wrangler = parseJsonc(
  readFileSync(fileURLToPath(new URL("../wrangler.jsonc", import.meta.url)), "utf8"),
) as WranglerConfig;

export interface NodeRuntimeOptions {
  /** Variables and secrets, as the Worker would get them (process.env by default). */
  env?: Record<string, string | undefined>;
  port?: number;
  hostname?: string;
  /** How often the sweeper runs (the Worker's cron runs every minute). */
  sweepIntervalMs?: number;
  /** Resolves targets' names for the connect-time address check (the system resolver by default). */
  resolver?: Resolver;
  /** Serves Herald's app through another one (the benchmark puts a bare route beside it); Herald's alone by default. */
  compose?: (herald: App) => Pick<App, "fetch">;
  /**
   * Fault injection, for tests: wraps the producers the app, the consumers and the sweeper send through
   * (FANOUT_QUEUE, DELIVERY_QUEUE), so a send can fail after a commit. Unwrapped by default.
   */
  wrapProducer?: (queue: string, producer: Queue<unknown>) => Queue<unknown>;
  /** Fault injection, for tests: wraps each queue's batch handler (consumeQueue), so a consumer can die mid-batch. */
  wrapConsumer?: (queue: string, consume: typeof consumeQueue) => typeof consumeQueue;
  /** Wraps the libSQL client under drizzle (the benchmark counts statements and calls into the driver). */
  wrapDbClient?: (client: Client) => Client;
}

export interface NodeRuntime {
  url: string;
  env: Env;
  /** The runtime's database (already migrated). */
  db: Db;
  close(): Promise<void>;
}

/** How long an in-process queue waits to fill a batch, unless QUEUE_BATCH_TIMEOUT_MS says otherwise. */
const DEFAULT_LOCAL_BATCH_TIMEOUT_MS = 20;

const DEFAULT_DB_URL = `file:${join(dataDirectory(), "herald.db")}`;

async function openDatabase(url: string, authToken: string | undefined, wrapClient?: (client: Client) => Client) {
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  const db = createNodeDb({ url, authToken }, { wrapClient });
  if (url.startsWith("file:")) {
    // WAL lets readers run beside the writer. synchronous=NORMAL syncs at checkpoints instead of every commit: a
    // power loss (not a process crash) can lose the last moments of commits, in exchange for several times the
    // write throughput of FULL on this one-file database.
    await db.run("PRAGMA journal_mode = WAL");
    await db.run("PRAGMA synchronous = NORMAL");
    await db.run("PRAGMA foreign_keys = ON");
    await db.run("PRAGMA busy_timeout = 5000");
  }
  await migrateDb(db);
  return db;
}

export async function startNodeRuntime(options: NodeRuntimeOptions = {}): Promise<NodeRuntime> {
  const source = options.env ?? process.env;
  const url = source.LIBSQL_URL ?? DEFAULT_DB_URL;
  const db = await openDatabase(url, source.LIBSQL_AUTH_TOKEN, options.wrapDbClient);
  provideDatabase(url, source.LIBSQL_AUTH_TOKEN, db);

  const queues = new Map(wrangler.queues.consumers.map((consumer) => [consumer.queue, new LocalQueue(consumer.queue)]));
  const queue = (name: string) => queues.get(name) ?? new LocalQueue(name);
  const producer = (name: string) => options.wrapProducer?.(name, queue(name)) ?? queue(name);
  const vars = Object.fromEntries(
    Object.entries(source).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
  const targetFetcher = createTargetFetcher(
    { allowLoopback: (vars.ALLOW_LOOPBACK_TARGETS ?? wrangler.vars.ALLOW_LOOPBACK_TARGETS) === "true" },
    options.resolver,
  );
  const env = {
    ...wrangler.vars,
    ...vars,
    LIBSQL_URL: url,
    TARGET_FETCHER: targetFetcher,
    FANOUT_QUEUE: producer(QUEUES.fanout),
    DELIVERY_QUEUE: producer(QUEUES.delivery),
  } as unknown as Env;

  // On Cloudflare a longer wait fills batches and saves consumer invocations; in one process a batch costs nothing,
  // and the wait only adds latency (while the consumers are busy, batches fill anyway).
  const batchTimeoutMs = positiveInteger(vars.QUEUE_BATCH_TIMEOUT_MS, DEFAULT_LOCAL_BATCH_TIMEOUT_MS);
  for (const consumer of wrangler.queues.consumers) {
    const consume = options.wrapConsumer?.(consumer.queue, consumeQueue) ?? consumeQueue;
    queue(consumer.queue).consume((batch) => consume(batch, env), {
      maxBatchSize: consumer.max_batch_size,
      maxBatchTimeoutMs: Math.min(consumer.max_batch_timeout * 1000, batchTimeoutMs),
      maxRetries: consumer.max_retries,
      retryDelaySeconds: consumer.retry_delay,
      maxConcurrency: consumer.max_concurrency,
      ...(consumer.dead_letter_queue ? { deadLetterQueue: queue(consumer.dead_letter_queue) } : {}),
    });
  }

  const app = options.compose ? options.compose(createApp()) : createApp();
  const pending = new Set<Promise<unknown>>();
  const executionContext = {
    waitUntil(promise: Promise<unknown>) {
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
    },
    passThroughOnException() {},
    props: {},
  };
  const server: ServerType = await new Promise((resolve) => {
    const started = serve(
      {
        fetch: (request) => app.fetch(request, env, executionContext as unknown as ExecutionContext),
        port: options.port ?? 8787,
        hostname: options.hostname ?? "127.0.0.1",
      },
      () => resolve(started),
    );
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 8787);

  // What was queued when the process last stopped lives only in the database: queue it again now.
  const recovered = await recoverUnfinishedWork(env);
  if (recovered.notifications + recovered.deliveries > 0) console.log(JSON.stringify({ level: "info", recovered }));
  const sweeper = setInterval(() => {
    sweepStalledWork(env).catch((error) =>
      console.error(JSON.stringify({ level: "error", message: "sweep failed", error: String(error) })),
    );
  }, options.sweepIntervalMs ?? 60_000);

  return {
    url: `http://${options.hostname ?? "127.0.0.1"}:${port}`,
    env,
    db,
    async close() {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const local of queues.values()) await local.close();
      await Promise.allSettled(pending);
      await targetFetcher.close();
      db.$client.close();
    },
  };
}
