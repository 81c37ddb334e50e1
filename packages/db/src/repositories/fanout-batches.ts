// Fan-out: read a batch of notifications with their candidate subscriptions, write their legs.
import { and, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import {
  type DeliveryRow,
  deliveries,
  type FanoutDecisionRow,
  type IntegrationRow,
  integrations,
  NOTIFICATION_STATUS,
  type NotificationRow,
  notifications,
  type SubscriberRow,
  type SubscriptionRow,
  subscribers,
  subscriptions,
  type UserRow,
  users,
} from "../schema";
import { filterEq, inJson, type Statements } from "./batch-sql";

export interface FanoutBatch {
  notifications: NotificationRow[];
  /** Active subscriptions of the notifications' accounts and types, oldest first. */
  subscriptions: SubscriptionRow[];
  /** The inactive ones, oldest first: fan-out records that it passed them over. */
  inactiveSubscriptions: SubscriptionRow[];
  /** Subscribers of the active subscriptions, oldest first. */
  subscribers: SubscriberRow[];
  /** The integrations those subscribers name, as they stand: fan-out records a disabled or paused one. */
  integrations: Pick<IntegrationRow, "id" | "disabledAt" | "disabledReason" | "pausedAt">[];
  /** The users those subscribers name: fan-out records one without an e-mail address. */
  users: Pick<UserRow, "id" | "email">[];
}

/**
 * The notifications among `ids` and every subscription (with the subscribers of the active ones, and the users and
 * integrations they name) that could reach them: one round trip.
 */
export async function loadFanoutBatch(db: Db, ids: readonly string[]): Promise<FanoutBatch> {
  if (ids.length === 0) {
    return {
      notifications: [],
      subscriptions: [],
      inactiveSubscriptions: [],
      subscribers: [],
      integrations: [],
      users: [],
    };
  }
  // Found through subscriptions_account_type_idx from the batch's (account, type) pairs, never by walking them all.
  const ofBatch = sql`(${subscriptions.accountId}, ${subscriptions.notificationType}) IN (
    SELECT n.account_id, n.type FROM notifications AS n
    WHERE n.id IN (SELECT value FROM json_each(${JSON.stringify(ids)})))`;
  const candidates = sql`${ofBatch} AND ${subscriptions.active} = 1`;
  const named = (type: "user" | "connection") =>
    db
      .select({ id: subscribers.subscriber })
      .from(subscribers)
      .where(
        and(
          inArray(
            subscribers.subscriptionId,
            db.select({ id: subscriptions.id }).from(subscriptions).where(candidates),
          ),
          eq(subscribers.subscriberType, type),
        ),
      );
  const [notificationRows, subscriptionRows, subscriberRows, integrationRows, userRows] = await db.batch([
    db.select().from(notifications).where(inJson(notifications.id, ids)),
    db.select().from(subscriptions).where(ofBatch).orderBy(subscriptions.createdAt, subscriptions.id),
    db
      .select()
      .from(subscribers)
      .where(
        inArray(subscribers.subscriptionId, db.select({ id: subscriptions.id }).from(subscriptions).where(candidates)),
      )
      .orderBy(subscribers.createdAt, subscribers.id),
    db
      .select({
        id: integrations.id,
        disabledAt: integrations.disabledAt,
        disabledReason: integrations.disabledReason,
        pausedAt: integrations.pausedAt,
      })
      .from(integrations)
      .where(inArray(integrations.id, named("connection"))),
    db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.id, named("user"))),
  ]);
  return {
    notifications: notificationRows,
    subscriptions: subscriptionRows.filter((row) => row.active),
    inactiveSubscriptions: subscriptionRows.filter((row) => !row.active),
    subscribers: subscriberRows,
    integrations: integrationRows,
    users: userRows,
  };
}

export interface SuppressionWindow {
  subscriptionId: string;
  key: string;
  notificationId: string;
  /** How long a window stays open: the subscription's suppression interval. */
  windowMs: number;
}

/** Who holds a suppression window after fan-out opened what it could: the notification that opened it, and when. */
export interface SuppressionHolder {
  notificationId: string;
  notifiedAt: number;
}

/**
 * Opens each suppression window (subscription, key) unless one is open, in one statement: answers the windows that
 * opened (`opened`, as `subscriptionId/key/notificationId`), whose subscriptions may notify, and who holds each window
 * afterwards (`holders`, by `subscriptionId/key`), so fan-out can say which earlier notification suppressed one: the
 * read rides in the same round trip. A window opened by the same notification does not suppress it, so a replayed
 * fan-out reaches the same legs.
 */
export async function openSuppressionWindows(
  db: Db,
  windows: readonly SuppressionWindow[],
  now: number,
): Promise<{ opened: Set<string>; holders: Map<string, SuppressionHolder> }> {
  if (windows.length === 0) return { opened: new Set(), holders: new Map() };
  const json = JSON.stringify(windows);
  type Held = { subscription_id: string; suppression_key: string; notification_id: string; notified_at: number };
  const [opened, held] = await db.batch([
    db.all<Omit<Held, "notified_at">>(sql`
    INSERT INTO suppressions (subscription_id, suppression_key, notification_id, notified_at)
    SELECT json_extract(j.value, '$.subscriptionId'), json_extract(j.value, '$.key'),
      json_extract(j.value, '$.notificationId'), ${now}
    FROM json_each(${json}) AS j
    WHERE true
    ON CONFLICT (subscription_id, suppression_key) DO UPDATE SET
      notification_id = excluded.notification_id, notified_at = excluded.notified_at
    WHERE suppressions.notification_id = excluded.notification_id
      OR suppressions.notified_at < excluded.notified_at - (
        SELECT json_extract(w.value, '$.windowMs') FROM json_each(${json}) AS w
        WHERE json_extract(w.value, '$.subscriptionId') = excluded.subscription_id
          AND json_extract(w.value, '$.key') = excluded.suppression_key)
    RETURNING subscription_id, suppression_key, notification_id`),
    db.all<Held>(sql`
    SELECT s.subscription_id, s.suppression_key, s.notification_id, s.notified_at FROM suppressions AS s
    WHERE (s.subscription_id, s.suppression_key) IN (
      SELECT json_extract(j.value, '$.subscriptionId'), json_extract(j.value, '$.key') FROM json_each(${json}) AS j)`),
  ]);
  return {
    opened: new Set(opened.map((row) => `${row.subscription_id}/${row.suppression_key}/${row.notification_id}`)),
    holders: new Map(
      held.map((row) => [
        `${row.subscription_id}/${row.suppression_key}`,
        { notificationId: row.notification_id, notifiedAt: Number(row.notified_at) },
      ]),
    ),
  };
}

/** A new leg, waiting for its first attempt from `nextAttemptAt` (its creation time unless said). */
export function newLeg(
  input: Pick<DeliveryRow, "id" | "accountId" | "notificationId" | "subscriptionId" | "channel" | "destination"> & {
    createdAt: number;
    nextAttemptAt?: number | null;
  },
): DeliveryRow {
  const { createdAt, nextAttemptAt = createdAt, ...leg } = input;
  return {
    ...leg,
    address: null,
    status: "PENDING",
    subject: null,
    attempts: 0,
    scheduleStart: 0,
    nextAttemptAt,
    leaseUntil: null,
    pacedAt: null,
    lastError: null,
    skipReason: null,
    trigger: null,
    jobId: null,
    responseCode: null,
    responseBody: null,
    providerMessageId: null,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    createdAt,
    modifiedAt: createdAt,
  };
}

/** A PENDING leg to queue: its id and account. */
export type PendingLeg = Pick<DeliveryRow, "id" | "accountId" | "notificationId">;

// Rows per multi-row INSERT: 24 columns a leg stays well under SQLite's 32,766 bound parameters.
const INSERT_CHUNK = 500;

/** Fan-out's decisions about one notification, to record with its legs. */
export type FanoutDecisions = Pick<FanoutDecisionRow, "notificationId" | "accountId" | "decisions">;

/**
 * Writes the legs a fan-out found (a leg that exists already, from a replayed fan-out, is left untouched) and its
 * decisions (the first fan-out's stay), moves each notification out of `created` (`dispatched`, or `completed` when
 * no leg of it waits), and answers every PENDING leg of those notifications, to be queued: one round trip.
 */
export async function writeFanout(
  db: Db,
  legs: readonly DeliveryRow[],
  notificationIds: readonly string[],
  now: number,
  decisions: readonly FanoutDecisions[] = [],
): Promise<PendingLeg[]> {
  if (notificationIds.length === 0) return [];
  const chunks: DeliveryRow[][] = [];
  for (let i = 0; i < legs.length; i += INSERT_CHUNK) chunks.push(legs.slice(i, i + INSERT_CHUNK));
  const ofNotifications = inJson(notifications.id, notificationIds);
  const inserts: BatchItem<"sqlite">[] = chunks.map((chunk) =>
    db.insert(deliveries).values(chunk).onConflictDoNothing(),
  );
  if (decisions.length > 0) {
    // One JSON parameter for the whole set: the statement's text is the same for any batch.
    inserts.push(
      db.run(sql`
      INSERT INTO fanout_decisions (notification_id, account_id, decided_at, decisions)
      SELECT json_extract(j.value, '$.notificationId'), json_extract(j.value, '$.accountId'), ${now},
        json(json_extract(j.value, '$.decisions'))
      FROM json_each(${JSON.stringify(decisions)}) AS j
      WHERE true
      ON CONFLICT (notification_id) DO NOTHING`),
    );
  }
  const statements: Statements = [
    db
      .update(notifications)
      .set({
        // No leg waiting means complete, also for a replay that finds every leg finished: a fan-out that died before
        // marking the notification dispatched may see its legs delivered (queued by the sweeper) before it runs again.
        status: sql`CASE WHEN EXISTS (SELECT 1 FROM deliveries AS p WHERE p.notification_id = ${notifications.id}
          AND p.status = 'PENDING') THEN ${NOTIFICATION_STATUS.dispatched} ELSE ${NOTIFICATION_STATUS.completed} END`,
        modifiedAt: now,
      })
      .where(and(ofNotifications, filterEq(notifications.status, NOTIFICATION_STATUS.created))),
    db
      .select({ id: deliveries.id, accountId: deliveries.accountId, notificationId: deliveries.notificationId })
      .from(deliveries)
      .where(and(inJson(deliveries.notificationId, notificationIds), eq(deliveries.status, "PENDING")))
      .orderBy(deliveries.notificationId, deliveries.createdAt, deliveries.id),
  ];
  // The legs go in before the statements that read them.
  return (await db.batch([...inserts, ...statements] as Statements)).at(-1) as PendingLeg[];
}
