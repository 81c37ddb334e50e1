import { createDb, type Db, DEFAULT_DB_TIMEOUT_MS } from "@herald/db";
import { createEmailTransport } from "../delivery/email/transport";
import { parseRetrySchedule } from "../delivery/retry-policy";
import type { Env, Services, TargetFetcher } from "../env";
import { positiveInteger } from "../lib/settings";
import { secretBoxFromEnv } from "../security/secret-box";
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

function databaseFor(env: Env): Db {
  const hosted = provided.get(databaseKey(env.LIBSQL_URL, env.LIBSQL_AUTH_TOKEN));
  if (hosted) return hosted;
  const timeoutMs = positiveInteger(env.LIBSQL_TIMEOUT_MS, DEFAULT_DB_TIMEOUT_MS);
  const key = `${databaseKey(env.LIBSQL_URL, env.LIBSQL_AUTH_TOKEN)}\n${timeoutMs}`;
  let db = databases.get(key);
  if (!db) {
    db = createDb({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN, timeoutMs });
    databases.set(key, db);
  }
  return db;
}

// Built once per bindings object: workerd hands every request of an isolate the same `env`, so parsing the retry
// schedule and building the transports happens once, not per request. Tests that swap bindings pass a new object.
const servicesByEnv = new WeakMap<Env, Services>();

/** Everything requests and queue consumers work with, built from the bindings (tests swap them through `env`). */
export function createServices(env: Env): Services {
  let services = servicesByEnv.get(env);
  if (!services) {
    services = buildServices(env);
    servicesByEnv.set(env, services);
  }
  return services;
}

function buildServices(env: Env): Services {
  const db = databaseFor(env);
  const now = () => Date.now();
  const newId = () => crypto.randomUUID().toUpperCase();
  return {
    db,
    now,
    newId,
    allowLoopbackTargets: env.ALLOW_LOOPBACK_TARGETS === "true",
    targetFetch: env.TARGET_FETCHER
      ? (url, init) => (env.TARGET_FETCHER as TargetFetcher).fetch(url, init)
      : (url, init) => fetch(url, init),
    queues: { fanout: env.FANOUT_QUEUE, delivery: env.DELIVERY_QUEUE },
    delivery: {
      retryScheduleSeconds: parseRetrySchedule(env.DELIVERY_RETRY_SCHEDULE),
      webhookTimeoutMs: positiveInteger(env.WEBHOOK_TIMEOUT_MS, 15_000),
      signingSecretOverlapMs: positiveInteger(env.SIGNING_SECRET_OVERLAP_SECONDS, 86_400) * 1000,
      concurrency: positiveInteger(env.DELIVERY_CONCURRENCY, 6),
    },
    email: createEmailTransport(env, { db, now, newId }),
    secrets: secretBoxFromEnv(env),
    hotReads: createHotReads(db),
  };
}
