import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  type DeliveryRow,
  deliveries,
  insertNotification,
  type NewIntegration,
  type NotificationRow,
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

/**
 * The calling test file's database: opened before its tests and closed after them. Read `.db` inside a test or hook.
 */
export function useTestDb(): { readonly db: Db } {
  let opened: TestDb | undefined;
  beforeAll(async () => {
    opened = await openTestDb();
  });
  afterAll(() => opened?.close());
  return {
    get db() {
      if (!opened) throw new Error("the test database is opened in beforeAll: read it inside a test or hook");
      return opened.db;
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

/** A new account of its own (unique id), with user `U-<id>` and admin key `key-<id>`, as provisioning makes one. */
export async function provisionedAccount(db: Db): Promise<string> {
  const id = uniqueAccountId();
  await provisionAccount(db, {
    account: { id, name: `Account ${id}` },
    user: { id: `U-${id}`, name: "User" },
    key: { id: `key-${id}`, secretHash: "hash", role: "admin" },
    now: 1,
  });
  return id;
}

/**
 * A notification row as `sendNotification` stores one, created at `createdAt` (default 1) with empty contents:
 * `overrides` names what the test is about (id, account, type, status).
 */
export function notificationRow(
  overrides: Pick<NotificationRow, "id" | "accountId"> & Partial<NotificationRow>,
): NotificationRow {
  const createdAt = overrides.createdAt ?? 1;
  return {
    type: "incidents/alerts",
    status: "created",
    createdAt,
    createdBy: "U",
    modifiedAt: createdAt,
    modifiedBy: "U",
    // What the producer sent: nothing.
    notificationData: {},
    assetData: {},
    payload: {},
    attachments: null,
    longIncidentId: null,
    requeuedAt: null,
    traceparent: null,
    ...overrides,
  };
}

/** A notification in an account of its own, as `sendNotification` stores it. */
export async function storedNotification(
  db: Db,
  status: NotificationStatus,
  createdAt: number,
): Promise<{ id: string; accountId: string }> {
  const accountId = await provisionedAccount(db);
  const id = newId();
  await insertNotification(db, notificationRow({ id, accountId, status, createdAt }));
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
    createdAt: 1,
    createdBy: "U",
    modifiedAt: 1,
    modifiedBy: "U",
    // Healthy: never disabled, nothing failing.
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    failingSince: null,
    // One signing secret, none being rotated out.
    signingSecret: "whsec_dGVzdA==",
    previousSigningSecret: null,
    previousSecretExpiresAt: null,
    ...overrides,
  };
}
