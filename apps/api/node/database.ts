import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "@herald/db";
import { createNodeDb, migrateDb } from "@herald/db/node";
import type { Client } from "@libsql/client";

/**
 * Opens the runtime's database: a `file:` URL with the native driver, tuned for one machine; any other URL (sqld,
 * Turso) over the network. Each thread of the runtime opens its own connection.
 */
export async function openDatabase(
  url: string,
  authToken: string | undefined,
  options: { migrate?: boolean; wrapClient?: (client: Client) => Client } = {},
): Promise<Db> {
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  const db = createNodeDb({ url, authToken }, { wrapClient: options.wrapClient });
  if (url.startsWith("file:")) {
    // WAL lets readers run beside the writer (the HTTP thread reads while the pipeline thread writes).
    // synchronous=NORMAL syncs at checkpoints instead of every commit: a power loss (not a process crash) can lose the
    // last moments of commits, in exchange for several times the write throughput of FULL on this one-file database.
    await db.run("PRAGMA journal_mode = WAL");
    await db.run("PRAGMA synchronous = NORMAL");
    await db.run("PRAGMA foreign_keys = ON");
    await db.run("PRAGMA busy_timeout = 5000");
  }
  if (options.migrate) await migrateDb(db);
  return db;
}
