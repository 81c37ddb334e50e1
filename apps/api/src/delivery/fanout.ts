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
import { FanoutDecisionLog } from "./fanout-decisions";
import { explainFilter } from "./filters";

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
 * Fans a batch of notifications out, as a set: one round trip reads them with every subscription (and the subscribers
 * of the active ones) of their accounts and types, one opens the suppression windows they need (and reads who holds
 * them), and one writes one PENDING leg per destination and what fan-out decided for each subscription
 * (FanoutDecisionLog), moves the notifications on and answers every leg still pending, to be queued. Idempotent: a
 * replayed fan-out finds its legs already written (the unique leg key) and answers the pending ones again, which the
 * delivery consumer tolerates; the first fan-out's decisions stay. A destination reached through several
 * subscriptions gets one leg, from the oldest.
 */
export async function fanOutBatch(services: Services, notificationIds: readonly string[]): Promise<PendingLeg[]> {
  const batch = await loadFanoutBatch(services.db, [...new Set(notificationIds)]);
  const notifications = batch.notifications.filter((n) => n.status !== NOTIFICATION_STATUS.completed);
  if (notifications.length === 0) return [];
  const now = services.now();
  const log = new FanoutDecisionLog(batch);

  const byType = (rows: SubscriptionRow[]) => {
    const grouped = new Map<string, SubscriptionRow[]>();
    for (const row of rows) {
      const key = `${row.accountId}\n${row.notificationType}`;
      grouped.set(key, [...(grouped.get(key) ?? []), row]);
    }
    return (notification: NotificationRow) => grouped.get(`${notification.accountId}\n${notification.type}`) ?? [];
  };
  const candidatesOf = byType(batch.subscriptions);
  const inactiveOf = byType(batch.inactiveSubscriptions);
  const matched = notifications.map((notification) => {
    const context = {
      notificationData: notification.notificationData,
      payload: notification.payload,
      assetData: notification.assetData,
      accountId: notification.accountId,
    };
    const subscriptions = candidatesOf(notification).filter((subscription) => {
      const misses = explainFilter(subscription.filters, context);
      if (misses !== undefined) log.filtered(notification.id, subscription, misses);
      return misses === undefined;
    });
    for (const subscription of inactiveOf(notification)) log.inactive(notification.id, subscription);
    return { notification, subscriptions };
  });

  const windowMs = (subscription: SubscriptionRow) => (subscription.suppressionInterval ?? 0) * 60_000;
  const windows: SuppressionWindow[] = matched.flatMap(({ notification, subscriptions }) =>
    subscriptions
      .filter((subscription) => windowMs(subscription) > 0)
      .map((subscription) => ({
        subscriptionId: subscription.id,
        key: suppressionKey(notification),
        notificationId: notification.id,
        windowMs: windowMs(subscription),
      })),
  );
  const { opened, holders } = await openSuppressionWindows(services.db, windows, now);

  const subscribersOf = new Map<string, typeof batch.subscribers>();
  for (const subscriber of batch.subscribers) {
    subscribersOf.set(subscriber.subscriptionId, [...(subscribersOf.get(subscriber.subscriptionId) ?? []), subscriber]);
  }
  const legs: DeliveryRow[] = [];
  for (const { notification, subscriptions } of matched) {
    // Each destination with the subscription whose leg reaches it.
    const destinations = new Map<string, string>();
    for (const subscription of subscriptions) {
      const key = suppressionKey(notification);
      if (windowMs(subscription) > 0 && !opened.has(`${subscription.id}/${key}/${notification.id}`)) {
        const holder = holders.get(`${subscription.id}/${key}`);
        if (holder) log.suppressed(notification.id, subscription, holder, windowMs(subscription));
        continue;
      }
      const reached: Parameters<typeof log.matched>[2] = [];
      for (const subscriber of subscribersOf.get(subscription.id) ?? []) {
        const channel = CHANNEL_OF[subscriber.subscriberType];
        const destination = `${channel}:${subscriber.subscriber}`;
        const reachedBy = destinations.get(destination);
        reached.push({ channel, id: subscriber.subscriber, ...(reachedBy ? { dupOf: reachedBy } : {}) });
        if (reachedBy !== undefined) continue;
        destinations.set(destination, subscription.id);
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
      log.matched(notification.id, subscription, reached);
    }
  }
  return writeFanout(
    services.db,
    legs,
    notifications.map((n) => n.id),
    now,
    log.records(notifications),
  );
}
