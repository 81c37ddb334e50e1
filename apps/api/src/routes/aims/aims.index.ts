import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { authenticate as requireToken } from "../../middleware/authenticate";
import * as auth from "../../services/auth";
import { createRouter } from "../router";
import * as routes from "./aims.routes";

/** The Endpoints lookups answer only for the token's account; checked before the body, so a stranger learns nothing. */
const tokenAccountOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.param("account_id") !== c.var.auth.accountId)
    throw ApiError.forbidden("the token does not grant access to this account");
  await next();
});

export const aimsRouter = createRouter()
  .openapi(routes.authenticate, async (c) => {
    const response = await auth.authenticate(c.var.services, c.req.header("authorization"));
    return c.json(response, 200);
  })
  .openapi({ ...routes.tokenInfo, middleware: [requireToken] }, async (c) => {
    return c.json(await auth.tokenInfo(c.var.services, c.var.auth), 200);
  })
  .openapi({ ...routes.serviceEndpoint, middleware: [requireToken, tokenAccountOnly] }, (c) => {
    const { service } = c.req.valid("param");
    return c.json({ [service]: new URL(c.req.url).host }, 200);
  })
  .openapi({ ...routes.serviceEndpoints, middleware: [requireToken, tokenAccountOnly] }, (c) => {
    const url = new URL(c.req.url);
    // @al/core prefixes a bare host with https://: a plain-http deployment names its scheme so clients reach it.
    const host = url.protocol === "http:" ? url.origin : url.host;
    return c.json(Object.fromEntries(c.req.valid("json").map((service) => [service, host])), 200);
  });
