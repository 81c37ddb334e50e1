// A `Client` (the interface drizzle's libSQL driver calls) over one native `libsql` connection, with the prepared
// statements kept in an LRU cache keyed by SQL text. @libsql/client's file client prepares every statement anew and
// builds every row with defineProperty; this one prepares each distinct SQL once and builds rows from a per-statement
// shape. Results, errors (LibsqlError with the same codes, the driver's error as cause), batches and transactions
// behave as @libsql/client's with `concurrency: 1` (what createNodeDb used), except that a caller arriving while a
// transaction is open waits for it instead of failing with TRANSACTION_ACTIVE.
import { LibsqlError } from "@libsql/client";
import { CachingClient, type NativeClient } from "./client";

export type { NativeClient } from "./client";

export interface NativeClientOptions {
  /** How many prepared statements to keep (default 500). */
  statementCacheSize?: number;
}

const DEFAULT_STATEMENT_CACHE_SIZE = 500;

/** Opens `url` (`file:` or `:memory:`) with the native driver; fails now if the database cannot be opened. */
export function createNativeClient(url: string, options: NativeClientOptions = {}): NativeClient {
  return new CachingClient(filePath(url), options.statementCacheSize ?? DEFAULT_STATEMENT_CACHE_SIZE);
}

/** The path the native driver opens for a `file:` URL, read the way @libsql/client reads it. */
export function filePath(url: string): string {
  if (url === ":memory:" || url === "file::memory:") return ":memory:";
  if (!url.startsWith("file:")) throw new LibsqlError(`not a file: URL: ${url}`, "URL_SCHEME_NOT_SUPPORTED");
  if (/[?#]/.test(url)) throw new LibsqlError("file: URLs with a query or fragment are not supported", "URL_INVALID");
  let rest = url.slice("file:".length);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const host = rest.slice(2, slash === -1 ? undefined : slash);
    if (host !== "" && host.toLowerCase() !== "localhost") {
      throw new LibsqlError(`Invalid host in file URL: ${JSON.stringify(host)}`, "URL_INVALID");
    }
    rest = slash === -1 ? "" : rest.slice(slash);
  }
  return decodeURIComponent(rest);
}
