import { and, asc, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { type Db, errorChain } from "../client";
import {
  type DeliveryAttemptRow,
  type DeliveryRow,
  type DeliveryStatus,
  deliveries,
  deliveryAttempts,
  notifications,
  suppressions,
} from "../schema";
import { preparedPerDb } from "./prepared";

/** Terminal legs are never attempted again; `SENT` e-mail legs only await provider events. */
export const TERMINAL_STATUSES: DeliveryStatus[] = ["SENT", "DELIVRD", "READ", "FAILED"];

// Destination statuses only move forward: a late or duplicated event never turns DELIVRD back into SENT.
const FORWARD_FROM: Record<DeliveryStatus, DeliveryStatus[]> = {
  PENDING: [],
  SENT: ["PENDING"],
  DELIVRD: ["PENDING", "SENT"],
  READ: ["PENDING", "SENT", "DELIVRD"],
  FAILED: ["PENDING", "SENT"],
};

/** Inserts the legs a fan-out found; a leg that exists already (a replayed fan-out) is left untouched. */
export async function insertDeliveries(db: Db, rows: DeliveryRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    await db
      .insert(deliveries)
      .values(rows.slice(i, i + 100))
      .onConflictDoNothing();
  }
}

export async function pendingDeliveryIds(db: Db, notificationId: string): Promise<string[]> {
  const rows = await db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(eq(deliveries.notificationId, notificationId), eq(deliveries.status, "PENDING")));
  return rows.map((row) => row.id);
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db.query.deliveries.findFirst({ where: eq(deliveries.id, id) });
}

export async function findAccountDelivery(db: Db, accountId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.query.deliveries.findFirst({ where: and(eq(deliveries.accountId, accountId), eq(deliveries.id, id)) });
}

/**
 * Claims a pending leg for one attempt. Queues deliver at least once, so two consumers can hold the same message;
 * only the one whose update matched sends, and the lease expires if that consumer dies mid-attempt.
 */
export async function claimDelivery(
  db: Db,
  id: string,
  now: number,
  leaseMs: number,
): Promise<DeliveryRow | undefined> {
  return claimStatement(db).get({ id, now, leaseUntil: now + leaseMs });
}

const claimStatement = preparedPerDb((db) =>
  db
    .update(deliveries)
    .set({ leaseUntil: sql`${sql.placeholder("leaseUntil")}` })
    .where(
      and(
        eq(deliveries.id, sql.placeholder("id")),
        eq(deliveries.status, "PENDING"),
        or(isNull(deliveries.leaseUntil), lt(deliveries.leaseUntil, sql.placeholder("now"))),
        // A copy of a message that arrives before the leg's backoff has run out does not jump the schedule.
        or(isNull(deliveries.nextAttemptAt), lte(deliveries.nextAttemptAt, sql.placeholder("now"))),
      ),
    )
    .returning()
    .prepare(),
);

export interface AttemptResult {
  deliveryId: string;
  /** The leg's status after the attempt: PENDING (will retry), SENT, DELIVRD or FAILED. */
  status: DeliveryStatus;
  attempt: Omit<DeliveryAttemptRow, "deliveryId" | "accountId">;
  address?: string | null;
  subject?: string | null;
  providerMessageId?: string | null;
  now: number;
}

/**
 * Records one attempt and its effect on the leg, atomically; the lease is released either way. Answers false, and
 * records nothing, when attempt number `attempt.attempt` of the leg is already recorded: a consumer that outlived its
 * lease raced the one that claimed the leg after it, and the first to record wins (delivery_attempts' unique
 * (delivery_id, attempt) decides). Recording both would leave the leg saying one thing and its attempts another.
 */
export async function recordAttempt(db: Db, accountId: string, result: AttemptResult): Promise<boolean> {
  const { attempt, status, now } = result;
  const leg = {
    status,
    attempts: attempt.attempt,
    leaseUntil: null,
    nextAttemptAt: attempt.nextAttemptAt,
    lastError: attempt.error,
    responseCode: attempt.responseCode,
    responseBody: attempt.responseBody,
    modifiedAt: now,
    ...(result.address !== undefined ? { address: result.address } : {}),
    ...(result.subject !== undefined ? { subject: result.subject } : {}),
    ...(result.providerMessageId !== undefined ? { providerMessageId: result.providerMessageId } : {}),
    ...(status === "SENT" || status === "DELIVRD" ? { sentAt: attempt.startedAt } : {}),
    ...(status === "DELIVRD" ? { deliveredAt: now } : {}),
  };
  try {
    await db.batch([
      db.insert(deliveryAttempts).values({ ...attempt, deliveryId: result.deliveryId, accountId }),
      db
        .update(deliveries)
        .set(leg)
        .where(and(eq(deliveries.id, result.deliveryId), eq(deliveries.status, "PENDING"))),
    ]);
    return true;
  } catch (error) {
    if (isConstraintViolation(error)) return false;
    throw error;
  }
}

/** SQLite refused a write for a constraint (here: an attempt number already taken). Drizzle wraps the driver's error. */
function isConstraintViolation(error: unknown): boolean {
  return errorChain(error).some((cause) => String((cause as { code?: unknown }).code).startsWith("SQLITE_CONSTRAINT"));
}

/** Moves a leg forward (provider events, acknowledgements, the dead-letter consumer); answers whether it moved. */
export async function advanceDelivery(
  db: Db,
  id: string,
  to: DeliveryStatus,
  now: number,
  detail: { error?: string } = {},
): Promise<boolean> {
  const result = await db
    .update(deliveries)
    .set({
      status: to,
      modifiedAt: now,
      leaseUntil: null,
      ...(to === "DELIVRD" ? { deliveredAt: now } : {}),
      ...(to === "READ" ? { readAt: now } : {}),
      ...(detail.error !== undefined ? { lastError: detail.error } : {}),
    })
    .where(and(eq(deliveries.id, id), inArray(deliveries.status, FORWARD_FROM[to])));
  return result.rowsAffected > 0;
}

export async function findDeliveryByProviderMessageId(
  db: Db,
  providerMessageId: string,
): Promise<DeliveryRow | undefined> {
  return db.query.deliveries.findFirst({ where: eq(deliveries.providerMessageId, providerMessageId) });
}

/** Puts a FAILED leg back to PENDING for a manual retry, with a fresh retry schedule. */
export async function resetFailedDelivery(db: Db, accountId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .update(deliveries)
    .set({
      status: "PENDING",
      scheduleStart: sql`${deliveries.attempts}`,
      nextAttemptAt: now,
      leaseUntil: null,
      lastError: null,
      modifiedAt: now,
    })
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

const unfinishedOfNotification = preparedPerDb((db) =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(deliveries)
    .where(and(eq(deliveries.notificationId, sql.placeholder("notificationId")), eq(deliveries.status, "PENDING")))
    .prepare(),
);

/** Legs of a notification that are not finished yet. */
export async function countUnfinishedDeliveries(db: Db, notificationId: string): Promise<number> {
  const row = await unfinishedOfNotification(db).get({ notificationId });
  return Number(row?.n ?? 0);
}

/**
 * Opens a suppression window for (subscription, key) unless one is open: answers true when the subscription may
 * notify. A window opened by the same notification does not suppress it, so a replayed fan-out reaches the same legs.
 */
export async function openSuppressionWindow(
  db: Db,
  input: { subscriptionId: string; key: string; notificationId: string; now: number; windowMs: number },
): Promise<boolean> {
  const rows = await db
    .insert(suppressions)
    .values({
      subscriptionId: input.subscriptionId,
      suppressionKey: input.key,
      notificationId: input.notificationId,
      notifiedAt: input.now,
    })
    .onConflictDoUpdate({
      target: [suppressions.subscriptionId, suppressions.suppressionKey],
      set: { notificationId: input.notificationId, notifiedAt: input.now },
      setWhere: or(
        eq(suppressions.notificationId, input.notificationId),
        lt(suppressions.notifiedAt, input.now - input.windowMs),
      ),
    })
    .returning({ notificationId: suppressions.notificationId });
  return rows.length > 0;
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
