import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type NotificationTypeRow, notificationTypes } from "../schema";

export async function listNotificationTypes(db: Db): Promise<NotificationTypeRow[]> {
  return db.select().from(notificationTypes).orderBy(asc(notificationTypes.notificationType));
}

export async function findNotificationType(db: Db, key: string): Promise<NotificationTypeRow | undefined> {
  return db.query.notificationTypes.findFirst({ where: eq(notificationTypes.notificationType, key) });
}

/** Inserts the type; answers false when a type with that key exists. */
export async function insertNotificationType(db: Db, row: NotificationTypeRow): Promise<boolean> {
  const result = await db.insert(notificationTypes).values(row).onConflictDoNothing();
  return result.rowsAffected > 0;
}

export type NotificationTypeChanges = Partial<
  Pick<NotificationTypeRow, "name" | "defaultTemplate" | "templates" | "defaultEmailSubject">
> & { modifiedAt: number };

export async function updateNotificationType(
  db: Db,
  key: string,
  changes: NotificationTypeChanges,
): Promise<NotificationTypeRow | undefined> {
  const [row] = await db
    .update(notificationTypes)
    .set(changes)
    .where(eq(notificationTypes.notificationType, key))
    .returning();
  return row;
}

export async function deleteNotificationType(db: Db, key: string): Promise<boolean> {
  const result = await db.delete(notificationTypes).where(eq(notificationTypes.notificationType, key));
  return result.rowsAffected > 0;
}
