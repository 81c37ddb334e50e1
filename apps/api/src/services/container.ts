import { createDb, type Db } from "@herald/db";
import { createEmailTransport } from "../delivery/email/transport";
import { parseRetrySchedule } from "../delivery/retry-policy";
import type { Env, Services } from "../env";
import { secretBoxFromEnv } from "../security/secret-box";

// One libSQL client per isolate and URL: it is stateless over HTTP, and rebuilding it per request costs allocations.
const databases = new Map<string, Db>();

const databaseKey = (url: string, authToken: string | undefined) => `${url}\n${authToken ?? ""}`;

/**
 * Serves `url` with a database the host built: the Node runtime opens `file:` URLs with the native driver, which
 * the Worker bundle must not import.
 */
export function provideDatabase(url: string, authToken: string | undefined, db: Db): void {
  databases.set(databaseKey(url, authToken), db);
}

function databaseFor(env: Env): Db {
  const key = databaseKey(env.LIBSQL_URL, env.LIBSQL_AUTH_TOKEN);
  let db = databases.get(key);
  if (!db) {
    db = createDb({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN });
    databases.set(key, db);
  }
  return db;
}

function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** Everything requests and queue consumers work with, built from the bindings (tests swap them through `env`). */
export function createServices(env: Env): Services {
  const db = databaseFor(env);
  const now = () => Date.now();
  const newId = () => crypto.randomUUID().toUpperCase();
  return {
    db,
    now,
    newId,
    allowLoopbackTargets: env.ALLOW_LOOPBACK_TARGETS === "true",
    queues: { fanout: env.FANOUT_QUEUE, delivery: env.DELIVERY_QUEUE },
    delivery: {
      retryScheduleSeconds: parseRetrySchedule(env.DELIVERY_RETRY_SCHEDULE),
      webhookTimeoutMs: positiveInteger(env.WEBHOOK_TIMEOUT_MS, 15_000),
      signingSecretOverlapMs: positiveInteger(env.SIGNING_SECRET_OVERLAP_SECONDS, 86_400) * 1000,
    },
    email: createEmailTransport(env, { db, now, newId }),
    secrets: secretBoxFromEnv(env),
  };
}
