import {
  HeraldError,
  ReceiptResult,
  ResendEvent,
  StandardWebhookHeaders,
  SvixWebhookHeaders,
  WebhookAcknowledgement,
} from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi";

// No token: each receiver is authenticated by the signature of the raw body.

const tags = ["Receivers"];
const unsigned = jsonContent(HeraldError, "The signature is missing, stale or not made with the expected secret");

export const resendEvents = createRoute({
  operationId: "receive_resend_event",
  method: "post",
  path: "/hooks/resend",
  tags,
  summary: "Receive a Resend delivery event",
  description:
    "Configure it as a Resend webhook. Signed with `RESEND_WEBHOOK_SECRET` (Svix headers); 503 while that is unset. " +
    "`email.delivered` → DELIVRD, `email.opened` → READ, `email.bounced` and `email.failed` → FAILED; statuses only " +
    "move forward, so replays and late events change nothing. An unknown e-mail id is acknowledged with 200.",
  request: { headers: SvixWebhookHeaders, body: jsonBody(ResendEvent) },
  responses: {
    200: jsonContent(ReceiptResult, "Received"),
    ...errorResponses(400),
    401: unsigned,
    503: jsonContent(HeraldError, "RESEND_WEBHOOK_SECRET is not set, or the database is unavailable"),
  },
});

export const acknowledgeWebhook = createRoute({
  operationId: "acknowledge_webhook",
  method: "post",
  path: "/hooks/ack",
  tags,
  summary: "Acknowledge a webhook (read receipt)",
  description:
    "A receiver confirms it processed a webhook: it signs any body, Standard Webhooks style, with the " +
    "integration's signing secret, under the `webhook-id` it received and a fresh timestamp. The delivery moves " +
    "from DELIVRD to READ; one that is not DELIVRD (yet) answers 409.",
  request: { headers: StandardWebhookHeaders, body: jsonBody(WebhookAcknowledgement) },
  responses: { 200: jsonContent(ReceiptResult, "Acknowledged"), ...errorResponses(404, 409), 401: unsigned },
});
