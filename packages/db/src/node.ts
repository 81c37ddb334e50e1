import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Db, DbConfig } from "./client";
import * as schema from "./schema";

export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/**
 * A database for Node: `file:` paths use the embedded native driver, other URLs go over the network. `wrapClient`
 * wraps the libSQL client before drizzle sees it (the benchmark counts the calls into the driver through it).
 */
export function createNodeDb(config: DbConfig, options?: { wrapClient?: (client: Client) => Client }): Db {
  // One connection for a file: the native driver runs every statement synchronously on the JS thread, so a pool of
  // connections (the client's default is 20) adds no parallelism, only connections the caller's PRAGMAs never
  // reached (synchronous, foreign_keys, busy_timeout are per connection), which then commit with synchronous=FULL.
  const concurrency = config.url.startsWith("file:") ? 1 : undefined;
  const client = createClient({ url: config.url, authToken: config.authToken, concurrency });
  return drizzle(options?.wrapClient?.(client) ?? client, { schema });
}

export async function migrateDb(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
