import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";

const JSON_TYPE = /^application\/([\w.+-]+\+)?json\b/i;

/**
 * JSON is UTF-8 (RFC 8259). Request.json() would read invalid bytes as U+FFFD and store the damaged text; a body that
 * is not UTF-8 answers 400 instead. Hono caches the bytes read here, so validators and handlers read the same body.
 */
export const requireUtf8Json = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.raw.body === null || !JSON_TYPE.test(c.req.header("content-type") ?? "")) return next();
  const bytes = await c.req.arrayBuffer();
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError({ status: 400, code: "invalid_json", details: "the request body is not valid UTF-8" });
  }
  await next();
});
