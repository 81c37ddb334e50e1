import { type Client, createClient } from "@libsql/client/web";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import { drizzle } from "drizzle-orm/libsql/web";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The drizzle database, with the libSQL client underneath (`$client`) for closing it. */
export type Db = LibSQLDatabase<Schema> & { $client: Client };

export interface DbConfig {
  /** `libsql://` or `https://` (Turso, sqld), or `http://127.0.0.1:8080` (the local libsql-dev-server). */
  url: string;
  authToken?: string | undefined;
}

/** A database over libSQL's HTTP protocol: the driver for Workers and any fetch-capable runtime. */
export function createDb(config: DbConfig): Db {
  return drizzle(createClient({ url: config.url, authToken: config.authToken }), { schema });
}
