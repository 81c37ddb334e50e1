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

/**
 * The database could not be reached: the HTTP request to it failed (refused, reset, DNS, TLS) before a whole answer
 * came back. The libSQL client passes fetch's own TypeError through unchanged, which would look like any bug; this
 * names it, so callers can answer "retry later" rather than "internal error".
 */
export class DatabaseUnreachableError extends Error {
  override readonly name = "DatabaseUnreachableError";
}

// Reads the whole answer here (Hrana answers are small JSON), so a connection that drops mid-answer fails as
// unreachable too, instead of reaching the client as a truncated body.
async function fetchOrUnreachable(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  try {
    const response = await fetch(input, init);
    const body = await response.arrayBuffer();
    const answer = { status: response.status, statusText: response.statusText, headers: response.headers };
    return new Response(body.byteLength === 0 ? null : body, answer);
  } catch (cause) {
    throw new DatabaseUnreachableError("the database cannot be reached", { cause });
  }
}

/** A database over libSQL's HTTP protocol: the driver for Workers and any fetch-capable runtime. */
export function createDb(config: DbConfig): Db {
  return drizzle(createClient({ url: config.url, authToken: config.authToken, fetch: fetchOrUnreachable }), {
    schema,
  });
}
