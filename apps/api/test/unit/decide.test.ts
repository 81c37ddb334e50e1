import { describe, expect, it } from "vitest";
import { decideAttempt, RATE_LIMITED_ATTEMPTS_CAP, unclaimedDisposition } from "../../src/delivery/decide";

const base = { attempt: 1, scheduleStart: 0, schedule: [10, 60], now: 1_000_000, random: () => 0.5 };

/** The whole decision to try again in `delaySeconds`, an answered call's error left empty. */
const pendingRetry = (scheduleStart: number, delaySeconds: number) => ({
  scheduleStart,
  status: "PENDING",
  nextAttemptAt: base.now + delaySeconds * 1_000,
  error: null,
  disposition: { kind: "retry", delaySeconds },
});

describe("decideAttempt", () => {
  it("waits what a rate limit asks, without using up the schedule, until the cap of attempts", () => {
    const limited = { kind: "retry" as const, reason: "Slack: rate_limited", rateLimited: true, retryAfterSeconds: 3 };
    const decision = decideAttempt({ ...base, attempt: 5, scheduleStart: 2, outcome: limited, random: () => 0 });
    expect(decision).toEqual(pendingRetry(3, 3));
    // Spread by up to a fifth, never sooner than asked; a second when the target said nothing.
    const spread = decideAttempt({ ...base, outcome: limited, random: () => 0.99 });
    expect(spread.disposition).toEqual({ kind: "retry", delaySeconds: 4 });
    const unsaid = decideAttempt({ ...base, outcome: { ...limited, retryAfterSeconds: undefined }, random: () => 0 });
    expect(unsaid.disposition).toEqual({ kind: "retry", delaySeconds: 1 });
    // Past the cap a rate limit is a failure like any other: the schedule moves on, and ends.
    const capped = decideAttempt({ ...base, attempt: RATE_LIMITED_ATTEMPTS_CAP, scheduleStart: 47, outcome: limited });
    expect(capped).toMatchObject({
      scheduleStart: 47,
      status: "FAILED",
      error: "retries exhausted: Slack: rate_limited",
    });
  });

  it("delivers with the channel's status and nothing left to do", () => {
    expect(decideAttempt({ ...base, outcome: { kind: "delivered" } })).toEqual({
      scheduleStart: 0,
      status: "DELIVRD",
      nextAttemptAt: null,
      error: null,
      disposition: { kind: "done" },
    });
    expect(decideAttempt({ ...base, outcome: { kind: "delivered" }, deliveredStatus: "SENT" }).status).toBe("SENT");
  });

  it("fails a permanent outcome at once, saying why", () => {
    const decision = decideAttempt({ ...base, outcome: { kind: "permanent", reason: "HTTP 404" } });
    expect(decision).toMatchObject({ status: "FAILED", error: "HTTP 404", disposition: { kind: "done" } });
  });

  it("schedules a retry on the schedule's step (random 0.5 is no jitter), keeping an answered call's error empty", () => {
    const decision = decideAttempt({ ...base, outcome: { kind: "retry", reason: "HTTP 503" } });
    expect(decision).toEqual(pendingRetry(0, 10));
    const second = decideAttempt({
      ...base,
      attempt: 2,
      outcome: { kind: "retry", reason: "timeout" },
      error: "timeout",
    });
    expect(second).toMatchObject({ error: "timeout", disposition: { kind: "retry", delaySeconds: 60 } });
  });

  it("waits at least as long as Retry-After asks, never less than the backoff", () => {
    const longer = decideAttempt({ ...base, outcome: { kind: "retry", reason: "HTTP 429", retryAfterSeconds: 120 } });
    expect(longer.disposition).toEqual({ kind: "retry", delaySeconds: 120 });
    const shorter = decideAttempt({ ...base, outcome: { kind: "retry", reason: "HTTP 429", retryAfterSeconds: 1 } });
    expect(shorter.disposition).toEqual({ kind: "retry", delaySeconds: 10 });
  });

  it("fails once the schedule is used up, counting from a manual retry's new schedule", () => {
    const exhausted = decideAttempt({ ...base, attempt: 3, outcome: { kind: "retry", reason: "HTTP 500" } });
    expect(exhausted).toMatchObject({ status: "FAILED", error: "retries exhausted: HTTP 500" });
    const restarted = decideAttempt({ ...base, attempt: 4, scheduleStart: 3, outcome: { kind: "retry", reason: "x" } });
    expect(restarted.status).toBe("PENDING");
  });
});

describe("unclaimedDisposition", () => {
  it("drops a finished leg and looks again at a busy one when its lease or backoff runs out", () => {
    expect(unclaimedDisposition({ status: "DELIVRD", leaseUntil: null, nextAttemptAt: null }, 0)).toEqual({
      kind: "done",
    });
    expect(unclaimedDisposition({ status: "PENDING", leaseUntil: 45_000, nextAttemptAt: 5_000 }, 0)).toEqual({
      kind: "retry",
      delaySeconds: 45,
    });
    expect(unclaimedDisposition({ status: "PENDING", leaseUntil: null, nextAttemptAt: 100 }, 0)).toEqual({
      kind: "retry",
      delaySeconds: 1,
    });
  });
});
