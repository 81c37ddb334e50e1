import {
  claimDelivery,
  countUnfinishedDeliveries,
  type DeliveryRow,
  type DeliveryStatus,
  disableIntegration,
  findAccount,
  findDelivery,
  findIntegration,
  findNotificationById,
  findNotificationType,
  findSubscription,
  listUsersByIds,
  type NotificationRow,
  recordAttempt,
  setNotificationStatus,
} from "@herald/db";
import type { Services } from "../env";
import { checkTargetUrl } from "../security/target-url";
import { openIntegration } from "../services/integration-secrets";
import { toNotification } from "../services/notifications";
import { renderEmail } from "./email/render";
import { NOTIFICATION_STATUS } from "./fanout";
import { type AttemptOutcome, MAX_DELAY_SECONDS, retryDelaySeconds } from "./retry-policy";
import { callWebhook, signedWebhookCall } from "./webhook";

/** What the consumer does with the leg's message: drop it, or hand it back to the queue for later. */
export type Disposition = { kind: "done" } | { kind: "retry"; delaySeconds: number };

interface AttemptReport {
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
}

const permanent = (reason: string): AttemptReport => ({
  outcome: { kind: "permanent", reason },
  error: reason,
  durationMs: 0,
});

function delayUntil(at: number, now: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((at - now) / 1000)));
}

/** A message for a leg this consumer could not claim: finished, leased by another consumer, or not due yet. */
async function unclaimed(services: Services, deliveryId: string, now: number): Promise<Disposition> {
  const leg = await findDelivery(services.db, deliveryId);
  if (leg?.status !== "PENDING") return { kind: "done" };
  const busyUntil = Math.max(leg.leaseUntil ?? 0, leg.nextAttemptAt ?? 0);
  return { kind: "retry", delaySeconds: delayUntil(busyUntil, now) };
}

async function attemptWebhook(
  services: Services,
  leg: DeliveryRow,
  notification: NotificationRow,
): Promise<AttemptReport> {
  const integration = await findIntegration(services.db, leg.accountId, leg.destination);
  if (!integration) return permanent("the integration was deleted");
  if (integration.disabledAt !== null)
    return {
      ...permanent(`the integration is disabled: ${integration.disabledReason}`),
      address: integration.targetUrl,
    };
  // Checked again at send time: the URL may predate a tightened policy, and a stored row is not trusted blindly.
  const verdict = checkTargetUrl(integration.targetUrl, { allowLoopback: services.allowLoopbackTargets });
  if (!verdict.ok) return { ...permanent(`the target URL ${verdict.reason}`), address: integration.targetUrl };

  const call = await signedWebhookCall({
    integration: await openIntegration(services.secrets, integration),
    deliveryId: leg.id,
    body: JSON.stringify(toNotification(notification)),
    now: services.now(),
    timeoutMs: services.delivery.webhookTimeoutMs,
  });
  const result = await callWebhook(call, services.targetFetch);
  return { ...result, deliveredStatus: "DELIVRD", address: integration.targetUrl };
}

async function attemptEmail(
  services: Services,
  leg: DeliveryRow,
  notification: NotificationRow,
): Promise<AttemptReport> {
  const [user] = await listUsersByIds(services.db, leg.accountId, [leg.destination]);
  if (!user?.email) return permanent(`user ${leg.destination} has no e-mail address in this account`);
  const [account, type, subscription] = await Promise.all([
    findAccount(services.db, leg.accountId),
    findNotificationType(services.db, notification.type),
    findSubscription(services.db, leg.accountId, leg.subscriptionId),
  ]);
  const options = subscription?.options ?? {};
  const subjectOverride = typeof options.email_subject === "string" && options.email_subject.trim() !== "";
  const rendered = renderEmail({
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
  });
  const started = Date.now();
  const sent = await services.email.send({
    accountId: leg.accountId,
    deliveryId: leg.id,
    to: user.email,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
  });
  const common = { address: user.email, subject: rendered.subject, durationMs: Date.now() - started };
  if (!sent.ok) {
    return {
      ...common,
      outcome: sent.outcome,
      error: sent.outcome.reason,
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

/**
 * One attempt at one leg. Safe to run for any copy of any message: only the consumer that claims the leg sends,
 * a finished leg is never sent again, and every outcome is recorded before the message is acknowledged.
 */
export async function deliverLeg(services: Services, deliveryId: string): Promise<Disposition> {
  const startedAt = services.now();
  const leaseMs = services.delivery.webhookTimeoutMs + 30_000;
  const leg = await claimDelivery(services.db, deliveryId, startedAt, leaseMs);
  if (!leg) return unclaimed(services, deliveryId, startedAt);

  const notification = await findNotificationById(services.db, leg.notificationId);
  const report = !notification
    ? permanent("the notification no longer exists")
    : leg.channel === "webhook"
      ? await attemptWebhook(services, leg, notification)
      : await attemptEmail(services, leg, notification);

  const now = services.now();
  const attemptNumber = leg.attempts + 1;
  let status: DeliveryStatus;
  let nextAttemptAt: number | null = null;
  let disposition: Disposition = { kind: "done" };
  if (report.outcome.kind === "delivered") {
    status = report.deliveredStatus ?? "DELIVRD";
  } else if (report.outcome.kind === "permanent") {
    status = "FAILED";
  } else {
    const scheduled = retryDelaySeconds(services.delivery.retryScheduleSeconds, attemptNumber - leg.scheduleStart);
    if (scheduled === undefined) {
      status = "FAILED";
    } else {
      // Retry-After is honoured as "not before": it can lengthen the wait, never shorten the backoff.
      const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(scheduled, report.outcome.retryAfterSeconds ?? 0));
      status = "PENDING";
      nextAttemptAt = now + delaySeconds * 1000;
      disposition = { kind: "retry", delaySeconds };
    }
  }

  const recorded = await recordAttempt(services.db, leg.accountId, {
    deliveryId: leg.id,
    status,
    now,
    attempt: {
      id: services.newId(),
      attempt: attemptNumber,
      startedAt,
      durationMs: report.durationMs,
      responseCode: report.responseCode ?? null,
      responseBody: report.responseBody ?? null,
      error: attemptError(status, report),
      nextAttemptAt,
    },
    ...(report.address !== undefined ? { address: report.address } : {}),
    ...(report.subject !== undefined ? { subject: report.subject } : {}),
    ...(report.providerMessageId !== undefined ? { providerMessageId: report.providerMessageId } : {}),
  });
  if (!recorded) {
    // This consumer outlived its lease and another recorded this attempt first: what that one recorded stands (and
    // it queued whatever comes next). The target may have had one call more, which at-least-once allows.
    console.warn(
      JSON.stringify({
        level: "warn",
        delivery_id: leg.id,
        attempt: attemptNumber,
        message: "attempt recorded by another consumer",
      }),
    );
    return { kind: "done" };
  }

  if (report.outcome.kind === "permanent" && report.outcome.disableIntegration) {
    await disableIntegration(services.db, leg.accountId, leg.destination, now, report.outcome.reason);
  }
  if (status !== "PENDING") await completeIfFinished(services, leg.notificationId, now);
  return disposition;
}

/**
 * What went wrong, if anything. A FAILED leg always says why, whether its last try got an answer (HTTP 410) or none
 * (a timeout), and whether retries ran out.
 */
function attemptError(status: DeliveryStatus, report: AttemptReport): string | null {
  const { outcome } = report;
  if (status !== "FAILED" || outcome.kind === "delivered") return report.error ?? null;
  const reason = report.error ?? outcome.reason;
  return outcome.kind === "retry" ? `retries exhausted: ${reason}` : reason;
}

/** The notification is `completed` once none of its legs waits for another attempt. */
export async function completeIfFinished(services: Services, notificationId: string, now: number): Promise<void> {
  if ((await countUnfinishedDeliveries(services.db, notificationId)) === 0) {
    await setNotificationStatus(
      services.db,
      notificationId,
      [NOTIFICATION_STATUS.dispatched],
      NOTIFICATION_STATUS.completed,
      now,
    );
  }
}
