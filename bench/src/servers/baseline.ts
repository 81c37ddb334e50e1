// The ceiling of the machine for each runtime: a bare Hono JSON route served by the same process, on the same server,
// as Herald. Herald's own app stays untouched: a parent app answers this one path and hands everything else over.

import type { ServerCounters } from "@herald/api/node/counting";
import type { App } from "@herald/api/src/app";
import type { AppEnv } from "@herald/api/src/env";
import { Hono } from "hono";

export const BASELINE_PATH = "/bench/baseline";
/** Where each server answers its counters (`ServerCounters`). */
export const STATS_PATH = "/bench/stats";

/** Herald's app behind the baseline route and, when given, the route answering the server's counters. */
export function withBaseline(
  herald: Pick<App, "fetch">,
  stats?: () => ServerCounters | Promise<ServerCounters>,
): Pick<App, "fetch"> {
  const app = new Hono<AppEnv>();
  app.get(BASELINE_PATH, (c) => c.json({ hello: "world" }));
  if (stats) app.get(STATS_PATH, async (c) => c.json(await stats()));
  app.all("*", (c) => herald.fetch(c.req.raw, c.env, c.executionCtx));
  return app;
}
