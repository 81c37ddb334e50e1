import { describe, expect, it } from "vitest";
import {
  classifyFetchError,
  classifyResponse,
  parseRetryAfter,
  retryDelaySeconds,
} from "../../src/delivery/retry-policy";
import { MAX_DELAY_SECONDS } from "../../src/lib/queue-limits";
import type { AttemptOutcome } from "../../src/ports";
import { BlockedAddressError } from "../../src/security/target-url";
import { DEFAULTS } from "../../src/settings";

const DEFAULT_RETRY_SCHEDULE_SECONDS = DEFAULTS.DELIVERY_RETRY_SCHEDULE;

/** mulberry32: a small seeded generator, so jitter bounds are checked on the same numbers every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const NOW_MS = Date.UTC(2026, 3, 20, 12, 0, 0);

describe("the default DELIVERY_RETRY_SCHEDULE", () => {
  it("is Svix's schedule after the immediate first attempt", () => {
    expect(DEFAULT_RETRY_SCHEDULE_SECONDS).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000]);
  });

  it("spans about a day (27.6 h), every delay within Cloudflare Queues' 24 h limit", () => {
    const total = DEFAULT_RETRY_SCHEDULE_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(total).toBe(99_305);
    expect(total / 3600).toBeGreaterThan(24);
    expect(total / 3600).toBeLessThan(30);
    for (const delay of DEFAULT_RETRY_SCHEDULE_SECONDS) expect(delay).toBeLessThanOrEqual(MAX_DELAY_SECONDS);
  });

  it("cannot be changed by a caller", () => {
    expect(Object.isFrozen(DEFAULT_RETRY_SCHEDULE_SECONDS)).toBe(true);
  });
});

describe("retryDelaySeconds", () => {
  const schedule = [...DEFAULT_RETRY_SCHEDULE_SECONDS];

  it.each([
    [1, 5],
    [2, 300],
    [3, 1800],
    [4, 7200],
    [5, 18000],
    [6, 36000],
    [7, 36000],
  ])("after %i failed attempts waits %i s without jitter", (failed, base) => {
    expect(retryDelaySeconds(schedule, failed, () => 0.5)).toBe(base);
  });

  it.each([8, 9, 100])("gives up after %i failed attempts", (failed) => {
    expect(retryDelaySeconds(schedule, failed, () => 0.5)).toBeUndefined();
  });

  it("gives up at once with an empty schedule", () => {
    expect(retryDelaySeconds([], 1)).toBeUndefined();
  });

  it.each([
    [0, 0.8],
    [0.999_999_999, 1.2],
  ])("random() = %f scales the delay by %f (the ±20% bounds)", (random, factor) => {
    expect(retryDelaySeconds([1000], 1, () => random)).toBe(Math.round(1000 * factor));
  });

  it.each([1, 2, 3, 42])("stays within ±20%% of the schedule, as whole seconds (seed %i)", (seed) => {
    const random = seededRandom(seed);
    for (let sample = 0; sample < 200; sample++) {
      schedule.forEach((base, index) => {
        const delay = retryDelaySeconds(schedule, index + 1, random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
        expect(delay).toBeLessThanOrEqual(Math.ceil(base * 1.2));
      });
    }
  });

  it("spreads retries: a seeded run does not give every delivery the same delay", () => {
    const random = seededRandom(7);
    const delays = new Set(Array.from({ length: 50 }, () => retryDelaySeconds([3600], 1, random)));
    expect(delays.size).toBeGreaterThan(25);
  });

  it("never exceeds Cloudflare Queues' 24 h limit, even with jitter on a 24 h step", () => {
    expect(retryDelaySeconds([86_400], 1, () => 0.999)).toBe(86_400);
  });

  it("keeps a zero delay at zero", () => {
    expect(retryDelaySeconds([0], 1, () => 0)).toBe(0);
    expect(retryDelaySeconds([0], 1, () => 0.999)).toBe(0);
  });

  it("uses Math.random when no generator is given", () => {
    const delay = retryDelaySeconds([100], 1);
    expect(delay).toBeGreaterThanOrEqual(80);
    expect(delay).toBeLessThanOrEqual(120);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses %d failed attempts", (failed) => {
    expect(() => retryDelaySeconds(schedule, failed)).toThrow(RangeError);
  });
});

describe("classifyResponse", () => {
  const noHeaders = new Headers();

  it.each<[number, AttemptOutcome]>([
    [200, { kind: "delivered" }],
    [201, { kind: "delivered" }],
    [202, { kind: "delivered" }],
    [204, { kind: "delivered" }],
    [299, { kind: "delivered" }],
    [301, { kind: "retry", reason: "HTTP 301: redirects are not followed" }],
    [302, { kind: "retry", reason: "HTTP 302: redirects are not followed" }],
    [304, { kind: "retry", reason: "HTTP 304: redirects are not followed" }],
    [307, { kind: "retry", reason: "HTTP 307: redirects are not followed" }],
    [308, { kind: "retry", reason: "HTTP 308: redirects are not followed" }],
    [400, { kind: "permanent", reason: "HTTP 400" }],
    [401, { kind: "permanent", reason: "HTTP 401" }],
    [403, { kind: "permanent", reason: "HTTP 403" }],
    [404, { kind: "permanent", reason: "HTTP 404" }],
    [405, { kind: "permanent", reason: "HTTP 405" }],
    [408, { kind: "retry", reason: "HTTP 408" }],
    [409, { kind: "retry", reason: "HTTP 409" }],
    [410, { kind: "permanent", reason: "HTTP 410: the endpoint is gone", disableIntegration: true }],
    [413, { kind: "permanent", reason: "HTTP 413" }],
    [422, { kind: "permanent", reason: "HTTP 422" }],
    [425, { kind: "retry", reason: "HTTP 425" }],
    [429, { kind: "retry", reason: "HTTP 429" }],
    [451, { kind: "permanent", reason: "HTTP 451" }],
    [499, { kind: "permanent", reason: "HTTP 499" }],
    [500, { kind: "retry", reason: "HTTP 500" }],
    [502, { kind: "retry", reason: "HTTP 502" }],
    [503, { kind: "retry", reason: "HTTP 503" }],
    [504, { kind: "retry", reason: "HTTP 504" }],
    [599, { kind: "retry", reason: "HTTP 599" }],
    [0, { kind: "retry", reason: "unexpected HTTP status 0" }],
    [101, { kind: "retry", reason: "unexpected HTTP status 101" }],
  ])("HTTP %i → %o", (status, outcome) => {
    expect(classifyResponse(status, noHeaders, NOW_MS)).toEqual(outcome);
  });

  it.each<[number, string, number | undefined]>([
    [429, "120", 120],
    [503, "120", 120],
    [429, "0", 0],
    [429, new Date(NOW_MS + 90_000).toUTCString(), 90],
    [503, new Date(NOW_MS + 90_000).toUTCString(), 90],
    [429, "999999", 86_400],
    [429, "later", undefined],
    [500, "120", undefined],
    [502, "120", undefined],
    [301, "120", undefined],
    [408, "120", undefined],
  ])("HTTP %i with Retry-After %j waits %s s", (status, retryAfter, seconds) => {
    const outcome = classifyResponse(status, new Headers({ "Retry-After": retryAfter }), NOW_MS);
    expect(outcome.kind).toBe("retry");
    if (seconds === undefined) expect(outcome).not.toHaveProperty("retryAfterSeconds");
    else expect(outcome).toHaveProperty("retryAfterSeconds", seconds);
  });

  it("leaves retryAfterSeconds out entirely without a usable header", () => {
    expect(Object.keys(classifyResponse(429, noHeaders, NOW_MS))).toEqual(["kind", "reason"]);
  });
});

describe("parseRetryAfter", () => {
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ["", undefined],
    ["0", 0],
    ["5", 5],
    [" 30 ", 30],
    ["86400", 86_400],
    ["86401", 86_400],
    ["99999999999999999999999", 86_400],
    ["-5", undefined],
    ["1.5", undefined],
    ["5s", undefined],
    ["soon", undefined],
    ["tomorrow", undefined],
    ["2026-04-20T12:01:00Z", undefined],
    ["1", 1],
    ["Mon, 20 Apr 2026 12:01:00 GMT", 60],
    ["Mon, 20 Apr 2026 12:00:00 GMT", 0],
    ["Mon, 20 Apr 2026 12:00:00 GMT ", 0],
    ["Mon, 20 Apr 2026 12:00:01 GMT", 1],
    ["Mon, 20 Apr 2026 11:00:00 GMT", 0],
    ["Thu, 30 Apr 2026 12:00:00 GMT", 86_400],
    ["Monday, 20-Apr-26 12:02:00 GMT", 120],
    ["Mon Apr 20 12:03:00 2026", 180],
    ["Mon, 20 Apr 2026 12:01:00 +0000", undefined],
    ["Mon, 20 Apr 2026 99:01:00 GMT", undefined],
  ])("%j → %s", (value, seconds) => {
    expect(parseRetryAfter(value, NOW_MS)).toBe(seconds);
  });

  it("rounds a date part-way through a second up, so the receiver's time has come", () => {
    expect(parseRetryAfter("Mon, 20 Apr 2026 12:01:00 GMT", NOW_MS + 500)).toBe(60);
  });
});

describe("classifyFetchError", () => {
  it.each<[string, unknown, AttemptOutcome]>([
    [
      "AbortSignal.timeout()",
      new DOMException("The operation timed out.", "TimeoutError"),
      { kind: "retry", reason: "timeout" },
    ],
    ["an abort", new DOMException("The operation was aborted.", "AbortError"), { kind: "retry", reason: "aborted" }],
    [
      "connection refused",
      new TypeError("Network connection lost."),
      { kind: "retry", reason: "network error: Network connection lost." },
    ],
    ["connection reset", new Error("read ECONNRESET"), { kind: "retry", reason: "network error: read ECONNRESET" }],
    [
      "a multi-line message",
      new Error("internal error;\n  reference = abc"),
      { kind: "retry", reason: "network error: internal error; reference = abc" },
    ],
    ["a thrown string", "socket hang up", { kind: "retry", reason: "network error: socket hang up" }],
    ["an error without a message", new Error(""), { kind: "retry", reason: "network error: unknown error" }],
    ["undefined", undefined, { kind: "retry", reason: "network error: undefined" }],
    [
      "Node's fetch, which puts what happened in `cause`",
      new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") }),
      { kind: "retry", reason: "network error: fetch failed: connect ECONNREFUSED 127.0.0.1:9" },
    ],
  ])("%s → retry", (_name, error, outcome) => {
    expect(classifyFetchError(error)).toEqual(outcome);
  });

  it("fails for good when the connect-time guard refused the address a name resolved to", () => {
    const refused = new BlockedAddressError("hooks.example.com", "resolves to a private address (10.0.0.1)");
    expect(classifyFetchError(new TypeError("fetch failed", { cause: refused }))).toEqual({
      kind: "permanent",
      reason: "the target host hooks.example.com resolves to a private address (10.0.0.1)",
    });
  });

  it("keeps the reason short", () => {
    const outcome = classifyFetchError(new Error("x".repeat(5000)));
    expect(outcome.kind === "retry" && outcome.reason.length).toBeLessThanOrEqual(250);
  });

  it("classifies a real AbortSignal.timeout rejection as a timeout", async () => {
    const signal = AbortSignal.timeout(1);
    const reason = await new Promise<unknown>((resolve) =>
      signal.addEventListener("abort", () => resolve(signal.reason)),
    );
    expect(classifyFetchError(reason)).toEqual({ kind: "retry", reason: "timeout" });
  });
});
