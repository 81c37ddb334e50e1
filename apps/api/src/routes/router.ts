import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { type ValidationTarget, validationError } from "../errors";
import type { ServiceContext } from "../services/context";

/** A router whose validation failures become Herald's error shape, naming the field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw validationError(result.error, (result as { data?: unknown }).data, result.target as ValidationTarget);
      }
    },
  });
}

export type Router = ReturnType<typeof createRouter>;

/** The service context of a request: its dependencies and the verified caller. */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  return { services: c.var.services, auth: c.var.auth };
}

/**
 * Notification types contain a slash (`incidents/alerts`). Alert Logic's clients put it in the path raw (two
 * segments), generated clients percent-encode it (one segment): this Hono pattern accepts both for a `{name}`
 * parameter, and the param arrives decoded either way.
 */
export const notificationTypePattern = (name: string) => `:${name}{[^/]+(?:/|%2[Ff])[^/]+}`;

/**
 * Documents `route` at its OpenAPI path but serves it at `honoPath`, a Hono pattern the OpenAPI path syntax cannot
 * express (see `notificationTypePattern`).
 */
export function servedAt<R extends RouteConfig>(router: Router, route: R, honoPath: string): R {
  router.openAPIRegistry.registerPath(route);
  return { ...route, path: honoPath, hide: true };
}
