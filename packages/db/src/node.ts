import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Db, DbConfig } from "./client";
import * as schema from "./schema";

export const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** A database for Node: `file:` paths use the embedded native driver, other URLs go over the network. */
export function createNodeDb(config: DbConfig): Db {
  return drizzle(createClient({ url: config.url, authToken: config.authToken }), { schema });
}

export async function migrateDb(db: Db): Promise<void> {
  await migrate(db, { migrationsFolder });
}
