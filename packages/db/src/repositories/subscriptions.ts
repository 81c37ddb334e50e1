import { and, asc, count, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditEventRow, type SubscriberRow, type SubscriptionRow, subscribers, subscriptions } from "../schema";
import { auditInserts } from "./audit-events";

export interface SubscriptionFilter {
  class?: string | undefined;
  externalId?: string | undefined;
  notificationType?: string | undefined;
}

export async function listSubscriptions(
  db: Db,
  accountId: string,
  filter: SubscriptionFilter,
): Promise<SubscriptionRow[]> {
  const conditions: SQL[] = [eq(subscriptions.accountId, accountId)];
  if (filter.class !== undefined) conditions.push(eq(subscriptions.class, filter.class));
  if (filter.externalId !== undefined) conditions.push(eq(subscriptions.externalId, filter.externalId));
  if (filter.notificationType !== undefined)
    conditions.push(eq(subscriptions.notificationType, filter.notificationType));
  return db
    .select()
    .from(subscriptions)
    .where(and(...conditions))
    .orderBy(asc(subscriptions.createdAt), asc(subscriptions.id));
}

export async function findSubscription(db: Db, accountId: string, id: string): Promise<SubscriptionRow | undefined> {
  return db.query.subscriptions.findFirst({
    where: and(eq(subscriptions.accountId, accountId), eq(subscriptions.id, id)),
  });
}

/** Inserts the subscription, its initial subscribers and the audit entries in one atomic batch. */
export async function insertSubscription(
  db: Db,
  subscription: SubscriptionRow,
  initialSubscribers: SubscriberRow[],
  audit: readonly AuditEventRow[] = [],
): Promise<void> {
  await db.batch([
    db.insert(subscriptions).values(subscription),
    ...(initialSubscribers.length > 0 ? [db.insert(subscribers).values(initialSubscribers).onConflictDoNothing()] : []),
    ...auditInserts(db, audit),
  ]);
}

/** The account's subscriptions among `ids`. */
export async function findSubscriptions(db: Db, accountId: string, ids: string[]): Promise<SubscriptionRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.accountId, accountId), inArray(subscriptions.id, ids)))
    .orderBy(asc(subscriptions.id));
}

export type SubscriptionChanges = Partial<
  Pick<
    SubscriptionRow,
    "name" | "notificationType" | "externalId" | "active" | "options" | "filters" | "template" | "suppressionInterval"
  >
> &
  Pick<SubscriptionRow, "modifiedAt" | "modifiedBy">;

export async function updateSubscription(
  db: Db,
  accountId: string,
  id: string,
  changes: SubscriptionChanges,
  audit: readonly AuditEventRow[] = [],
): Promise<SubscriptionRow | undefined> {
  const [[row]] = await db.batch([
    db
      .update(subscriptions)
      .set(changes)
      .where(and(eq(subscriptions.accountId, accountId), eq(subscriptions.id, id)))
      .returning(),
    ...auditInserts(db, audit, true),
  ]);
  return row;
}

/**
 * Deletes the subscriptions (and their subscribers) of the account among `ids`, with the audit entries when any was
 * there; answers the ids it deleted.
 */
export async function deleteSubscriptions(
  db: Db,
  accountId: string,
  ids: string[],
  audit: readonly AuditEventRow[] = [],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const [, deleted] = await db.batch([
    db.delete(subscribers).where(and(eq(subscribers.accountId, accountId), inArray(subscribers.subscriptionId, ids))),
    db
      .delete(subscriptions)
      .where(and(eq(subscriptions.accountId, accountId), inArray(subscriptions.id, ids)))
      .returning({ id: subscriptions.id }),
    ...auditInserts(db, audit, true),
  ]);
  return deleted.map((row) => row.id);
}

export async function countSubscriptionsOfType(db: Db, notificationType: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(subscriptions)
    .where(eq(subscriptions.notificationType, notificationType));
  return row?.n ?? 0;
}

/** The account's active subscriptions to a notification type, oldest first: the candidates of a fan-out. */
export async function listActiveSubscriptionsOfType(
  db: Db,
  accountId: string,
  notificationType: string,
): Promise<SubscriptionRow[]> {
  return db
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.accountId, accountId),
        eq(subscriptions.notificationType, notificationType),
        eq(subscriptions.active, true),
      ),
    )
    .orderBy(asc(subscriptions.createdAt), asc(subscriptions.id));
}
