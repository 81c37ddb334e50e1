import { MAX_DELAY_SECONDS } from "../lib/queue-limits";
import type { AttemptOutcome } from "../ports";

// When to try a delivery again, and whether a response or a fetch failure is worth another try. Modelled on Svix:
// its schedule after the immediate first attempt (the default of DELIVERY_RETRY_SCHEDULE, src/settings/), ±20% jitter, 3xx as failure, 410 as "remove this endpoint".

const JITTER = 0.2;

/**
 * Seconds to wait after `failedAttempts` failed attempts, jittered by ±20% so that deliveries which failed together
 * do not retry together; undefined when the schedule is used up and the delivery has failed for good.
 */
export function retryDelaySeconds(
  schedule: readonly number[],
  failedAttempts: number,
  random: () => number = Math.random,
): number | undefined {
  if (!Number.isInteger(failedAttempts) || failedAttempts < 1) {
    throw new RangeError(`failedAttempts must be a positive integer, got ${failedAttempts}`);
  }
  const base = schedule[failedAttempts - 1];
  if (base === undefined) return undefined;
  const jittered = base * (1 + (random() * 2 - 1) * JITTER);
  return clampDelay(Math.round(jittered));
}

// Statuses that say "not now" rather than "never": timeout, conflict, too early, rate limited.
const RETRYABLE_CLIENT_ERRORS = new Set([408, 409, 425, 429]);
// Only these two define Retry-After as a back-off hint (RFC 9110 §10.2.3); on a redirect it means something else.
const HONOURS_RETRY_AFTER = new Set([429, 503]);

export function classifyResponse(status: number, headers: Headers, nowMs: number): AttemptOutcome {
  if (status >= 200 && status <= 299) return { kind: "delivered" };
  if (status >= 300 && status <= 399) {
    // Following a redirect would let a receiver point Herald at a target that never passed the URL checks.
    return { kind: "retry", reason: `HTTP ${status}: redirects are not followed` };
  }
  if (status === 410) {
    return { kind: "permanent", reason: "HTTP 410: the endpoint is gone", disableIntegration: true };
  }
  if (status >= 400 && status <= 499 && !RETRYABLE_CLIENT_ERRORS.has(status)) {
    return { kind: "permanent", reason: `HTTP ${status}` };
  }
  const reason = status >= 400 && status <= 599 ? `HTTP ${status}` : `unexpected HTTP status ${status}`;
  const retryAfterSeconds = HONOURS_RETRY_AFTER.has(status)
    ? parseRetryAfter(headers.get("retry-after"), nowMs)
    : undefined;
  return retryAfterSeconds === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterSeconds };
}

const MAX_ERROR_MESSAGE_LENGTH = 200;

/**
 * A fetch that threw never reached a verdict from the receiver, so it is worth another try; except when the guard
 * refused the address the target's name resolved to, which no retry should get another chance at.
 */
export function classifyFetchError(error: unknown): AttemptOutcome {
  // Read name and message by shape: a DOMException is not an Error in every runtime.
  const { name, message } = isErrorLike(error) ? error : { name: undefined, message: String(error) };
  // AbortSignal.timeout() rejects with a TimeoutError DOMException.
  if (name === "TimeoutError") return { kind: "retry", reason: "timeout" };
  if (name === "AbortError") return { kind: "retry", reason: "aborted" };
  // Node's fetch (undici) says only "fetch failed"; what happened is in `cause`.
  const cause = isErrorLike(error) ? (error as { cause?: unknown }).cause : undefined;
  if (isErrorLike(cause) && cause.name === "BlockedAddressError") return { kind: "permanent", reason: cause.message };
  const detail = isErrorLike(cause) && cause.message !== "" ? `${message}: ${cause.message}` : message;
  const oneLine = detail.replace(/\s+/g, " ").trim() || "unknown error";
  return { kind: "retry", reason: `network error: ${oneLine.slice(0, MAX_ERROR_MESSAGE_LENGTH)}` };
}

function isErrorLike(value: unknown): value is { name: string; message: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { name?: unknown }).name === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

// RFC 9110 §5.6.7: IMF-fixdate, plus the obsolete RFC 850 and asctime forms recipients must still accept.
const HTTP_DATE_FORMATS = [
  /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * Seconds to wait from a `Retry-After` value (delta-seconds or an HTTP-date), clamped to 0..86400; undefined when the
 * header is missing or not in either form.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return clampDelay(Number(trimmed));
  if (!HTTP_DATE_FORMATS.some((format) => format.test(trimmed))) return undefined;
  // asctime has no zone; HTTP dates are always GMT.
  const dateMs = Date.parse(trimmed.endsWith("GMT") ? trimmed : `${trimmed} GMT`);
  if (Number.isNaN(dateMs)) return undefined;
  return clampDelay(Math.ceil((dateMs - nowMs) / 1000));
}

function clampDelay(seconds: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, seconds));
}
