import {
  type DeliveryChannel,
  type DeliveryRow,
  findNotificationById,
  insertDeliveries,
  listActiveSubscriptionsOfType,
  listSubscribers,
  type NotificationRow,
  openSuppressionWindow,
  pendingDeliveryIds,
  type SubscriptionRow,
  setNotificationStatus,
} from "@herald/db";
import type { Services } from "../env";
import { matchesFilter } from "./filters";

/** Notification statuses: `created` → `dispatched` (legs written and queued) → `completed` (every leg finished). */
export const NOTIFICATION_STATUS = { created: "created", dispatched: "dispatched", completed: "completed" } as const;

const CHANNEL_OF = { user: "email", connection: "webhook" } as const satisfies Record<string, DeliveryChannel>;

/**
 * The incident a notification is about: a subscription with a suppression interval notifies once per incident
 * within the window. A notification that names no incident shares one window per subscription.
 */
export function suppressionKey(notification: Pick<NotificationRow, "payload">): string {
  const { long_incident_id, incident_id } = notification.payload;
  if (typeof long_incident_id === "string" && long_incident_id !== "") return `incident:${long_incident_id}`;
  if (typeof incident_id === "string" && incident_id !== "") return `incident:${incident_id}`;
  return "any";
}

/** The subscriptions this notification reaches: matching filters, outside their suppression windows. */
async function reachedSubscriptions(services: Services, notification: NotificationRow): Promise<SubscriptionRow[]> {
  const candidates = await listActiveSubscriptionsOfType(services.db, notification.accountId, notification.type);
  const context = {
    notificationData: notification.notificationData,
    payload: notification.payload,
    assetData: notification.assetData,
    accountId: notification.accountId,
  };
  const reached: SubscriptionRow[] = [];
  for (const subscription of candidates) {
    if (!matchesFilter(subscription.filters, context)) continue;
    const interval = subscription.suppressionInterval ?? 0;
    if (interval > 0) {
      const open = await openSuppressionWindow(services.db, {
        subscriptionId: subscription.id,
        key: suppressionKey(notification),
        notificationId: notification.id,
        now: services.now(),
        windowMs: interval * 60_000,
      });
      if (!open) continue;
    }
    reached.push(subscription);
  }
  return reached;
}

/**
 * Writes one PENDING leg per destination and answers the ids of the legs still pending, to be queued. Idempotent:
 * a replayed fan-out finds its legs already written (the unique leg key) and queues the pending ones again, which the
 * delivery consumer tolerates. A destination reached through several subscriptions gets one leg, from the oldest.
 */
export async function fanOut(services: Services, notificationId: string): Promise<string[]> {
  const notification = await findNotificationById(services.db, notificationId);
  if (!notification || notification.status === NOTIFICATION_STATUS.completed) return [];

  const subscriptions = await reachedSubscriptions(services, notification);
  const subscribers = await listSubscribers(
    services.db,
    notification.accountId,
    subscriptions.map((s) => s.id),
  );
  const order = new Map(subscriptions.map((s, index) => [s.id, index]));
  subscribers.sort((a, b) => (order.get(a.subscriptionId) ?? 0) - (order.get(b.subscriptionId) ?? 0));

  const now = services.now();
  const legs = new Map<string, DeliveryRow>();
  for (const subscriber of subscribers) {
    const channel = CHANNEL_OF[subscriber.subscriberType];
    const key = `${channel}:${subscriber.subscriber}`;
    if (legs.has(key)) continue;
    legs.set(key, {
      id: services.newId(),
      accountId: notification.accountId,
      notificationId: notification.id,
      subscriptionId: subscriber.subscriptionId,
      channel,
      destination: subscriber.subscriber,
      address: null,
      status: "PENDING",
      subject: null,
      attempts: 0,
      scheduleStart: 0,
      nextAttemptAt: now,
      leaseUntil: null,
      lastError: null,
      responseCode: null,
      responseBody: null,
      providerMessageId: null,
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      createdAt: now,
      modifiedAt: now,
    });
  }
  await insertDeliveries(services.db, [...legs.values()]);

  const pending = await pendingDeliveryIds(services.db, notification.id);
  // No leg waiting means complete, also for a replay that finds every leg finished: a fan-out that died before
  // marking the notification dispatched may see its legs delivered (queued by the sweeper) before it runs again.
  const next = pending.length === 0 ? NOTIFICATION_STATUS.completed : NOTIFICATION_STATUS.dispatched;
  await setNotificationStatus(services.db, notification.id, [NOTIFICATION_STATUS.created], next, now);
  return pending;
}
