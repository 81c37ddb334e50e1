import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Db, DbConfig } from "./client";
import { createNativeClient } from "./native-client";
import * as schema from "./schema";

export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

export interface NodeDbOptions {
  /** Wraps the libSQL client before drizzle gets it (the benchmark counts statements and round trips this way). */
  wrapClient?: (client: Client) => Client;
}

/**
 * A database for Node: `file:` paths (and `:memory:`) use the native driver with cached prepared statements, other
 * URLs go over the network.
 */
export function createNodeDb(config: DbConfig, options: NodeDbOptions = {}): Db {
  const client = isLocalFile(config.url)
    ? // One connection: the native driver runs every statement synchronously on the JS thread, so more connections
      // add no parallelism, only connections the caller's PRAGMAs (synchronous, foreign_keys, busy_timeout) never reach.
      createNativeClient(config.url)
    : createClient({ url: config.url, authToken: config.authToken });
  return drizzle(options.wrapClient ? options.wrapClient(client) : client, { schema });
}

function isLocalFile(url: string): boolean {
  return url.startsWith("file:") || url === ":memory:";
}

export async function migrateDb(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
