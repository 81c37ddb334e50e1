import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
