import type { Delivery, DeliveryList, IncidentNotification, SentNotification } from "@herald/contracts";
import {
  type DeliveryAttemptRow,
  type DeliveryRow,
  findAccountDelivery,
  findNotification,
  listAttempts,
  listIncidentDeliveries,
  listNotificationDeliveries,
  NOTIFICATION_STATUS,
  resetFailedDelivery,
  setNotificationStatus,
} from "@herald/db";
import { inScope, integrationScope, withinScope } from "../auth/scope";
import { ApiError } from "../errors";
import { enqueueDeliveries } from "../queues/producers";
import type { ServiceContext } from "./context";

const seconds = (ms: number | null) => (ms === null ? undefined : Math.floor(ms / 1000));

export function toDelivery(row: DeliveryRow, attempts: DeliveryAttemptRow[]): Delivery {
  return {
    id: row.id,
    notification_id: row.notificationId,
    subscription_id: row.subscriptionId,
    channel: row.channel,
    destination: row.destination,
    ...(row.address !== null ? { address: row.address } : {}),
    status: row.status,
    ...(row.subject !== null ? { subject: row.subject } : {}),
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      started_at: Math.floor(attempt.startedAt / 1000),
      duration_ms: attempt.durationMs,
      ...(attempt.responseCode !== null ? { response_code: attempt.responseCode } : {}),
      ...(attempt.responseBody !== null ? { response_body: attempt.responseBody } : {}),
      ...(attempt.error !== null ? { error: attempt.error } : {}),
      ...(attempt.requestHeaders !== null ? { request_headers: attempt.requestHeaders } : {}),
      ...(attempt.nextAttemptAt !== null ? { next_attempt_at: Math.floor(attempt.nextAttemptAt / 1000) } : {}),
      trigger: attempt.trigger ?? "queue",
      ...(attempt.jobId !== null ? { job_id: attempt.jobId } : {}),
    })),
    ...(row.status === "PENDING" && row.nextAttemptAt !== null ? { next_attempt_at: seconds(row.nextAttemptAt) } : {}),
    ...(row.lastError !== null ? { last_error: row.lastError } : {}),
    ...(row.sentAt !== null ? { sent_at: seconds(row.sentAt) } : {}),
    ...(row.deliveredAt !== null ? { delivered_at: seconds(row.deliveredAt) } : {}),
    ...(row.readAt !== null ? { read_at: seconds(row.readAt) } : {}),
    created: Math.floor(row.createdAt / 1000),
  };
}

export async function listDeliveries(
  ctx: ServiceContext,
  accountId: string,
  notificationId: string,
): Promise<DeliveryList> {
  const notification = await findNotification(ctx.services.db, accountId, notificationId.toUpperCase());
  if (!notification) throw ApiError.notFound(`notification '${notificationId}'`);
  // A portal session limited to some integrations sees their legs alone, and no notification without one.
  const legs = withinScope(
    ctx.auth,
    await listNotificationDeliveries(ctx.services.db, accountId, notification.id),
    (leg) => leg.destination,
  );
  if (legs.length === 0 && integrationScope(ctx.auth) !== undefined)
    throw ApiError.notFound(`notification '${notificationId}'`);
  return { deliveries: legs.map((leg) => toDelivery(leg, leg.attemptList)) };
}

export async function getDelivery(ctx: ServiceContext, accountId: string, id: string): Promise<Delivery> {
  const leg = await findAccountDelivery(ctx.services.db, accountId, id.toUpperCase());
  if (!leg || !inScope(ctx.auth, leg.destination)) throw ApiError.notFound(`delivery '${id}'`);
  return toDelivery(leg, await listAttempts(ctx.services.db, accountId, [leg.id]));
}

/** Gives a FAILED leg a fresh retry schedule and queues it now. */
export async function retryDelivery(ctx: ServiceContext, accountId: string, id: string): Promise<Delivery> {
  const { db, now } = ctx.services;
  const leg = await findAccountDelivery(db, accountId, id.toUpperCase());
  if (!leg || !inScope(ctx.auth, leg.destination)) throw ApiError.notFound(`delivery '${id}'`);
  if (!(await resetFailedDelivery(db, accountId, leg.id, now()))) {
    throw ApiError.conflict(`only a FAILED delivery can be retried; this one is ${leg.status}`);
  }
  await setNotificationStatus(
    db,
    accountId,
    leg.notificationId,
    [NOTIFICATION_STATUS.completed],
    NOTIFICATION_STATUS.dispatched,
    now(),
  );
  await enqueueDeliveries(ctx.services.queues.delivery, [{ id: leg.id, accountId }]);
  return getDelivery(ctx, accountId, leg.id);
}

/**
 * The incident's notifications that were sent, with a status per destination (e-mail address or integration id)
 * and, for integrations, the call's state and the target's answer, as Alert Logic's `Incident-Notification` has it.
 */
export async function listSentIncidentNotifications(
  ctx: ServiceContext,
  accountId: string,
  longIncidentId: string,
): Promise<IncidentNotification> {
  const rows = await listIncidentDeliveries(ctx.services.db, accountId, longIncidentId);
  const sent = new Map<string, SentNotification>();
  for (const { notification, delivery } of rows) {
    if (!delivery || !inScope(ctx.auth, delivery.destination)) continue;
    let item = sent.get(notification.id);
    if (!item) {
      item = { id: notification.id, type: notification.type, statuses: [] };
      sent.set(notification.id, item);
    }
    if (delivery.subject !== null && item.subject === undefined) item.subject = delivery.subject;
    item.statuses.push({
      destination: delivery.channel === "email" ? (delivery.address ?? delivery.destination) : delivery.destination,
      status: delivery.status,
      ...(delivery.sentAt !== null ? { sent_at: Math.floor(delivery.sentAt / 1000) } : {}),
    });
    if (delivery.channel === "webhook") {
      item.integration_statuses ??= [];
      item.integration_statuses.push({
        type: "webhook",
        integration_id: delivery.destination,
        // QUEUED until a call was made; SENT once the target was called, whatever it answered.
        status: delivery.attempts > 0 ? "SENT" : "QUEUED",
        queue_data: { id: delivery.id, config: { type: "webhook", target_url: delivery.address ?? "" } },
        ...(delivery.attempts > 0
          ? { integration_response: { code: delivery.responseCode ?? 0, body: delivery.responseBody } }
          : {}),
      });
    }
  }
  return { notifications: [...sent.values()] };
}
