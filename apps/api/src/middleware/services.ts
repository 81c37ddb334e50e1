import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { createServices } from "../services/container";

/** Builds `c.var.services` from the bindings: everything a handler needs. */
export const services = createMiddleware<AppEnv>(async (c, next) => {
  c.set("services", createServices(c.env));
  await next();
});
