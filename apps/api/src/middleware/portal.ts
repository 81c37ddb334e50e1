import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { METHOD_NAME_ALL } from "hono/router";
import { inScope } from "../auth/scope";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

/**
 * What a portal session (a portal link's code, exchanged) may do on each operation. Everything a session reaches is
 * decided here and in the services' scope filters (auth/scope.ts); an operation missing from PORTAL_RULES answers a
 * portal session 403, so a new route is closed to portal sessions until it is given a rule.
 *
 * - `deny`: never for a portal session.
 * - `account`: a portal session for the whole account, under its role; 403 to one limited to some integrations.
 * - `scoped`: every portal session; the service answers only what the session's integrations cover (the rest is
 *   left out of lists, or 404 as if it did not exist).
 * - `integration`: the path's integration (`id`) must be in the session's scope, else 404; writes need role `write`.
 * - `integration-admin`: as `integration`, and a `write` session may do it although the route asks for `admin`:
 *   this is how a portal manages its integrations' settings (update, test, rotate the secret, pause/resume,
 *   re-enable through update, recover/replay).
 */
export type PortalRule = "deny" | "account" | "scoped" | "integration" | "integration-admin";

export const PORTAL_RULES: Record<string, PortalRule> = {
  // Notification types: readable, never changed.
  get_notification_types: "scoped",
  create_notification_type: "deny",
  update_notification_type: "deny",
  delete_notification_type: "deny",
  // Notifications: only those with a leg to an integration of the scope, with only those legs.
  get_notification: "scoped",
  get_account_notification: "scoped",
  get_account_notification_by_type: "scoped",
  get_sent_incident_notifications: "scoped",
  get_sent_incident_notifications_legacy: "scoped",
  sent_notification: "deny",
  // Legs and attempts: only the scope's legs; retry only of those.
  get_notification_deliveries: "scoped",
  get_delivery: "scoped",
  retry_delivery: "scoped",
  // Why not delivered, and the overview: only what reached the scope's integrations (services/decisions.ts,
  // services/statistics.ts).
  get_notification_decisions: "scoped",
  get_delivery_statistics: "scoped",
  // Integrations.
  get_integration_types: "scoped",
  get_account_integrations: "scoped",
  get_account_integration: "integration",
  create_integration: "deny",
  create_integration_of_type: "deny",
  delete_integration: "deny",
  update_integration: "integration-admin",
  get_integration_secret: "integration-admin",
  rotate_integration_secret: "integration-admin",
  pause_integration: "integration-admin",
  resume_integration: "integration-admin",
  test_integration: "integration-admin",
  recover_integration: "integration-admin",
  replay_integration: "integration-admin",
  get_job: "scoped",
  // Calls to unsaved configurations: outbound calls no integration of the scope covers.
  test_integration_configuration: "deny",
  test_webhook: "deny",
  test_webhook_legacy: "deny",
  test_email: "deny",
  // The account's people and their mail, subscriptions: whole-account sessions only.
  get_captured_emails: "account",
  get_account_subscriptions: "account",
  create_subscription: "account",
  batch_delete_subscriptions: "account",
  get_account_subscription: "account",
  update_subscription: "account",
  delete_subscription: "account",
  get_account_subscription_subscribers: "account",
  add_subscriber: "account",
  batch_update_subscribers: "account",
  remove_subscriber: "account",
  get_account_users: "account",
  get_account_user: "account",
  put_user: "account",
  delete_user: "account",
  // Who did what, and the portal itself: never.
  get_audit_events: "deny",
  create_portal_link: "deny",
};

/** Operation ids by the Hono path and method that serve them, filled by `registerPortalRules` from the app's routes. */
const operations = new Map<string, string>();

/** Hono's `:name` and `:name{pattern}` path parameters, written as OpenAPI's `{name}`. */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, "{$1}");
}

/** Learns which operation each documented route is, from the app's OpenAPI registry. */
export function registerPortalRules(definitions: ReadonlyArray<{ type: string; route?: unknown }>) {
  for (const definition of definitions) {
    if (definition.type !== "route") continue;
    const route = definition.route as { method: string; path: string; operationId?: string };
    if (route.operationId) operations.set(`${route.method.toUpperCase()} ${route.path}`, route.operationId);
  }
}

/** The operation a request reaches, by the route that will answer it. */
export function operationOf(method: string, honoPath: string): string | undefined {
  return operations.get(`${method === "HEAD" ? "GET" : method} ${openApiPath(honoPath)}`);
}

/**
 * A parameter of the route that will answer: this middleware is mounted at `/herald/v2/*`, so `c.req.param` does not
 * know the route's own parameters yet. Integration routes have one segment per parameter.
 */
function pathParam(routePath: string, path: string, name: string): string | undefined {
  const index = routePath.split("/").indexOf(`:${name}`);
  const segment = index < 0 ? undefined : path.split("/")[index];
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Applies PORTAL_RULES to portal sessions; every other token passes untouched. */
export const portalAccess = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.get("auth");
  if (!auth?.portal) return next();
  const served = matchedRoutes(c).find((route) => route.method !== METHOD_NAME_ALL);
  if (!served) return next();
  const operation = operationOf(c.req.method, served.path);
  const rule = operation === undefined ? "deny" : (PORTAL_RULES[operation] ?? "deny");
  const denied = (why: string) => ApiError.forbidden(`a portal session ${why}`);
  const reading = c.req.method === "GET" || c.req.method === "HEAD";
  if (!reading && auth.role !== "write") throw denied("with the read role cannot change anything");
  switch (rule) {
    case "deny":
      throw denied(`cannot use ${operation ?? "this operation"}`);
    case "account":
      if (auth.portal.integrationIds !== null) throw denied("limited to some integrations cannot use this operation");
      break;
    case "scoped":
      break;
    case "integration":
    case "integration-admin": {
      const id = pathParam(served.path, c.req.path, "id");
      if (id === undefined || !inScope(auth, id)) throw ApiError.notFound(`integration '${id ?? ""}'`);
      if (rule === "integration-admin") {
        // Reading a signing secret is as sensitive as changing the integration.
        if (auth.role !== "write") throw denied("with the read role cannot use this operation");
        // Lets it past `requireAdmin`: this is how a portal manages its integrations' settings.
        c.set("portalIntegrationAdmin", true);
      }
      break;
    }
  }
  await next();
});
