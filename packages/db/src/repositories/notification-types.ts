import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditEventRow, type NotificationTypeRow, notificationTypes } from "../schema";
import { auditInserts } from "./audit-events";

export async function listNotificationTypes(db: Db): Promise<NotificationTypeRow[]> {
  return db.select().from(notificationTypes).orderBy(asc(notificationTypes.notificationType));
}

export async function findNotificationType(db: Db, key: string): Promise<NotificationTypeRow | undefined> {
  return db.query.notificationTypes.findFirst({ where: eq(notificationTypes.notificationType, key) });
}

/** Inserts the type (and the audit entries); answers false, recording nothing, when a type with that key exists. */
export async function insertNotificationType(
  db: Db,
  row: NotificationTypeRow,
  audit: readonly AuditEventRow[] = [],
): Promise<boolean> {
  const [result] = await db.batch([
    db.insert(notificationTypes).values(row).onConflictDoNothing(),
    ...auditInserts(db, audit, true),
  ]);
  return result.rowsAffected > 0;
}

export type NotificationTypeChanges = Partial<
  Pick<NotificationTypeRow, "name" | "defaultTemplate" | "templates" | "defaultEmailSubject">
> & { modifiedAt: number };

export async function updateNotificationType(
  db: Db,
  key: string,
  changes: NotificationTypeChanges,
  audit: readonly AuditEventRow[] = [],
): Promise<NotificationTypeRow | undefined> {
  const [[row]] = await db.batch([
    db.update(notificationTypes).set(changes).where(eq(notificationTypes.notificationType, key)).returning(),
    ...auditInserts(db, audit, true),
  ]);
  return row;
}

export async function deleteNotificationType(
  db: Db,
  key: string,
  audit: readonly AuditEventRow[] = [],
): Promise<boolean> {
  const [result] = await db.batch([
    db.delete(notificationTypes).where(eq(notificationTypes.notificationType, key)),
    ...auditInserts(db, audit, true),
  ]);
  return result.rowsAffected > 0;
}
