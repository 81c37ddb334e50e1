import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type AccessKeyRow,
  type AccountRow,
  type AuditEventRow,
  accessKeys,
  accounts,
  type UserRow,
  users,
} from "../schema";
import { auditInserts } from "./audit-events";

/** One round trip to the database that reads nothing of anyone's: throws when it cannot be reached. */
export async function pingDatabase(db: Db): Promise<void> {
  await db.run(sql`SELECT 1`);
}

/** Whether any account exists (a fresh self-host has none until one is provisioned). */
export async function hasAccounts(db: Db): Promise<boolean> {
  const [row] = await db.select({ id: accounts.id }).from(accounts).limit(1);
  return row !== undefined;
}

export async function findAccount(db: Db, accountId: string): Promise<AccountRow | undefined> {
  return db.query.accounts.findFirst({ where: eq(accounts.id, accountId) });
}

export interface AccessKeyWithOwner {
  key: AccessKeyRow;
  account: AccountRow;
  user: UserRow;
}

/** The key with the account and user it acts for; the caller verifies the secret. */
export async function findAccessKey(db: Db, accessKeyId: string): Promise<AccessKeyWithOwner | undefined> {
  const [row] = await db
    .select({ key: accessKeys, account: accounts, user: users })
    .from(accessKeys)
    .innerJoin(accounts, eq(accounts.id, accessKeys.accountId))
    .innerJoin(users, eq(users.id, accessKeys.userId))
    .where(eq(accessKeys.id, accessKeyId))
    .limit(1);
  return row;
}

/** Which of the access keys `ids` exist (operators look for the public development keys this way). */
export async function existingAccessKeyIds(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: accessKeys.id })
    .from(accessKeys)
    .where(inArray(accessKeys.id, [...ids]));
  return rows.map((row) => row.id);
}

/** Deletes the access keys `ids` (their accounts and users stay); answers the ids deleted. */
export async function deleteAccessKeys(db: Db, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .delete(accessKeys)
    .where(inArray(accessKeys.id, [...ids]))
    .returning({ id: accessKeys.id });
  return rows.map((row) => row.id);
}

export interface ProvisionAccountInput {
  account: { id: string; name: string; active?: boolean };
  user: { id: string; name: string; email?: string | null };
  key: { id: string; secretHash: string; role: AccessKeyRow["role"]; platformAdmin?: boolean; label?: string };
  now: number;
}

/**
 * Creates (or refreshes) an account with one user and one access key, atomically, with the audit entries the operator
 * CLI records. Used by the operator CLI and the local seed, so running either twice leaves the same state.
 */
export async function provisionAccount(
  db: Db,
  input: ProvisionAccountInput,
  audit: readonly AuditEventRow[] = [],
): Promise<void> {
  const { account, user, key, now } = input;
  // Users and keys belong to one account for good: provisioning never moves them to another.
  const [existingUser, existingKey] = await Promise.all([
    db.query.users.findFirst({ where: eq(users.id, user.id) }),
    db.query.accessKeys.findFirst({ where: eq(accessKeys.id, key.id) }),
  ]);
  if (existingUser && existingUser.accountId !== account.id) {
    throw new Error(`user ${user.id} belongs to account ${existingUser.accountId}`);
  }
  if (existingKey && existingKey.accountId !== account.id) {
    throw new Error(`access key ${key.id} belongs to account ${existingKey.accountId}`);
  }
  await db.batch([
    db
      .insert(accounts)
      .values({ id: account.id, name: account.name, active: account.active ?? true, createdAt: now })
      .onConflictDoUpdate({ target: accounts.id, set: { name: account.name, active: account.active ?? true } }),
    db
      .insert(users)
      .values({
        id: user.id,
        accountId: account.id,
        name: user.name,
        email: user.email ?? null,
        createdAt: now,
        modifiedAt: now,
      })
      .onConflictDoUpdate({ target: users.id, set: { name: user.name, email: user.email ?? null, modifiedAt: now } }),
    db
      .insert(accessKeys)
      .values({
        id: key.id,
        accountId: account.id,
        userId: user.id,
        secretHash: key.secretHash,
        role: key.role,
        platformAdmin: key.platformAdmin ?? false,
        label: key.label ?? null,
        createdAt: now,
      })
      .onConflictDoUpdate({
        target: accessKeys.id,
        set: {
          secretHash: key.secretHash,
          role: key.role,
          platformAdmin: key.platformAdmin ?? false,
          label: key.label ?? null,
        },
      }),
    ...auditInserts(db, audit),
  ]);
}

export async function setAccountActive(db: Db, accountId: string, active: boolean): Promise<boolean> {
  const result = await db.update(accounts).set({ active }).where(eq(accounts.id, accountId));
  return result.rowsAffected > 0;
}

export async function findUser(db: Db, accountId: string, userId: string): Promise<UserRow | undefined> {
  return db.query.users.findFirst({ where: and(eq(users.accountId, accountId), eq(users.id, userId)) });
}

export async function listUsersByIds(db: Db, accountId: string, userIds: string[]): Promise<UserRow[]> {
  if (userIds.length === 0) return [];
  return db
    .select()
    .from(users)
    .where(and(eq(users.accountId, accountId), inArray(users.id, userIds)));
}
