import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { ApiError, onError, respondWithError } from "./errors";
import { createRouter } from "./lib/router";
import { accountAccess, authenticate } from "./middleware/authenticate";
import { services } from "./middleware/services";
import { requireUtf8Json } from "./middleware/utf8-body";
import { aimsRouter } from "./routes/aims/aims.index";
import { deliveriesRouter } from "./routes/deliveries/deliveries.index";
import { registerDocs } from "./routes/docs/docs.index";
import { emailsRouter } from "./routes/emails/emails.index";
import { hooksRouter } from "./routes/hooks/hooks.index";
import { integrationsRouter } from "./routes/integrations/integrations.index";
import { notificationTypesRouter } from "./routes/notification-types/notification-types.index";
import { notificationsRouter } from "./routes/notifications/notifications.index";
import { subscriptionsRouter } from "./routes/subscriptions/subscriptions.index";
import { usersRouter } from "./routes/users/users.index";

/** The contract's limit for request bodies; larger ones answer 413. */
export const MAX_BODY_BYTES = 256 * 1024;

export function createApp() {
  const app = createRouter();

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
  app.use("/herald/v2/*", authenticate);
  app.use("/herald/v2/:account_id/*", accountAccess);

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

  app.get("/health", (c) => c.json({ status: "ok" }));
  app.route("/", aimsRouter);
  app.route("/herald/v2", notificationTypesRouter);
  app.route("/herald/v2", notificationsRouter);
  app.route("/herald/v2", subscriptionsRouter);
  app.route("/herald/v2", integrationsRouter);
  app.route("/herald/v2", deliveriesRouter);
  app.route("/herald/v2", usersRouter);
  app.route("/herald/v2", emailsRouter);
  // Signed receipts from outside: no token, so outside /herald/v2.
  app.route("/", hooksRouter);

  app.notFound((c) =>
    respondWithError(
      c,
      new ApiError({ status: 404, code: "not_found", details: `no route ${c.req.method} ${c.req.path}` }),
    ),
  );
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;
