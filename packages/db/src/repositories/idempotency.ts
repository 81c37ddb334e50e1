import { and, eq, gte, lt } from "drizzle-orm";
import type { Db } from "../client";
import { type IdempotencyKeyRow, idempotencyKeys, type NotificationRow, notifications } from "../schema";

/** The key's record if it was used within the window (`since`, epoch ms). */
export async function findIdempotencyKey(
  db: Db,
  accountId: string,
  key: string,
  since: number,
): Promise<IdempotencyKeyRow | undefined> {
  return db.query.idempotencyKeys.findFirst({
    where: and(
      eq(idempotencyKeys.accountId, accountId),
      eq(idempotencyKeys.key, key),
      gte(idempotencyKeys.createdAt, since),
    ),
  });
}

/**
 * Stores the notification and, when the request carried one, its idempotency key, atomically: a notification is
 * never stored without its key, so a concurrent request with the same key fails on the key's uniqueness instead of
 * creating a second notification. An expired record of the key is replaced.
 */
export async function insertNotificationWithKey(
  db: Db,
  row: NotificationRow,
  key: { key: string; requestHash: string; expiredBefore: number } | undefined,
): Promise<void> {
  if (!key) {
    await db.insert(notifications).values(row);
    return;
  }
  await db.batch([
    db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.accountId, row.accountId),
          eq(idempotencyKeys.key, key.key),
          lt(idempotencyKeys.createdAt, key.expiredBefore),
        ),
      ),
    db.insert(notifications).values(row),
    db.insert(idempotencyKeys).values({
      accountId: row.accountId,
      key: key.key,
      requestHash: key.requestHash,
      notificationId: row.id,
      createdAt: row.createdAt,
    }),
  ]);
}

export async function purgeIdempotencyKeys(db: Db, expiredBefore: number): Promise<number> {
  const result = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, expiredBefore));
  return result.rowsAffected;
}
