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
  /**
   * Milliseconds one HTTP call may take (default DEFAULT_DB_TIMEOUT_MS). A write that times out may still have
   * committed: callers treat it as unknown, as with any lost answer (sends are safe to retry with Idempotency-Key).
   */
  timeoutMs?: number | undefined;
}

/**
 * The database could not be reached: the HTTP request to it failed (refused, reset, DNS, TLS) before a whole answer
 * came back. The libSQL client passes fetch's own TypeError through unchanged, which would look like any bug; this
 * names it, so callers can answer "retry later" rather than "internal error".
 */
export class DatabaseUnreachableError extends Error {
  override readonly name = "DatabaseUnreachableError";
}

/** No queueing inside the HTTP client (0 means its default, 20). */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** `error` and the errors it wraps (drizzle puts the driver's error in `cause`), outermost first. */
export function errorChain(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && chain.length < 8; current = current.cause) chain.push(current);
  return chain;
}

/** How long one call to the database may take before it counts as unreachable, unless configured. */
export const DEFAULT_DB_TIMEOUT_MS = 10_000;

// Reads the whole answer here (Hrana answers are small JSON), so a connection that drops mid-answer fails as
// unreachable too, instead of reaching the client as a truncated body. A database that accepts the connection and
// never answers would hold every request (and a Worker's whole budget) hostage: each call gets a deadline.
function fetchOrUnreachable(timeoutMs: number) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const response = await fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline,
      });
      const body = await response.arrayBuffer();
      const answer = { status: response.status, statusText: response.statusText, headers: response.headers };
      return new Response(body.byteLength === 0 ? null : body, answer);
    } catch (cause) {
      const detail = deadline.aborted ? `no answer within ${timeoutMs} ms` : "the database cannot be reached";
      throw new DatabaseUnreachableError(detail, { cause });
    }
  };
}

/** A database over libSQL's HTTP protocol: the driver for Workers and any fetch-capable runtime. */
export function createDb(config: DbConfig): Db {
  const fetch = fetchOrUnreachable(config.timeoutMs ?? DEFAULT_DB_TIMEOUT_MS);
  // The client is shared by every request of an isolate (services/container.ts). Its default limit of 20 calls in
  // flight queues the 21st behind another request's call, and workerd cancels a request woken from another request's
  // context as hung: above 20 concurrent queries, requests failed. Workers bound each request's connections already.
  return drizzle(createClient({ url: config.url, authToken: config.authToken, fetch, concurrency: UNLIMITED }), {
    schema,
  });
}
