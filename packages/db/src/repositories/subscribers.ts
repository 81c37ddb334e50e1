import { and, asc, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import { type AuditEventRow, type SubscriberRow, subscribers } from "../schema";
import { auditInserts } from "./audit-events";

export type SubscriberType = SubscriberRow["subscriberType"];
export interface SubscriberKey {
  subscriber: string;
  subscriberType: SubscriberType;
}

export async function listSubscribers(db: Db, accountId: string, subscriptionIds: string[]): Promise<SubscriberRow[]> {
  if (subscriptionIds.length === 0) return [];
  return db
    .select()
    .from(subscribers)
    .where(and(eq(subscribers.accountId, accountId), inArray(subscribers.subscriptionId, subscriptionIds)))
    .orderBy(asc(subscribers.createdAt), asc(subscribers.id));
}

/** Inserts the subscriber (and the audit entries); answers false, recording nothing, when it is already there. */
export async function insertSubscriber(
  db: Db,
  row: SubscriberRow,
  audit: readonly AuditEventRow[] = [],
): Promise<boolean> {
  const [result] = await db.batch([
    db.insert(subscribers).values(row).onConflictDoNothing(),
    ...auditInserts(db, audit, true),
  ]);
  return result.rowsAffected > 0;
}

function deleteOne(db: Db, accountId: string, subscriptionId: string, key: SubscriberKey) {
  return db
    .delete(subscribers)
    .where(
      and(
        eq(subscribers.accountId, accountId),
        eq(subscribers.subscriptionId, subscriptionId),
        eq(subscribers.subscriberType, key.subscriberType),
        eq(subscribers.subscriber, key.subscriber),
      ),
    );
}

export async function deleteSubscriber(
  db: Db,
  accountId: string,
  subscriptionId: string,
  key: SubscriberKey,
  audit: readonly AuditEventRow[] = [],
): Promise<boolean> {
  const [result] = await db.batch([deleteOne(db, accountId, subscriptionId, key), ...auditInserts(db, audit, true)]);
  return result.rowsAffected > 0;
}

/**
 * Adds and removes subscribers of one subscription, with the audit entries, in a single atomic batch; adding one
 * already there is a no-op.
 */
export async function applySubscriberChanges(
  db: Db,
  accountId: string,
  subscriptionId: string,
  changes: { add: SubscriberRow[]; remove: SubscriberKey[] },
  audit: readonly AuditEventRow[] = [],
): Promise<void> {
  const statements: BatchItem<"sqlite">[] = [
    ...changes.remove.map((key) => deleteOne(db, accountId, subscriptionId, key)),
    ...changes.add.map((row) => db.insert(subscribers).values(row).onConflictDoNothing()),
    ...auditInserts(db, audit),
  ];
  const [first, ...rest] = statements;
  if (!first) return;
  await db.batch([first, ...rest]);
}

/** Removes a connection from every subscription of the account, e.g. when its integration is deleted. */
export function deleteConnectionSubscribers(db: Db, accountId: string, integrationId: string) {
  return db
    .delete(subscribers)
    .where(
      and(
        eq(subscribers.accountId, accountId),
        eq(subscribers.subscriberType, "connection"),
        eq(subscribers.subscriber, integrationId),
      ),
    );
}
