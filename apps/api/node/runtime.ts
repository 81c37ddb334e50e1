// The single-machine runtime: the Worker's own app, consumers and sweeper, served by Node with an embedded libSQL
// file (or any LIBSQL_URL) and in-process queues that behave like Cloudflare Queues. Two threads: this one answers
// HTTP; the pipeline thread (pipeline-thread.ts) runs the queues, the consumers and the sweeper, each with its own
// database connection, so deliveries never hold up an ingest. Nothing here is business logic.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Db } from "@herald/db";
import { type ServerType, serve } from "@hono/node-server";
import type { Client } from "@libsql/client";
import { dataDirectory } from "../scripts/local-secrets";
import { type App, createApp } from "../src/app";
import type { Env } from "../src/env";
import { QUEUES } from "../src/queues/producers";
import { provideDatabase } from "../src/services/container";
import { parseSettings } from "../src/settings";
import { addCounters, countingClient, countingQueue, emptyCounters, type ServerCounters } from "./counting";
import { openDatabase } from "./database";
import { type MetricsSnapshot, metricsText } from "./metrics";
import { listenForMetrics, METRICS_PATH, metricsOptionsProblem, serveMetrics } from "./metrics-endpoint";
import { type Pipeline, type PipelineHooks, startPipeline, wrangler } from "./pipeline";
import type { PipelineThreadData } from "./pipeline-thread";
import { assetsFirst, createStaticAssets, defaultAssetsDirectory } from "./static-assets";
import { createTargetFetcher } from "./target-fetch";
import { backlogGauges, createNodeTelemetry, queueGauge } from "./telemetry";
import { PipelineChannel, ThreadQueue } from "./thread-queue";
import { TracingSettingError } from "./tracing";

export interface NodeRuntimeOptions extends PipelineHooks {
  /** Variables and secrets, as the Worker would get them (process.env by default). */
  env?: Record<string, string | undefined>;
  port?: number;
  hostname?: string;
  /** How often the sweeper runs (the Worker's cron runs every minute). */
  sweepIntervalMs?: number;
  /** Serves Herald's app through another one (the benchmark puts a bare route beside it); Herald's alone by default. */
  compose?: (herald: App) => Pick<App, "fetch">;
  /** Wraps the HTTP thread's libSQL client under drizzle (tests fail a record through it). */
  wrapDbClient?: (client: Client) => Client;
  /**
   * Where the pipeline runs: its own thread by default. Hooks that are functions (resolver, wrapProducer,
   * wrapConsumer, wrapDbClient) cannot cross into another thread: with any of them it runs in this one.
   */
  pipeline?: "thread" | "inline";
  /** Count the database calls and queue messages of both threads (node/counting.ts), for `counters()`. */
  countCalls?: boolean;
  /**
   * Runs on the migrated database before anything is served or delivered (the self-host seeds or refuses the
   * development accounts here); what it throws stops the start, with everything opened so far closed.
   */
  beforeServing?: (db: Db) => Promise<void>;
  /**
   * Serves Prometheus metrics at /metrics: on the API's port to requests bearing `token`, and/or without a token on a
   * port of its own (`port`, on `hostname`, 127.0.0.1 by default). Neither: no /metrics.
   */
  metrics?: { token?: string; port?: number; hostname?: string };
  /**
   * The console's build to serve (as Workers Static Assets serve it to the Worker); default: HERALD_ASSETS_DIR, the
   * self-host build's assets/ or apps/console/dist when built (node/static-assets.ts); `false`: none.
   */
  assetsDirectory?: string | false;
}

/** A start that cannot go on for a reason an operator fixes (the database, the port): one line says which. */
export class StartupError extends Error {}

/** The innermost message of an error's causes: drivers wrap the reason (ECONNREFUSED, a bad URL) several times. */
function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  const code = (current as { code?: unknown }).code;
  const message = current instanceof Error ? current.message : String(current);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

export interface NodeRuntime {
  url: string;
  env: Env;
  /** The HTTP thread's database (already migrated). */
  db: Db;
  /** Where /metrics is served without a token, when `metrics.port` asked for a port of its own. */
  metricsUrl?: string;
  /** What the runtime has paid since it started, both threads together (zero unless `countCalls`). */
  counters(): Promise<ServerCounters>;
  close(): Promise<void>;
}

const DEFAULT_DB_URL = `file:${join(dataDirectory(), "herald.db")}`;

export async function startNodeRuntime(options: NodeRuntimeOptions = {}): Promise<NodeRuntime> {
  const source = options.env ?? process.env;
  const url = source.LIBSQL_URL ?? DEFAULT_DB_URL;
  const vars: Record<string, string> = {
    ...wrangler.vars,
    ...Object.fromEntries(
      Object.entries(source).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    ),
    LIBSQL_URL: url,
  };
  // A bad setting stops the host here, with one line naming it, before it opens anything (src/settings/).
  const settings = parseSettings(vars);
  const metricsOptions = options.metrics ?? {};
  const metricsProblem = metricsOptionsProblem(metricsOptions);
  if (metricsProblem) throw new StartupError(metricsProblem);
  const observability = (() => {
    try {
      return createNodeTelemetry(vars, { thread: "http", processMetrics: true });
    } catch (error) {
      if (error instanceof TracingSettingError) throw new StartupError(error.message);
      throw error;
    }
  })();
  const counters = emptyCounters();
  const count = options.countCalls === true;
  const db = await openDatabase(url, source.LIBSQL_AUTH_TOKEN, {
    migrate: true,
    wrapClient: (client) => {
      const wrapped = options.wrapDbClient?.(client) ?? client;
      return observability.wrapClient(count ? countingClient(wrapped, counters) : wrapped);
    },
  }).catch(async (error: unknown) => {
    await observability.close();
    throw new StartupError(`cannot open the database at ${redactUrl(url)} (LIBSQL_URL): ${rootCause(error)}`);
  });
  try {
    await options.beforeServing?.(db);
  } catch (error) {
    db.$client.close();
    await observability.close();
    throw error;
  }
  provideDatabase(url, source.LIBSQL_AUTH_TOKEN, db);
  const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
  const inline =
    options.pipeline === "inline" ||
    [options.resolver, options.wrapProducer, options.wrapConsumer, options.wrapDbClient].some(Boolean);
  const countProducer = (name: string, queue: Queue<unknown>) => (count ? countingQueue(name, queue, counters) : queue);
  const startInline = async () => {
    const local = await startPipeline(vars, {
      sweepIntervalMs,
      telemetry: observability.telemetry,
      hooks: {
        ...options,
        wrapProducer: (name, queue) => countProducer(name, options.wrapProducer?.(name, queue) ?? queue),
      },
    });
    // The queues live in this thread: so does their gauge (a pipeline thread registers its own).
    queueGauge(observability.metrics, local);
    return local;
  };
  const pipeline: Pipeline = inline
    ? await startInline()
    : await startPipelineThread({ vars, sweepIntervalMs, countCalls: count });
  // In a thread, the pipeline counts its own calls; here, what the HTTP thread sends and reads.
  const producers = inline
    ? pipeline.producers
    : {
        FANOUT_QUEUE: countProducer(QUEUES.fanout, pipeline.producers.FANOUT_QUEUE),
        DELIVERY_QUEUE: countProducer(QUEUES.delivery, pipeline.producers.DELIVERY_QUEUE),
      };

  // The webhook test call is made from here: it needs the same connect-time address checks as deliveries.
  const targetFetcher = createTargetFetcher({ allowLoopback: settings.allowLoopbackTargets }, options.resolver);
  const assetsDirectory =
    options.assetsDirectory === false ? undefined : (options.assetsDirectory ?? defaultAssetsDirectory(source));
  const assets = assetsDirectory ? createStaticAssets(assetsDirectory) : undefined;
  const env = {
    ...vars,
    ...(assets ? { ASSETS: assets } : {}),
    TARGET_FETCHER: targetFetcher,
    TELEMETRY: observability.telemetry,
    ...producers,
  } as unknown as Env;
  backlogGauges(observability.metrics, db);
  const scrape = async () =>
    metricsText(observability.metrics.registry, pipeline.metrics ? [await pipeline.metrics()] : []);

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
  const listenOn = { port: options.port ?? 8787, hostname: options.hostname ?? "127.0.0.1" };
  const server: ServerType = await new Promise<ServerType>((resolve, reject) => {
    const started = serve(
      {
        fetch: async (request) => {
          if (metricsOptions.token !== undefined && new URL(request.url).pathname === METRICS_PATH)
            return serveMetrics(request, scrape, metricsOptions.token);
          if (assets && assetsFirst(request)) {
            const file = await assets.fetch(request);
            if (file.ok) return file;
          }
          return app.fetch(request, env, executionContext as unknown as ExecutionContext);
        },
        ...listenOn,
      },
      () => resolve(started),
    );
    started.once("error", reject);
  }).catch(async (error: unknown) => {
    await pipeline.close();
    await targetFetcher.close();
    db.$client.close();
    await observability.close();
    throw listenError(error, listenOn, "HERALD_PORT (and HERALD_HOST)");
  });
  const metricsServer =
    metricsOptions.port === undefined
      ? undefined
      : await listenForMetrics(
          { port: metricsOptions.port, hostname: metricsOptions.hostname ?? "127.0.0.1" },
          scrape,
        ).catch(async (error: unknown) => {
          await new Promise<void>((resolve) => server.close(() => resolve()));
          await pipeline.close();
          await targetFetcher.close();
          db.$client.close();
          await observability.close();
          throw listenError(
            error,
            { port: metricsOptions.port ?? 0, hostname: metricsOptions.hostname ?? "127.0.0.1" },
            "HERALD_METRICS_PORT",
          );
        });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : (options.port ?? 8787);

  return {
    url: `http://${options.hostname ?? "127.0.0.1"}:${port}`,
    env,
    db,
    async counters() {
      const total = addCounters(emptyCounters(), counters);
      return pipeline.counters ? addCounters(total, await pipeline.counters()) : total;
    },
    ...(metricsServer ? { metricsUrl: metricsServer.url } : {}),
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (metricsServer) await metricsServer.close();
      await Promise.allSettled(pending);
      await pipeline.close();
      await targetFetcher.close();
      db.$client.close();
      await observability.close();
    },
  };
}

/** A listener that could not start, as one line naming the setting that chooses another place. */
function listenError(error: unknown, at: { port: number; hostname: string }, setting: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code !== "EADDRINUSE" && code !== "EACCES") return error;
  return new StartupError(
    `cannot listen on ${at.hostname}:${at.port} (${code === "EADDRINUSE" ? "in use" : "not allowed"}); ` +
      `choose another with ${setting}`,
  );
}

/** A database URL fit for a log line: no credentials, no auth token in the query. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    if (parsed.searchParams.has("authToken")) parsed.searchParams.set("authToken", "***");
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Starts pipeline-thread.ts and answers once its queues take messages. */
async function startPipelineThread(data: PipelineThreadData): Promise<Pipeline> {
  const [entry, options] = pipelineThreadEntry();
  const worker = new Worker(entry, { ...options, workerData: data });
  const channel = new PipelineChannel(worker);
  await new Promise<void>((resolve, reject) => {
    const ready = (message: { op?: string }) => {
      if (message.op !== "ready") return;
      worker.off("message", ready);
      resolve();
    };
    worker.on("message", ready);
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the pipeline thread exited (${code}) before it was ready`)));
  });
  worker.on("error", (error) =>
    console.error(JSON.stringify({ level: "error", message: "the pipeline thread failed", error: String(error) })),
  );
  return {
    producers: {
      FANOUT_QUEUE: new ThreadQueue(channel, QUEUES.fanout),
      DELIVERY_QUEUE: new ThreadQueue(channel, QUEUES.delivery),
    },
    counters: async () => (await channel.call({ op: "counters" })) as ServerCounters,
    metrics: async () => (await channel.call({ op: "metrics" })) as MetricsSnapshot,
    async close() {
      await channel.call({ op: "close" }).catch(() => {});
      await worker.terminate();
    },
  };
}

/**
 * How to start pipeline-thread: the bundled entry beside this module in the self-host build (bin/, see
 * scripts/node-runtime.mjs), else the TypeScript source through tsx's loader, registered inside the thread before the
 * entry is imported (a loader given as --import does not reach a worker's own first import), resolved from here
 * whatever the working directory.
 */
function pipelineThreadEntry(): [string | URL, { eval?: boolean }] {
  const bundled = new URL("./pipeline-thread.mjs", import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return [bundled, {}];
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./pipeline-thread.ts", import.meta.url).href;
  return [
    `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); })`,
    { eval: true },
  ];
}
