import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type DeliveryRow,
  deliveries,
  insertNotification,
  type NewIntegration,
  type NotificationStatus,
  newLeg,
  provisionAccount,
} from "../src";
import type { Db } from "../src/client";
import { createNodeDb, migrateDb } from "../src/node";

export interface TestDb {
  db: Db;
  close(): void;
}

/** A fresh, migrated libSQL file in a temp dir: repositories are tested against the real engine. */
export async function openTestDb(): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), "herald-db-test-"));
  const db = createNodeDb({ url: `file:${join(dir, "test.db")}` });
  await migrateDb(db);
  return {
    db,
    close() {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** Unique, uppercase ids, like the ones the API issues. */
export function newId(): string {
  return crypto.randomUUID().toUpperCase();
}

export function uniqueAccountId(): string {
  counter += 1;
  return `${Date.now() % 1_000_000}${counter}`;
}

/** A notification in an account of its own, as `sendNotification` stores it. */
export async function storedNotification(
  db: Db,
  status: NotificationStatus,
  createdAt: number,
): Promise<{ id: string; accountId: string }> {
  const accountId = uniqueAccountId();
  await provisionAccount(db, {
    account: { id: accountId, name: `Account ${accountId}` },
    user: { id: `U-${accountId}`, name: "User" },
    key: { id: `key-${accountId}`, secretHash: "hash", role: "admin" },
    now: 1,
  });
  const id = newId();
  await insertNotification(db, {
    id,
    accountId,
    type: "incidents/alerts",
    notificationData: {},
    assetData: {},
    payload: {},
    attachments: null,
    status,
    longIncidentId: null,
    requeuedAt: null,
    traceparent: null,
    createdAt,
    createdBy: "U",
    modifiedAt: createdAt,
    modifiedBy: "U",
  });
  return { id, accountId };
}

/** A webhook leg waiting for its first attempt at `nextAttemptAt`, in an account and notification of its own. */
export async function pendingLeg(db: Db, nextAttemptAt: number): Promise<DeliveryRow> {
  const { id: notificationId, accountId } = await storedNotification(db, "dispatched", 0);
  const leg = newLeg({
    id: newId(),
    accountId,
    notificationId,
    subscriptionId: newId(),
    channel: "webhook",
    destination: newId(),
    createdAt: 0,
    nextAttemptAt,
  });
  await db.insert(deliveries).values(leg);
  return leg;
}

/** An integration row as the API stores one: `overrides` names what the test is about (id, account, type, URL). */
export function integrationRow(
  overrides: Pick<NewIntegration, "id" | "accountId"> & Partial<NewIntegration>,
): NewIntegration {
  return {
    name: "hook",
    type: "webhook",
    targetUrl: "https://hooks.example.com",
    headers: {},
    signingSecret: "whsec_dGVzdA==",
    previousSigningSecret: null,
    previousSecretExpiresAt: null,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    failingSince: null,
    createdAt: 1,
    createdBy: "U",
    modifiedAt: 1,
    modifiedBy: "U",
    ...overrides,
  };
}
