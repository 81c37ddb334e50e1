import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import type { AppEnv } from "../env";
import { telemetryFor } from "../services/container";

/** What requests that matched no route are counted under: their paths are the callers' to choose, without bound. */
const UNMATCHED = "unmatched";

/**
 * Every request in a span (a child of the caller's `traceparent`, if it sent one) whose traceparent a send stores,
 * and counted by method, route template and status once answered. First of all middleware, so refusals count too.
 */
export const observe = createMiddleware<AppEnv>(async (c, next) => {
  const telemetry = telemetryFor(c.env);
  const started = Date.now();
  const { method } = c.req;
  await telemetry.span(
    method,
    { parent: c.req.header("traceparent"), attributes: { "http.request.method": method, "url.path": c.req.path } },
    async (span) => {
      c.set("traceparent", span.traceparent);
      // Hono answers a handler's error through onError before next() returns: c.res is the answer sent.
      await next();
      const route = matchedRoute(c);
      const status = c.res.status;
      span.updateName(route === UNMATCHED ? method : `${method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": status });
      if (status >= 500) span.fail(`answered ${status}`);
      telemetry.record([{ kind: "request", method, route, status, durationMs: Date.now() - started }]);
    },
  );
});

/** The template of the route that answered (`/herald/v2/:account_id/notifications`), or UNMATCHED. */
function matchedRoute(c: Context<AppEnv>): string {
  const path = routePath(c, -1);
  // Only middleware ("*", "/herald/v2/*") matched: nothing answered but the not-found handler.
  return path === "" || path.endsWith("*") ? UNMATCHED : path;
}
