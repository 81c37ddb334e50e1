import type { WebhookTestRequest, WebhookTestResponse } from "@herald/contracts";
import { readCapped } from "../delivery/response-body";
import { classifyFetchError } from "../delivery/retry-policy";
import { RESERVED_WEBHOOK_HEADERS, USER_AGENT } from "../delivery/webhook";
import { ApiError } from "../errors";
import { checkTargetUrl } from "../security/target-url";
import type { ServiceContext } from "./context";

/** What a test call sends when the caller gives no `data`. */
const SAMPLE_NOTIFICATION = {
  id: "00000000-0000-4000-8000-000000000000",
  type: "incidents/alerts",
  notification_data: { threat_level: "high", escalated: true },
  asset_data: {},
  payload: { attack_summary: "Herald test notification", long_incident_id: "test" },
  status: "created",
};

/**
 * `POST /{account_id}/webhook/test`, as Alert Logic's console calls it: one unsigned call to `url`, answering the
 * target's status and body. The same address checks as integrations apply, so it is no way around them.
 */
export async function testWebhook(ctx: ServiceContext, body: WebhookTestRequest): Promise<WebhookTestResponse> {
  const verdict = checkTargetUrl(body.url, { allowLoopback: ctx.services.allowLoopbackTargets });
  if (!verdict.ok) throw ApiError.invalid("url", `the URL ${verdict.reason}`);
  const reserved = Object.keys(body.headers ?? {}).find((name) => RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase()));
  if (reserved)
    throw ApiError.invalid(`headers.${reserved}`, `'${reserved}' is set by Herald and cannot be overridden`);

  const sendsBody = body.method !== "GET";
  try {
    const response = await ctx.services.targetFetch(body.url, {
      method: body.method,
      headers: {
        ...body.headers,
        "user-agent": USER_AGENT,
        ...(sendsBody ? { "content-type": "application/json" } : {}),
      },
      body: sendsBody ? JSON.stringify(body.data ?? SAMPLE_NOTIFICATION) : undefined,
      redirect: "manual",
      signal: AbortSignal.timeout(ctx.services.delivery.webhookTimeoutMs),
    });
    return { code: response.status, rawbody: await readCapped(response) };
  } catch (error) {
    const outcome = classifyFetchError(error);
    const reason = outcome.kind === "delivered" ? "unknown error" : outcome.reason;
    return {
      code: 0,
      rawbody:
        reason === "timeout" ? `timeout after ${ctx.services.delivery.webhookTimeoutMs} ms` : `not sent: ${reason}`,
    };
  }
}
