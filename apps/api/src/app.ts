import { ErrorCode, ValidationErrorCode } from "@herald/contracts";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { METHOD_NAME_ALL } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";
import { ApiError, onError, respondWithError } from "./errors";
import { accountAccess, authenticate } from "./middleware/authenticate";
import { observe } from "./middleware/observe";
import { portalAccess, registerPortalRules } from "./middleware/portal";
import { services } from "./middleware/services";
import { requireUtf8Json } from "./middleware/utf8-body";
import { aimsRouter } from "./routes/aims/aims.index";
import { auditEventsRouter } from "./routes/audit-events/audit-events.index";
import { registerConsole } from "./routes/console/console.index";
import { decisionsRouter } from "./routes/decisions/decisions.index";
import { deliveriesRouter } from "./routes/deliveries/deliveries.index";
import { registerDocs } from "./routes/docs/docs.index";
import { emailsRouter } from "./routes/emails/emails.index";
import { hooksRouter } from "./routes/hooks/hooks.index";
import { integrationConfigurationTestRouter, integrationsRouter } from "./routes/integrations/integrations.index";
import { jobsRouter } from "./routes/jobs/jobs.index";
import { notificationTypesRouter } from "./routes/notification-types/notification-types.index";
import { notificationsRouter } from "./routes/notifications/notifications.index";
import { portalLinksRouter, portalSessionsRouter } from "./routes/portal-links/portal-links.index";
import { createRouter } from "./routes/router";
import { statisticsRouter } from "./routes/statistics/statistics.index";
import { subscriptionsRouter } from "./routes/subscriptions/subscriptions.index";
import { usersRouter } from "./routes/users/users.index";
import { checkReady } from "./services/health";

/** The contract's limit for request bodies; larger ones answer 413. */
export const MAX_BODY_BYTES = 256 * 1024;

export function createApp() {
  const app = createRouter();

  app.use("*", observe);
  app.use("*", requestId({ headerName: "x-request-id" }));
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        respondWithError(
          c,
          new ApiError({
            status: 413,
            code: "payload_too_large",
            details: `request bodies are limited to ${MAX_BODY_BYTES} bytes`,
          }),
        ),
    }),
  );
  app.use("*", requireUtf8Json);
  // Public: the OpenAPI document and its reference page, ahead of the token check below.
  registerDocs(app);
  app.use("*", services);
  // Public too: `/` redirects to the console, and the console's deep links answer its page.
  registerConsole(app);
  // Public too: a portal link's code is the credential it exchanges for a token.
  app.route("/herald/v2", portalSessionsRouter);
  app.use("/herald/v2/*", authenticate);
  app.use("/herald/v2/:account_id/*", accountAccess);
  // What a portal session may reach, per operation (middleware/portal.ts).
  app.use("/herald/v2/*", portalAccess);

  app.openAPIRegistry.registerComponent("securitySchemes", "X-AIMS-Auth-Token", {
    type: "apiKey",
    in: "header",
    name: "x-aims-auth-token",
    description: "A token from POST /aims/v1/authenticate.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "Access-Key", {
    type: "http",
    scheme: "basic",
    description: "Access key id as the user name, secret as the password.",
  });

  // No route's schema references the error codes (bodies type `error` as a string, so clients tolerate new codes):
  // registered here, the document carries them, and the typed client generates its ERROR_CODES from it.
  app.openAPIRegistry.register("Error-Code", ErrorCode);
  app.openAPIRegistry.register("Validation-Error-Code", ValidationErrorCode);

  // Liveness (the process answers) and readiness (its database answers too): for load balancers and HEALTHCHECKs.
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.get("/health/ready", async (c) => c.json(await checkReady(c.var.services)));
  app.route("/", aimsRouter);
  app.route("/herald/v2", notificationTypesRouter);
  app.route("/herald/v2", notificationsRouter);
  app.route("/herald/v2", subscriptionsRouter);
  app.route("/herald/v2", integrationsRouter);
  app.route("/herald/v2", deliveriesRouter);
  app.route("/herald/v2", decisionsRouter);
  app.route("/herald/v2", statisticsRouter);
  app.route("/herald/v2", jobsRouter);
  app.route("/herald/v2", usersRouter);
  app.route("/herald/v2", emailsRouter);
  app.route("/herald/v2", auditEventsRouter);
  app.route("/herald/v2", portalLinksRouter);
  // Last of /herald/v2: its `/{account_id}/{type}/test` would otherwise answer for webhook/test and email/test.
  app.route("/herald/v2", integrationConfigurationTestRouter);
  // Signed receipts from outside: no token, so outside /herald/v2.
  app.route("/", hooksRouter);
  registerPortalRules(app.openAPIRegistry.definitions);

  const allowedMethods = methodsByPath(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length === 0) {
      return respondWithError(
        c,
        new ApiError({ status: 404, code: "not_found", details: `no route ${c.req.method} ${c.req.path}` }),
      );
    }
    // The path exists, the method does not (RFC 9110 §15.5.6): say so, and which methods it takes.
    return respondWithError(
      c,
      new ApiError({
        status: 405,
        code: "method_not_allowed",
        details: `${c.req.method} is not allowed on ${c.req.path}; it takes ${allowed.join(", ")}`,
        headers: { Allow: allowed.join(", ") },
      }),
    );
  });
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;

const ROUTE_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The methods the app's routes take on a path (GET brings HEAD, as Hono answers HEAD with the GET route). */
function methodsByPath(routes: ReadonlyArray<{ method: string; path: string }>): (path: string) => string[] {
  const router = new TrieRouter<true>();
  for (const route of routes) if (route.method !== METHOD_NAME_ALL) router.add(route.method, route.path, true);
  return (path) => {
    const allowed: string[] = ROUTE_METHODS.filter((method) => router.match(method, path)[0].length > 0);
    return allowed.includes("GET") ? [...allowed, "HEAD"] : allowed;
  };
}
