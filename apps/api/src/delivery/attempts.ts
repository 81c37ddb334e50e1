// One attempt at one claimed leg, per channel, from what the batch already read: no database call happens here
// except what a transport itself does (the capture transport stores its e-mail).
import type { Notification } from "@herald/contracts";
import type { DeliveryRow, IntegrationRow, NotificationRow, RenderContext, SkipReason } from "@herald/db";
import type { Services } from "../env";
import type { AttemptOutcome, OutgoingEmail } from "../ports";
import { checkIntegrationUrl } from "../security/vendor-urls";
import type { NotificationView, RenderOptions } from "./channels/message";
import { classifyChannelAnswer } from "./channels/outcomes";
import { channelRequest, channelUrl, isChannel } from "./channels/request";
import { renderEmail } from "./email/render";
import { convertPayload } from "./payload-conversion";
import { callTicketing, type TicketBook, type TicketCall } from "./tickets/call";
import { isTicketing, type TicketRef } from "./tickets/render";
import { callWebhook, signedWebhookCall, type WebhookCallResult } from "./webhook";

export interface AttemptReport {
  outcome: AttemptOutcome;
  /** Status when the outcome is `delivered`: DELIVRD for a 2xx webhook, SENT or DELIVRD for e-mail. */
  deliveredStatus?: "SENT" | "DELIVRD";
  responseCode?: number;
  responseBody?: string;
  error?: string;
  durationMs: number;
  address?: string | null;
  subject?: string | null;
  providerMessageId?: string | null;
  /** The HTTP request's headers as sent, secrets masked (none for an e-mail or a call not made). */
  requestHeaders?: Record<string, string>;
  /** No call was made because the integration is disabled: the leg is one a replay job delivers later. */
  skipReason?: SkipReason;
}

export const permanent = (reason: string, address?: string): AttemptReport => ({
  outcome: { kind: "permanent", reason },
  error: reason,
  durationMs: 0,
  ...(address !== undefined ? { address } : {}),
});

/** What an e-mail renders from: the leg's template and subject template, the type's name, the notification. */
export type EmailRenderInput = Parameters<typeof renderEmail>[0];

/** What an `email` integration sends: the e-mail a user subscriber of the same leg would get, and its leg. */
export interface EmailInput {
  render: EmailRenderInput;
  /** The leg the e-mail belongs to (its idempotency key and provider tag); null for a test call. */
  deliveryId: string | null;
}

/** What a call of an integration sends: the notification as webhooks carry it, and as channel types render it. */
export interface CallInput {
  /** Fixes the Standard Webhooks `webhook-id` (the leg's id, or a test call's own). */
  deliveryId: string;
  /** The notification document webhooks carry, and its JSON (each made once per notification and batch). */
  document: () => Notification;
  body: () => string;
  /** What a channel type renders its message from. */
  message: () => { view: NotificationView; options: RenderOptions };
  /** The batch's tickets per incident; without it (a test call) a ticketing type opens a ticket. */
  tickets?: TicketBook;
  /** What an `email` integration renders its e-mail from. */
  email: () => EmailInput;
  /** The attempt's W3C traceparent, which webhooks carry to the target (none for a test call). */
  traceparent?: string;
}

/** A leg's call before it is made: its integration (secrets opened), or why there is none to call. */
export interface IntegrationTarget extends Omit<CallInput, "deliveryId"> {
  integration: IntegrationRow | { missing: string; address?: string; skipReason?: SkipReason };
}

export type IntegrationCall =
  | { sent: false; reason: string }
  | { sent: true; body: string; result: WebhookCallResult | AttemptReport; opened?: TicketCall["opened"] };

/**
 * One call of an integration whose secrets are open: a signed webhook (its payload converted as configured) or a
 * channel type's vendor call, judged by that vendor's rules. Deliveries and test calls both go through here. The URL
 * is checked again first: it may predate a tightened policy, and a stored row is not trusted blindly.
 */
export async function callIntegration(
  services: Services,
  integration: IntegrationRow,
  input: CallInput,
): Promise<IntegrationCall> {
  if (integration.type === "email") return callEmailIntegration(services, integration, input.email());
  const url = isChannel(integration) ? channelUrl(integration) : integration.targetUrl;
  const verdict = checkIntegrationUrl(integration.type, url, { allowLoopback: services.allowLoopbackTargets });
  if (!verdict.ok) return { sent: false, reason: `the target URL ${verdict.reason}` };
  const timeoutMs = services.delivery.webhookTimeoutMs;
  if (isTicketing(integration)) {
    const message = input.message();
    const call = (ticket?: TicketRef) => callTicketing(services, integration, message, ticket);
    const made = input.tickets
      ? await input.tickets.run(integration, message.view.payload, call)
      : await call(undefined);
    return { sent: true, ...made };
  }
  if (isChannel(integration)) {
    const { view, options } = input.message();
    const request = channelRequest(integration, view, options);
    const result = await callWebhook({ ...request, method: "POST", timeoutMs }, services.targetFetch, (answer, now) =>
      classifyChannelAnswer(integration.type, answer, now),
    );
    return { sent: true, body: request.body, result };
  }
  // The body signed and sent is the converted one: a receiver verifies what it received.
  const converted = await convertPayload(integration.config, input.document(), input.body);
  if (!converted.ok) return { sent: false, reason: converted.reason };
  const call = await signedWebhookCall({
    integration,
    deliveryId: input.deliveryId,
    body: converted.body,
    now: services.now(),
    timeoutMs,
  });
  // Not signed (Standard Webhooks signs the id, timestamp and body): a receiver joins the producer's trace with it.
  if (input.traceparent !== undefined) call.headers.traceparent = input.traceparent;
  return { sent: true, body: converted.body, result: await callWebhook(call, services.targetFetch) };
}

/** One call of a leg to its integration, as an attempt to record. */
export async function attemptIntegration(
  services: Services,
  leg: DeliveryRow,
  target: IntegrationTarget,
): Promise<AttemptReport> {
  const { integration } = target;
  if ("missing" in integration) {
    const failed = permanent(integration.missing, integration.address);
    return integration.skipReason ? { ...failed, skipReason: integration.skipReason } : failed;
  }
  const call = await callIntegration(services, integration, { deliveryId: leg.id, ...target });
  if (!call.sent) return permanent(call.reason, integration.targetUrl);
  // An e-mail's report says its own status (SENT until the provider reports delivery) and address.
  return { deliveredStatus: "DELIVRD", address: integration.targetUrl, ...call.result };
}

/**
 * An `email` integration (e-mail ticketing): the leg's e-mail rendered exactly as a user subscriber's would be, with
 * the integration's subject template first, sent to its one address through the configured transport.
 */
async function callEmailIntegration(
  services: Services,
  integration: IntegrationRow,
  input: EmailInput,
): Promise<IntegrationCall> {
  const subjectTemplate = integration.config.subject_template;
  const rendered = renderEmail({
    ...input.render,
    ...(typeof subjectTemplate === "string" && subjectTemplate.trim() !== "" ? { subjectTemplate } : {}),
  });
  const result = await sendEmail(services, {
    accountId: integration.accountId,
    deliveryId: input.deliveryId,
    to: integration.targetUrl,
    ...rendered,
  });
  return { sent: true, body: rendered.text, result };
}

/** The notification as channel renderers see it, with the names the batch read. */
export function notificationView(notification: NotificationRow, context: RenderContext): NotificationView {
  const account = context.accounts.get(notification.accountId);
  const type = context.notificationTypes.get(notification.type);
  return {
    id: notification.id,
    type: notification.type,
    typeName: type?.name || notification.type,
    accountId: notification.accountId,
    accountName: account?.name || notification.accountId,
    createdAt: new Date(notification.createdAt).toISOString(),
    notificationData: notification.notificationData,
    assetData: notification.assetData,
    payload: notification.payload,
    attachments: (notification.attachments ?? []) as unknown as NotificationView["attachments"],
  };
}

/** What a leg's e-mail renders from: its subscription's template and options, its type's defaults. */
export function emailRenderInput(
  leg: Pick<DeliveryRow, "accountId" | "subscriptionId">,
  notification: NotificationRow,
  context: RenderContext,
): EmailRenderInput {
  const account = context.accounts.get(leg.accountId);
  const type = context.notificationTypes.get(notification.type);
  const subscription = context.subscriptions.get(`${leg.accountId}/${leg.subscriptionId}`);
  const options = subscription?.options ?? {};
  const subjectOverride = typeof options.email_subject === "string" && options.email_subject.trim() !== "";
  return {
    templateKey: subscription?.template ?? type?.defaultTemplate ?? "",
    subjectTemplate: subjectOverride ? (options.email_subject as string) : (type?.defaultEmailSubject ?? ""),
    fallbackSubject: type?.name ?? notification.type,
    includeAttachments: options.include_attachments === true,
    view: {
      account: { id: leg.accountId, name: account?.name ?? leg.accountId },
      notification: {
        id: notification.id,
        type: notification.type,
        created_at: new Date(notification.createdAt).toISOString(),
      },
      notification_data: notification.notificationData,
      asset_data: notification.assetData,
      payload: notification.payload,
      attachments: (notification.attachments ?? []) as Array<{ name: string; description?: string; url: string }>,
    },
  };
}

export async function attemptEmail(
  services: Services,
  leg: DeliveryRow,
  notification: NotificationRow,
  context: RenderContext,
): Promise<AttemptReport> {
  const user = context.users.get(`${leg.accountId}/${leg.destination}`);
  if (!user?.email) return permanent(`user ${leg.destination} has no e-mail address in this account`);
  const rendered = renderEmail(emailRenderInput(leg, notification, context));
  return sendEmail(services, { accountId: leg.accountId, deliveryId: leg.id, to: user.email, ...rendered });
}

/** One e-mail through the configured transport, as an attempt: users' legs and `email` integrations alike. */
async function sendEmail(services: Services, email: OutgoingEmail): Promise<AttemptReport> {
  const started = Date.now();
  const sent = await services.email.send(email);
  const common = { address: email.to, subject: email.subject, durationMs: Date.now() - started };
  if (!sent.ok) {
    // The provider's answer is about the provider, never the mailbox: it does not disable an `email` integration.
    const outcome =
      sent.outcome.kind === "permanent" ? { kind: "permanent" as const, reason: sent.outcome.reason } : sent.outcome;
    return {
      ...common,
      outcome,
      error: outcome.reason,
      responseCode: sent.responseCode,
      responseBody: sent.responseBody,
    };
  }
  return {
    ...common,
    outcome: { kind: "delivered" },
    deliveredStatus: sent.status,
    responseCode: sent.responseCode,
    responseBody: sent.responseBody,
    providerMessageId: sent.providerMessageId ?? null,
  };
}
