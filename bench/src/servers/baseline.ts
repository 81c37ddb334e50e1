// The ceiling of the machine for each runtime: a bare Hono JSON route served by the same process, on the same server,
// as Herald. Herald's own app stays untouched: a parent app answers this one path and hands everything else over.
import type { App } from "@herald/api/src/app";
import type { AppEnv } from "@herald/api/src/env";
import { Hono } from "hono";
import { type ServerCounters, STATS_PATH } from "./counters";

export const BASELINE_PATH = "/bench/baseline";

/** Herald's app behind the baseline route and, when given, the route answering the server's counters. */
export function withBaseline(herald: Pick<App, "fetch">, stats?: () => ServerCounters): Pick<App, "fetch"> {
  const app = new Hono<AppEnv>();
  app.get(BASELINE_PATH, (c) => c.json({ hello: "world" }));
  if (stats) app.get(STATS_PATH, (c) => c.json(stats()));
  app.all("*", (c) => herald.fetch(c.req.raw, c.env, c.executionCtx));
  return app;
}
