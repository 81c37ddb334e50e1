// Kept only for the Node host (node/runtime.ts, QUEUE_BATCH_TIMEOUT_MS) until it moves to parseWholeNumber
// (src/settings.ts), which refuses garbage instead of falling back. Herald's own variables are parsed there.

/** A whole positive number from a variable (`"15000"`), or `fallback` when it is unset or anything else. */
export function positiveInteger(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}
