import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { METHOD_NAME_ALL } from "hono/router";
import { roleAllows } from "../auth/auth-context";
import { verifyToken } from "../auth/tokens";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

export const AUTH_HEADER = "x-aims-auth-token";

/** Requires a valid `x-aims-auth-token` and exposes its claims as `c.var.auth`. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const token = c.req.header(AUTH_HEADER);
  if (!token) throw ApiError.unauthorized(`the ${AUTH_HEADER} header is required`);
  const auth = await verifyToken(token, c.var.services.tokens.keys);
  if (!auth) throw ApiError.unauthorized("the token is invalid or expired");
  c.set("auth", auth);
  await next();
});

/** Routes that act on one account name it `account_id` (possibly with a pattern: `:account_id{...}`). */
const ACCOUNT_PARAM = /\/:account_id\b/;

/**
 * Every route under /herald/v2/{account_id}/ acts on one account: the token must belong to it. Reads need the `read`
 * role, writes `write`; routes that configure outbound calls ask for `admin` themselves (`requireAdmin`).
 */
export const accountAccess = createMiddleware<AppEnv>(async (c, next) => {
  // The route that will answer decides, not the first segment: GET /notifications/{id} is global, but
  // POST /notifications/integrations reaches an account route whose account id is "notifications". Unmatched paths
  // go on to the 404.
  const served = matchedRoutes(c).find((route) => route.method !== METHOD_NAME_ALL);
  if (!served || !ACCOUNT_PARAM.test(served.path)) return next();
  const accountId = c.req.param("account_id");
  const auth = c.get("auth");
  if (auth.accountId !== accountId) throw ApiError.forbidden("the token does not grant access to this account");
  const reading = c.req.method === "GET" || c.req.method === "HEAD";
  if (!reading && !roleAllows(auth.role, "write")) throw ApiError.forbidden("the token's role does not allow writes");
  await next();
});

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  // A portal `write` session manages the integrations of its scope (middleware/portal.ts says which operations).
  const portalGranted = c.get("auth").portal !== undefined && c.get("portalIntegrationAdmin") === true;
  if (!roleAllows(c.get("auth").role, "admin") && !portalGranted)
    throw ApiError.forbidden("this operation needs the admin role");
  await next();
});

export const requirePlatformAdmin = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("auth").platformAdmin) throw ApiError.forbidden("this operation is for platform administrators");
  await next();
});
