import { and, asc, eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import { type SubscriberRow, subscribers } from "../schema";

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

/** Inserts the subscriber; answers false when it is already on the subscription. */
export async function insertSubscriber(db: Db, row: SubscriberRow): Promise<boolean> {
  const result = await db.insert(subscribers).values(row).onConflictDoNothing();
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
): Promise<boolean> {
  const result = await deleteOne(db, accountId, subscriptionId, key);
  return result.rowsAffected > 0;
}

/** Adds and removes subscribers of one subscription in a single atomic batch; adding one already there is a no-op. */
export async function applySubscriberChanges(
  db: Db,
  accountId: string,
  subscriptionId: string,
  changes: { add: SubscriberRow[]; remove: SubscriberKey[] },
): Promise<void> {
  const statements: BatchItem<"sqlite">[] = [
    ...changes.remove.map((key) => deleteOne(db, accountId, subscriptionId, key)),
    ...changes.add.map((row) => db.insert(subscribers).values(row).onConflictDoNothing()),
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
