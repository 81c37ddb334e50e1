import { createDb, type Db } from "@herald/db";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Env } from "../env";

// One libSQL client per isolate and URL: it is stateless over HTTP, and rebuilding it per request costs allocations.
const databases = new Map<string, Db>();

function databaseFor(env: Env): Db {
  const key = `${env.LIBSQL_URL}\n${env.LIBSQL_AUTH_TOKEN ?? ""}`;
  let db = databases.get(key);
  if (!db) {
    db = createDb({ url: env.LIBSQL_URL, authToken: env.LIBSQL_AUTH_TOKEN });
    databases.set(key, db);
  }
  return db;
}

/** Builds `c.var.services` from the bindings: everything a handler needs, swappable in tests through `env`. */
export const services = createMiddleware<AppEnv>(async (c, next) => {
  c.set("services", {
    db: databaseFor(c.env),
    now: () => Date.now(),
    newId: () => crypto.randomUUID().toUpperCase(),
    allowLoopbackTargets: c.env.ALLOW_LOOPBACK_TARGETS === "true",
  });
  await next();
});
