import { and, asc, eq, exists, not } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditEventRow, accessKeys, type UserRow, users } from "../schema";
import { auditInserts } from "./audit-events";

// `findUser` and `listUsersByIds` live in accounts.ts, next to the access keys that also read users.

export async function listUsers(db: Db, accountId: string): Promise<UserRow[]> {
  return db.select().from(users).where(eq(users.accountId, accountId)).orderBy(asc(users.createdAt), asc(users.id));
}

export interface PutUserInput {
  accountId: string;
  id: string;
  name: string;
  email: string;
  now: number;
}

export type PutUserResult = { kind: "created" | "replaced"; row: UserRow } | { kind: "other_account" };

/**
 * Creates the user or replaces its name and e-mail, in one statement. User ids are global (AIMS issues them), so an
 * id held by another account is left untouched: the conditional upsert then changes nothing and returns nothing.
 */
export async function putUser(
  db: Db,
  input: PutUserInput,
  audit: readonly AuditEventRow[] = [],
): Promise<PutUserResult> {
  const { accountId, id, name, email, now } = input;
  const [[row]] = await db.batch([
    db
      .insert(users)
      .values({ id, accountId, name, email, createdAt: now, modifiedAt: now })
      .onConflictDoUpdate({
        target: users.id,
        set: { name, email, modifiedAt: now },
        setWhere: eq(users.accountId, accountId),
      })
      .returning(),
    ...auditInserts(db, audit, true),
  ]);
  if (!row) return { kind: "other_account" };
  // An upsert does not say which way it went; a replaced row keeps its original creation time.
  return { kind: row.createdAt === now ? "created" : "replaced", row };
}

export type DeleteUserResult = "deleted" | "not_found" | "has_access_keys";

/**
 * Deletes the user unless access keys still act as it (they reference it); one statement, so no key slips in. The
 * audit entries go in only when it was deleted.
 */
export async function deleteUser(
  db: Db,
  accountId: string,
  id: string,
  audit: readonly AuditEventRow[] = [],
): Promise<DeleteUserResult> {
  const keyOfUser = db.select({ id: accessKeys.id }).from(accessKeys).where(eq(accessKeys.userId, users.id));
  const [deleted] = await db.batch([
    db
      .delete(users)
      .where(and(eq(users.accountId, accountId), eq(users.id, id), not(exists(keyOfUser))))
      .returning({ id: users.id }),
    ...auditInserts(db, audit, true),
  ]);
  if (deleted.length > 0) return "deleted";
  const [still] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.accountId, accountId), eq(users.id, id)));
  return still ? "has_access_keys" : "not_found";
}
