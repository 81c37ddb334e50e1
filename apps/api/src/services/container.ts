import { createDb, type Db } from "@herald/db";
import { createEmailTransport } from "../delivery/email/transport";
import type { Env, Services, TargetFetcher } from "../env";
import { workerTelemetry } from "../observability/worker-telemetry";
import type { Telemetry } from "../ports";
import { secretBoxFor } from "../security/secret-box";
import { parseSettings, type Settings } from "../settings";
import { createHotReads } from "./hot-reads";

// One libSQL client per isolate and configuration: it is stateless over HTTP, and rebuilding it per request costs
// allocations.
const databases = new Map<string, Db>();
// Databases the host opened itself (see provideDatabase), by URL and token.
const provided = new Map<string, Db>();

const databaseKey = (url: string, authToken: string | undefined) => `${url}\n${authToken ?? ""}`;

/**
 * Serves `url` with a database the host built: the Node runtime opens `file:` URLs with the native driver, which
 * the Worker bundle must not import.
 */
export function provideDatabase(url: string, authToken: string | undefined, db: Db): void {
  provided.set(databaseKey(url, authToken), db);
}

function databaseFor({ url, authToken, timeoutMs }: Settings["database"]): Db {
  const hosted = provided.get(databaseKey(url, authToken));
  if (hosted) return hosted;
  const key = `${databaseKey(url, authToken)}\n${timeoutMs}`;
  let db = databases.get(key);
  if (!db) {
    db = createDb({ url, authToken, timeoutMs });
    databases.set(key, db);
  }
  return db;
}

const telemetryByEnv = new WeakMap<Env, Telemetry>();

/**
 * The host's telemetry (Env.TELEMETRY), or the Workers one over the ANALYTICS binding. Needs no settings: a request
 * that fails on a bad setting is still counted.
 */
export function telemetryFor(env: Env): Telemetry {
  let telemetry = telemetryByEnv.get(env);
  if (!telemetry) {
    telemetry = env.TELEMETRY ?? workerTelemetry(env.ANALYTICS);
    telemetryByEnv.set(env, telemetry);
  }
  return telemetry;
}

// Built once per bindings object: workerd hands every request of an isolate the same `env`, so the settings are
// parsed and the transports built once, not per request. Tests that swap bindings pass a new object.
const servicesByEnv = new WeakMap<Env, Services>();

/**
 * Everything requests and queue consumers work with, built from the bindings (tests swap them through `env`). Throws
 * SettingsError when a variable is missing or malformed, on every call until the bindings are fixed: Workers have no
 * start hook, so the first request, batch or cron run is where a bad setting shows.
 */
export function createServices(env: Env): Services {
  let services = servicesByEnv.get(env);
  if (!services) {
    services = buildServices(env, parseSettings(env as unknown as Record<string, unknown>));
    servicesByEnv.set(env, services);
  }
  return services;
}

function buildServices(env: Env, settings: Settings): Services {
  const db = databaseFor(settings.database);
  const now = () => Date.now();
  const newId = () => crypto.randomUUID().toUpperCase();
  const targetFetcher: TargetFetcher | undefined = env.TARGET_FETCHER;
  return {
    db,
    now,
    newId,
    allowLoopbackTargets: settings.allowLoopbackTargets,
    targetFetch: targetFetcher ? (url, init) => targetFetcher.fetch(url, init) : (url, init) => fetch(url, init),
    queues: { fanout: env.FANOUT_QUEUE, delivery: env.DELIVERY_QUEUE },
    delivery: settings.delivery,
    tokens: settings.tokens,
    sweepGraceMs: settings.sweepGraceMs,
    resendWebhookSecret: settings.resendWebhookSecret,
    consoleFrameAncestors: settings.consoleFrameAncestors,
    email: createEmailTransport(settings.email, { db, now, newId }),
    secrets: secretBoxFor(settings.encryption),
    hotReads: createHotReads(db),
    telemetry: telemetryFor(env),
  };
}
