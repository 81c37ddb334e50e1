import {
  type DeliveryChannel,
  type DeliveryRow,
  loadFanoutBatch,
  NOTIFICATION_STATUS,
  type NotificationRow,
  newLeg,
  openSuppressionWindows,
  type PendingLeg,
  type SubscriptionRow,
  type SuppressionWindow,
  writeFanout,
} from "@herald/db";
import type { Services } from "../env";
import { matchesFilter } from "./filters";

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

/**
 * Fans a batch of notifications out, as a set: one round trip reads them with every active subscription (and its
 * subscribers) of their accounts and types, one statement opens the suppression windows they need, and one round trip
 * writes one PENDING leg per destination, moves the notifications on and answers every leg still pending, to be
 * queued. Idempotent: a replayed fan-out finds its legs already written (the unique leg key) and answers the pending
 * ones again, which the delivery consumer tolerates. A destination reached through several subscriptions gets one
 * leg, from the oldest.
 */
export async function fanOutBatch(services: Services, notificationIds: readonly string[]): Promise<PendingLeg[]> {
  const batch = await loadFanoutBatch(services.db, [...new Set(notificationIds)]);
  const notifications = batch.notifications.filter((n) => n.status !== NOTIFICATION_STATUS.completed);
  if (notifications.length === 0) return [];
  const now = services.now();

  const candidates = new Map<string, SubscriptionRow[]>();
  for (const subscription of batch.subscriptions) {
    const key = `${subscription.accountId}\n${subscription.notificationType}`;
    candidates.set(key, [...(candidates.get(key) ?? []), subscription]);
  }
  const matched = notifications.map((notification) => {
    const context = {
      notificationData: notification.notificationData,
      payload: notification.payload,
      assetData: notification.assetData,
      accountId: notification.accountId,
    };
    const subscriptions = (candidates.get(`${notification.accountId}\n${notification.type}`) ?? []).filter(
      (subscription) => matchesFilter(subscription.filters, context),
    );
    return { notification, subscriptions };
  });

  const windows: SuppressionWindow[] = matched.flatMap(({ notification, subscriptions }) =>
    subscriptions
      .filter((subscription) => (subscription.suppressionInterval ?? 0) > 0)
      .map((subscription) => ({
        subscriptionId: subscription.id,
        key: suppressionKey(notification),
        notificationId: notification.id,
        windowMs: (subscription.suppressionInterval ?? 0) * 60_000,
      })),
  );
  const opened = await openSuppressionWindows(services.db, windows, now);

  const subscribersOf = new Map<string, typeof batch.subscribers>();
  for (const subscriber of batch.subscribers) {
    subscribersOf.set(subscriber.subscriptionId, [...(subscribersOf.get(subscriber.subscriptionId) ?? []), subscriber]);
  }
  const legs: DeliveryRow[] = [];
  for (const { notification, subscriptions } of matched) {
    const destinations = new Set<string>();
    for (const subscription of subscriptions) {
      const interval = subscription.suppressionInterval ?? 0;
      const window = `${subscription.id}/${suppressionKey(notification)}/${notification.id}`;
      if (interval > 0 && !opened.has(window)) continue;
      for (const subscriber of subscribersOf.get(subscription.id) ?? []) {
        const channel = CHANNEL_OF[subscriber.subscriberType];
        const destination = `${channel}:${subscriber.subscriber}`;
        if (destinations.has(destination)) continue;
        destinations.add(destination);
        legs.push(
          newLeg({
            id: services.newId(),
            accountId: notification.accountId,
            notificationId: notification.id,
            subscriptionId: subscription.id,
            channel,
            destination: subscriber.subscriber,
            createdAt: now,
          }),
        );
      }
    }
  }
  return writeFanout(
    services.db,
    legs,
    notifications.map((n) => n.id),
    now,
  );
}
