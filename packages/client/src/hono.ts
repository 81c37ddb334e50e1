// `@herald/client/hono`: a Hono middleware for webhook receivers. hono is an optional peer dependency, imported only
// here.
import type { Context, MiddlewareHandler } from "hono";
import type { Notification } from "./types.js";
import { verifyWebhook, WebhookVerificationError } from "./webhooks.js";

export type HeraldWebhookVariables<T = Notification> = {
  /** The verified, parsed body. */
  heraldWebhook: T;
  /** Its `webhook-id`: the same on every retry of a delivery, so a receiver can drop duplicates. */
  heraldWebhookId: string;
};

export interface WebhookMiddlewareOptions {
  /**
   * The integration's signing secret (`whsec_`) or public key (`whpk_`), several during a rotation, or a function of
   * the request that finds them.
   */
  secret:
    | string
    | readonly string[]
    | ((c: Context) => string | readonly string[] | Promise<string | readonly string[]>);
  /** How far `webhook-timestamp` may be from now, either way (default 300). */
  toleranceSeconds?: number;
  /** The answer to a webhook that fails verification; default 401 `{error: "unauthorized", details}`. */
  onError?: (error: WebhookVerificationError, c: Context) => Response | Promise<Response>;
}

/**
 * Verifies the Standard Webhooks signature of each request, then sets `c.var.heraldWebhook` (the parsed body) and
 * `c.var.heraldWebhookId` for the handlers after it. The raw body stays readable (`c.req.text()`).
 */
export function webhookMiddleware<T = Notification>(
  options: WebhookMiddlewareOptions,
): MiddlewareHandler<{ Variables: HeraldWebhookVariables<T> }> {
  return async (c, next) => {
    const secret = typeof options.secret === "function" ? await options.secret(c) : options.secret;
    let payload: T;
    try {
      payload = await verifyWebhook<T>({
        secret,
        headers: c.req.raw.headers,
        body: await c.req.text(),
        ...(options.toleranceSeconds !== undefined ? { toleranceSeconds: options.toleranceSeconds } : {}),
      });
    } catch (error) {
      // A secret that is not base64 is the receiver's mistake, not the sender's: let it surface as a 500.
      if (!(error instanceof WebhookVerificationError) || error.reason === "invalid_secret") throw error;
      if (options.onError) return options.onError(error, c);
      return c.json({ error: "unauthorized", details: error.message }, 401);
    }
    c.set("heraldWebhook", payload);
    c.set("heraldWebhookId", c.req.header("webhook-id") ?? "");
    await next();
  };
}
