import type { RouteConfig } from "@hono/zod-openapi";
import { acknowledgeWebhook, receiveResendEvent } from "../../services/receipts";
import { createRouter } from "../router";
import * as routes from "./hooks.routes";

const router = createRouter();

/**
 * Documents `route` with its headers and body, and serves it without their validators: the signature covers the raw
 * body, which must be read as sent, and a request that is not signed answers 401 before anything else is checked.
 */
function servedRaw<R extends RouteConfig>(route: R): Omit<R, "request"> & { hide: true } {
  router.openAPIRegistry.registerPath(route);
  const { request: _validatedByHand, ...served } = route;
  return { ...served, hide: true };
}

export const hooksRouter = router
  .openapi(servedRaw(routes.resendEvents), async (c) => {
    const request = { headers: c.req.raw.headers, body: await c.req.text() };
    return c.json(await receiveResendEvent(c.var.services, request), 200);
  })
  .openapi(servedRaw(routes.acknowledgeWebhook), async (c) => {
    const request = { headers: c.req.raw.headers, body: await c.req.text() };
    return c.json(await acknowledgeWebhook(c.var.services, request), 200);
  });
