// What one attempt's outcome means for its leg: its next status, when it is tried again, and what the queue does
// with its message. Pure: the clock, the schedule and the jitter come in as arguments.
import type { DeliveryStatus } from "@herald/db";
import { MAX_DELAY_SECONDS } from "../lib/queue-limits";
import type { AttemptOutcome } from "../ports";
import { retryDelaySeconds } from "./retry-policy";

/** What the consumer does with a leg's message: nothing more, or hand the leg back to the queue for later. */
export type LegDisposition = { kind: "done" } | { kind: "retry"; delaySeconds: number };

export interface AttemptDecisionInput {
  outcome: AttemptOutcome;
  /** The status a `delivered` outcome means: DELIVRD for a 2xx webhook, SENT or DELIVRD for e-mail. */
  deliveredStatus?: "SENT" | "DELIVRD";
  /** The error the attempt reported, if any (a timeout, a network error, the provider's answer). */
  error?: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  /** Attempts made before the current retry schedule began (a manual retry starts a new one). */
  scheduleStart: number;
  schedule: readonly number[];
  /** When the attempt is recorded, epoch ms. */
  now: number;
  /** Jitter in [0, 1) for the retry delay (Math.random by default). */
  random?: () => number;
}

/**
 * A leg's attempts in all past which a rate limit counts like any failure. Below it a 429 waits what the target asks and
 * does not use up the retry schedule: a burst to a chat webhook is slowed down, never dropped.
 */
export const RATE_LIMITED_ATTEMPTS_CAP = 50;

export interface AttemptDecision {
  status: DeliveryStatus;
  /** The leg's schedule start after this attempt: moved one on by a rate-limited attempt, so it is not counted. */
  scheduleStart: number;
  nextAttemptAt: number | null;
  /** What the leg's failure is recorded as (null when nothing went wrong). */
  error: string | null;
  disposition: LegDisposition;
}

export function decideAttempt(input: AttemptDecisionInput): AttemptDecision {
  const { outcome, now } = input;
  const { scheduleStart } = input;
  if (outcome.kind === "delivered") {
    return {
      scheduleStart,
      status: input.deliveredStatus ?? "DELIVRD",
      nextAttemptAt: null,
      error: input.error ?? null,
      disposition: { kind: "done" },
    };
  }
  const reason = input.error ?? outcome.reason;
  if (outcome.kind === "permanent") {
    return { scheduleStart, status: "FAILED", nextAttemptAt: null, error: reason, disposition: { kind: "done" } };
  }
  if (outcome.rateLimited && input.attempt < RATE_LIMITED_ATTEMPTS_CAP) {
    // Waits what the target asked (a second when it did not say), spread by up to a fifth so a throttled burst
    // does not come back all at once.
    const asked = Math.max(1, outcome.retryAfterSeconds ?? 1);
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.ceil(asked * (1 + (input.random ?? Math.random)() * 0.2)));
    return {
      scheduleStart: scheduleStart + 1,
      status: "PENDING",
      nextAttemptAt: now + delaySeconds * 1000,
      error: input.error ?? null,
      disposition: { kind: "retry", delaySeconds },
    };
  }
  const scheduled = retryDelaySeconds(input.schedule, input.attempt - input.scheduleStart, input.random);
  if (scheduled === undefined) {
    // A FAILED leg always says why, and that retries ran out.
    return {
      scheduleStart,
      status: "FAILED",
      nextAttemptAt: null,
      error: `retries exhausted: ${reason}`,
      disposition: { kind: "done" },
    };
  }
  // Retry-After is honoured as "not before": it can lengthen the wait, never shorten the backoff.
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(scheduled, outcome.retryAfterSeconds ?? 0));
  return {
    scheduleStart,
    status: "PENDING",
    nextAttemptAt: now + delaySeconds * 1000,
    // An HTTP answer speaks for itself (its code and body are kept); only a call that got none records why.
    error: input.error ?? null,
    disposition: { kind: "retry", delaySeconds },
  };
}

/**
 * A leg the claim did not take: finished (nothing to do), or leased by another consumer or not due yet (look again
 * when the lease or the backoff runs out).
 */
export function unclaimedDisposition(
  leg: { status: DeliveryStatus; leaseUntil: number | null; nextAttemptAt: number | null },
  now: number,
): LegDisposition {
  if (leg.status !== "PENDING") return { kind: "done" };
  const busyUntil = Math.max(leg.leaseUntil ?? 0, leg.nextAttemptAt ?? 0);
  return { kind: "retry", delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.ceil((busyUntil - now) / 1000))) };
}
