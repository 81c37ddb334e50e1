import { type ReceiptResult, ResendEvent } from "@herald/contracts";
import { advanceDelivery, findDeliveryByProviderMessageId, findDeliveryForReceipt } from "@herald/db";
import { verifyWebhook } from "../delivery/signing";
import { signingSecrets } from "../delivery/webhook";
import type { Services } from "../env";
import { ApiError } from "../errors";
import { findOpenIntegration } from "../security/integration-secrets";

// Receipts arrive without a token: a signature is their only credential, so nothing is read or changed before it
// is verified, and the status only ever moves forward, which makes replays (providers retry) harmless.

const RESEND_TRANSITIONS = new Map<string, "DELIVRD" | "READ" | "FAILED">([
  ["email.delivered", "DELIVRD"],
  ["email.opened", "READ"],
  ["email.bounced", "FAILED"],
  ["email.failed", "FAILED"],
]);

export interface SignedRequest {
  headers: Headers;
  /** The raw body: the signature covers its exact bytes. */
  body: string;
}

/** `POST /hooks/resend`: Resend's delivery events (signed like Svix) move the e-mail leg they name forward. */
export async function receiveResendEvent(services: Services, request: SignedRequest): Promise<ReceiptResult> {
  const webhookSecret = services.resendWebhookSecret;
  if (!webhookSecret) {
    throw new ApiError({
      status: 503,
      code: "service_unavailable",
      details: "Resend events are not configured: set RESEND_WEBHOOK_SECRET",
    });
  }
  if (!(await verifyWebhook({ secrets: [webhookSecret], headers: request.headers, body: request.body }))) {
    throw ApiError.unauthorized("the Resend signature is missing, stale or invalid");
  }
  const event = parseEvent(request.body);
  const status = RESEND_TRANSITIONS.get(event.type);
  const emailId = event.data?.email_id;
  if (!status || !emailId) return { outcome: "ignored" };

  // Only e-mails carry a provider id: a user's leg, or an `email` integration's (an integration leg, channel webhook).
  const leg = await findDeliveryByProviderMessageId(services.db, emailId);
  // Acknowledged all the same: an e-mail Herald did not send as a leg (a test e-mail, another sender) never will be.
  if (!leg) return { outcome: "unknown" };
  const now = services.now();
  const error = status === "FAILED" ? failureText(event) : undefined;
  const moved = await advanceDelivery(services.db, leg, status, now, error === undefined ? {} : { error });
  if (!moved) return { outcome: "unchanged", delivery_id: leg.id, status: leg.status };
  return { outcome: "advanced", delivery_id: leg.id, status };
}

function parseEvent(body: string): ResendEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ApiError({ status: 400, code: "invalid_json", details: "the event is not valid JSON" });
  }
  const parsed = ResendEvent.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw ApiError.invalid(issue?.path.join(".") || "body", `not a Resend event: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

function failureText(event: ResendEvent): string {
  const reason = event.data?.bounce?.message ?? event.data?.failed?.reason;
  const what = event.type === "email.bounced" ? "bounced" : "failed";
  return reason ? `the e-mail ${what}: ${reason}` : `the e-mail ${what}`;
}

const WEBHOOK_ID_PREFIX = "msg_";

/**
 * `POST /hooks/ack`: a receiver confirms it processed a webhook by signing an acknowledgement with the integration's
 * secret, under the `webhook-id` it received. That moves the delivered leg to READ.
 */
export async function acknowledgeWebhook(services: Services, request: SignedRequest): Promise<ReceiptResult> {
  const id = request.headers.get("webhook-id");
  const timestamp = request.headers.get("webhook-timestamp");
  const signature = request.headers.get("webhook-signature");
  if (!id || !timestamp || !signature) {
    throw ApiError.unauthorized("the webhook-id, webhook-timestamp and webhook-signature headers are required");
  }
  const unknown = ApiError.notFound(`webhook '${id}'`);
  if (!id.startsWith(WEBHOOK_ID_PREFIX)) throw unknown;
  const leg = await findDeliveryForReceipt(services.db, id.slice(WEBHOOK_ID_PREFIX.length).toUpperCase());
  if (leg?.channel !== "webhook") throw unknown;
  const integration = await findOpenIntegration(services.db, services.secrets, leg.accountId, leg.destination);
  if (!integration) throw ApiError.notFound(`the integration of webhook '${id}'`);

  // Only the Standard Webhooks names: an acknowledgement must be signed under the id it acknowledges.
  const signed = { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature };
  const now = services.now();
  if (!(await verifyWebhook({ secrets: signingSecrets(integration, now), headers: signed, body: request.body }))) {
    throw ApiError.unauthorized("the signature is stale or not made with the integration's signing secret");
  }
  if (leg.status === "READ") return { outcome: "unchanged", delivery_id: leg.id, status: leg.status };
  if (leg.status !== "DELIVRD") {
    throw ApiError.conflict(`webhook '${id}' is ${leg.status}: only a delivered webhook can be acknowledged`);
  }
  // A DELIVRD leg can only stay DELIVRD or become READ, so the check above still holds here.
  const moved = await advanceDelivery(services.db, leg, "READ", now);
  return { outcome: moved ? "advanced" : "unchanged", delivery_id: leg.id, status: "READ" };
}
