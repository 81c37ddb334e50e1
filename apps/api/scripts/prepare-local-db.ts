import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { createNodeDb, migrateDb } from "@herald/db/node";
import { seedDevData } from "./dev-seed";

/** Creates (or brings up to date) a local database file: every migration, then the development accounts. */
export async function prepareLocalDb(path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const db = createNodeDb({ url: `file:${path}` });
  try {
    await db.run("PRAGMA journal_mode = WAL");
    await migrateDb(db);
    await seedDevData(db);
  } finally {
    db.$client.close();
  }
}
