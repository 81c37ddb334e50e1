import { setTimeout as sleep } from "node:timers/promises";
import Database from "libsql";

const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 50;

/** SQLITE_BUSY, SQLITE_LOCKED and their extended codes, as thrown by SQLite itself. */
export function isBusyFamilyError(error: unknown): boolean {
  return error instanceof Database.SqliteError && /^SQLITE_(BUSY|LOCKED)/.test(error.code);
}

/**
 * "Another connection holds the lock, try later". SQLITE_BUSY_SNAPSHOT is the exception: the transaction read
 * a snapshot that another writer has since replaced, so only a new transaction can succeed.
 */
export function isRetryableBusyError(error: unknown): boolean {
  return isBusyFamilyError(error) && (error as { code: string }).code !== "SQLITE_BUSY_SNAPSHOT";
}

/**
 * Runs `attempt` (synchronous SQLite work) until it stops failing with a retryable busy error or `deadline`
 * (epoch ms) passes. Waiting happens on timers, so the event loop stays free to serve the stream that holds
 * the lock. `beforeRetry` may clean up after the failed attempt, or return false when retrying is unsafe.
 */
export async function retryWhileBusy<T>(
  attempt: () => T,
  deadline: number,
  beforeRetry: () => boolean = () => true,
): Promise<T> {
  for (let delayMs = FIRST_DELAY_MS; ; delayMs = Math.min(delayMs * 2, MAX_DELAY_MS)) {
    try {
      return attempt();
    } catch (error) {
      const remainingMs = deadline - Date.now();
      if (!isRetryableBusyError(error) || remainingMs <= 0 || !beforeRetry()) throw error;
      await sleep(Math.min(delayMs, remainingMs));
    }
  }
}
