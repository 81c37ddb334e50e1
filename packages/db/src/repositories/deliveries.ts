import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type DeliveryAttemptRow,
  type DeliveryRow,
  type DeliveryStatus,
  deliveries,
  deliveryAttempts,
  notifications,
} from "../schema";
import { completeNotificationsOfLegs } from "./delivery-batches";
import { requeueColumns } from "./jobs";

// Attempts are claimed, recorded and completed a queue batch at a time: see delivery-batches.ts.

// Destination statuses only move forward: a late or duplicated event never turns DELIVRD back into SENT.
const FORWARD_FROM: Record<DeliveryStatus, DeliveryStatus[]> = {
  PENDING: [],
  SENT: ["PENDING"],
  DELIVRD: ["PENDING", "SENT"],
  READ: ["PENDING", "SENT", "DELIVRD"],
  FAILED: ["PENDING", "SENT"],
};

/**
 * A leg by its id alone, for the receivers (`/hooks/*`): a receipt names a leg, not an account, and the caller proves
 * it may act on it (the integration's signature, the provider's) before it does.
 */
export async function findDeliveryForReceipt(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
}

/** A leg by the provider's id for its message (e-mail events); like findDeliveryForReceipt, for the receivers. */
export async function findDeliveryByProviderMessageId(
  db: Db,
  providerMessageId: string,
): Promise<DeliveryRow | undefined> {
  return db.query.deliveries.findFirst({ where: eq(deliveries.providerMessageId, providerMessageId) });
}

export async function findAccountDelivery(db: Db, accountId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.query.deliveries.findFirst({ where: and(eq(deliveries.accountId, accountId), eq(deliveries.id, id)) });
}

/**
 * Moves a leg forward (provider events, acknowledgements); answers whether it moved. A leg that finishes this way
 * completes its notification when it was the last one waiting, in the same round trip.
 */
export async function advanceDelivery(
  db: Db,
  leg: Pick<DeliveryRow, "id" | "accountId">,
  to: DeliveryStatus,
  now: number,
  detail: { error?: string } = {},
): Promise<boolean> {
  const [moved] = await db.batch([
    db
      .update(deliveries)
      .set({
        status: to,
        modifiedAt: now,
        leaseUntil: null,
        ...(to === "DELIVRD" ? { deliveredAt: now } : {}),
        ...(to === "READ" ? { readAt: now } : {}),
        ...(detail.error !== undefined ? { lastError: detail.error } : {}),
      })
      .where(
        and(
          eq(deliveries.accountId, leg.accountId),
          eq(deliveries.id, leg.id),
          inArray(deliveries.status, FORWARD_FROM[to]),
        ),
      )
      .returning({ id: deliveries.id }),
    completeNotificationsOfLegs(db, [leg.id], now),
  ]);
  return moved.length > 0;
}

/** Puts a FAILED leg back to PENDING for a manual retry, with a fresh retry schedule. */
export async function resetFailedDelivery(db: Db, accountId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .update(deliveries)
    .set(requeueColumns(now, "retry", null))
    .where(and(eq(deliveries.accountId, accountId), eq(deliveries.id, id), eq(deliveries.status, "FAILED")));
  return result.rowsAffected > 0;
}

export async function listNotificationDeliveries(db: Db, accountId: string, notificationId: string) {
  const legs = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.accountId, accountId), eq(deliveries.notificationId, notificationId)))
    .orderBy(asc(deliveries.createdAt), asc(deliveries.id));
  const attempts = await listAttempts(
    db,
    accountId,
    legs.map((leg) => leg.id),
  );
  return legs.map((leg) => ({ ...leg, attemptList: attempts.filter((attempt) => attempt.deliveryId === leg.id) }));
}

export async function listAttempts(db: Db, accountId: string, deliveryIds: string[]): Promise<DeliveryAttemptRow[]> {
  if (deliveryIds.length === 0) return [];
  return db
    .select()
    .from(deliveryAttempts)
    .where(and(eq(deliveryAttempts.accountId, accountId), inArray(deliveryAttempts.deliveryId, deliveryIds)))
    .orderBy(asc(deliveryAttempts.deliveryId), asc(deliveryAttempts.attempt));
}

/** Every leg of the account's notifications about one incident, with its notification. */
export async function listIncidentDeliveries(db: Db, accountId: string, longIncidentId: string) {
  return db
    .select({ notification: notifications, delivery: deliveries })
    .from(notifications)
    .leftJoin(deliveries, eq(deliveries.notificationId, notifications.id))
    .where(and(eq(notifications.accountId, accountId), eq(notifications.longIncidentId, longIncidentId)))
    .orderBy(asc(notifications.createdAt), asc(notifications.id), asc(deliveries.createdAt));
}

/**
 * Work whose queue message may have been lost: notifications never fanned out, legs overdue for an attempt by more
 * than `graceMs`. What is taken is marked (legs made due at `now`, notifications `requeued_at = now`), so it is taken
 * again only after another grace period, not on every run while its message still waits in a backlog: each copy
 * queued lives until the work is done, and copies queued every minute would feed an overload.
 */
export async function takeStalledWork(db: Db, now: number, graceMs: number, limit: number) {
  const cutoff = now - graceMs;
  const overdue = db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(
      and(
        eq(deliveries.status, "PENDING"),
        lt(deliveries.nextAttemptAt, cutoff),
        or(isNull(deliveries.leaseUntil), lt(deliveries.leaseUntil, now)),
      ),
    )
    .limit(limit);
  const neverFannedOut = db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.status, "created"),
        lt(notifications.createdAt, cutoff),
        or(isNull(notifications.requeuedAt), lt(notifications.requeuedAt, cutoff)),
      ),
    )
    .limit(limit);
  const [stalledNotifications, stalledDeliveries] = await db.batch([
    db
      .update(notifications)
      .set({ requeuedAt: now })
      .where(inArray(notifications.id, neverFannedOut))
      .returning({ id: notifications.id, accountId: notifications.accountId }),
    db
      .update(deliveries)
      .set({ nextAttemptAt: now })
      .where(inArray(deliveries.id, overdue))
      .returning({ id: deliveries.id, accountId: deliveries.accountId }),
  ]);
  return { notifications: stalledNotifications, deliveries: stalledDeliveries };
}

// What a restarted single-machine runtime queues again, since its queues lived in memory: a page at a time, ids
// ascending after `afterId`.

export async function listUnfanned(db: Db, afterId: string, limit: number) {
  return db
    .select({ id: notifications.id, accountId: notifications.accountId })
    .from(notifications)
    .where(and(eq(notifications.status, "created"), gt(notifications.id, afterId)))
    .orderBy(asc(notifications.id))
    .limit(limit);
}

export async function listPendingDeliveries(db: Db, afterId: string, limit: number) {
  return db
    .select({ id: deliveries.id, accountId: deliveries.accountId, nextAttemptAt: deliveries.nextAttemptAt })
    .from(deliveries)
    .where(and(eq(deliveries.status, "PENDING"), gt(deliveries.id, afterId)))
    .orderBy(asc(deliveries.id))
    .limit(limit);
}

/** Where a backlog count stops: readiness probes and metric scrapes run it often, and past this the size is moot. */
export const BACKLOG_COUNT_CAP = 10_000;

export interface Backlog {
  /** Legs due for an attempt now and not being attempted (PENDING, due, no live lease), up to BACKLOG_COUNT_CAP. */
  dueDeliveries: number;
  /** Notifications stored and not yet fanned out, up to BACKLOG_COUNT_CAP. */
  unfannedNotifications: number;
}

/** How much work waits, across accounts: two bounded index scans in one round trip. */
export async function countBacklog(db: Db, now: number): Promise<Backlog> {
  const [due, unfanned] = await db.batch([
    db.all<{ n: number }>(sql`
      SELECT count(*) AS n FROM (
        SELECT 1 FROM ${deliveries}
        WHERE ${deliveries.status} = 'PENDING' AND ${deliveries.nextAttemptAt} <= ${now}
          AND (${deliveries.leaseUntil} IS NULL OR ${deliveries.leaseUntil} < ${now})
        LIMIT ${BACKLOG_COUNT_CAP})`),
    db.all<{ n: number }>(sql`
      SELECT count(*) AS n FROM (
        SELECT 1 FROM ${notifications} WHERE ${notifications.status} = 'created' LIMIT ${BACKLOG_COUNT_CAP})`),
  ]);
  return { dueDeliveries: Number(due[0]?.n ?? 0), unfannedNotifications: Number(unfanned[0]?.n ?? 0) };
}
