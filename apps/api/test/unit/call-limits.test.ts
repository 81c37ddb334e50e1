import { describe, expect, it } from "vitest";
import {
  type CallLimits,
  callLimits,
  callRequests,
  earliestStart,
  effectiveRateLimit,
  groupLegs,
  LATE_CALL_ALLOWANCE_MS,
  type Lane,
  type LimitedGroup,
  markStarted,
  missesSlot,
  PACING_HORIZON_MS,
  PERMIT_WAIT_MS,
  planCalls,
  SLOT_LEAD_MS,
} from "../../src/delivery/call-limits";
import { attemptAll } from "../../src/delivery/call-plan";
import { rateBreaches } from "../../src/lib/limit-checks";

const now = 1_000_000;
const slack: CallLimits = { intervalMs: 1_000, burst: 1, maxInFlight: null, oneAtATime: true };
const legs = (count: number, integrationId = "i", pacedAt: number | null = null) =>
  Array.from({ length: count }, (_, i) => ({ id: `${integrationId}${i}`, integrationId, pacedAt }));
const grant = (firstSlot: number, slots: number, permits = 100) => ({ permits, firstSlot, slots });

describe("call limits", () => {
  const row = { rateLimitPerSecond: null, rateLimitBurst: null, maxInFlight: null };

  it("are the integration's own, its vendor's default, or none", () => {
    expect(callLimits({ ...row, type: "webhook" })).toBeUndefined();
    expect(callLimits({ ...row, type: "slack" })).toEqual(slack);
    expect(callLimits({ ...row, type: "webhook", rateLimitPerSecond: 20, rateLimitBurst: 5, maxInFlight: 3 })).toEqual({
      intervalMs: 50,
      burst: 5,
      maxInFlight: 3,
      oneAtATime: false,
    });
    // An integration's own rate replaces its vendor's, and its calls may overlap.
    expect(callLimits({ ...row, type: "discord", rateLimitPerSecond: 1 })).toMatchObject({
      intervalMs: 1_000,
      oneAtATime: false,
    });
    expect(callLimits({ ...row, type: "webhook", maxInFlight: 1 })).toMatchObject({ intervalMs: 0, maxInFlight: 1 });
    expect(effectiveRateLimit({ ...row, type: "pagerduty" })).toEqual({ per_second: 2, burst: 1 });
    expect(effectiveRateLimit({ ...row, type: "jira" })).toBeNull();
  });

  it("ask slots only for legs that hold none, and put the holders first", () => {
    const groups = groupLegs(
      [
        ...legs(2),
        { id: "held-late", integrationId: "i", pacedAt: now + 5_000 },
        { id: "held", integrationId: "i", pacedAt: now },
      ],
      () => slack,
      now,
    );
    expect(groups[0]?.legs.map((leg) => leg.id)).toEqual(["held", "held-late", "i0", "i1"]);
    expect(callRequests(groups, 3)).toEqual([
      { id: "i", legs: 4, held: 2, needSlots: 2, intervalMs: 1_000, maxInFlight: null, perPermit: 3 },
    ]);
  });
});

describe("a batch's call plan", () => {
  it("calls the legs due within the horizon at their slots and puts the rest off to theirs", () => {
    const groups = groupLegs(legs(15), () => slack, now);
    const plan = planCalls(groups, new Map([["i", grant(now + 2_000, 15)]]), 1, 6, now);
    // Slots from now + 2 s, one a second: those up to now + 10 s are this batch's; the others are due again a little
    // before their slot, which they keep.
    expect([...plan.callAt.values()]).toEqual(Array.from({ length: 9 }, (_, i) => now + 2_000 + i * 1_000));
    expect(plan.putOff).toEqual(
      Array.from({ length: 6 }, (_, i) => ({
        deliveryId: `i${i + 9}`,
        at: now + 11_000 + i * 1_000 - SLOT_LEAD_MS,
        slot: now + 11_000 + i * 1_000,
      })),
    );
    expect(now + 2_000 + 8 * 1_000).toBeLessThanOrEqual(now + PACING_HORIZON_MS);
    expect(plan.lanes.get("i")?.concurrency).toBe(1);
  });

  it("lets a burst go at once, then spaces calls at the rate (a token bucket)", () => {
    const limits: CallLimits = { intervalMs: 100, burst: 4, maxInFlight: null, oneAtATime: false };
    const plan = planCalls(
      groupLegs(legs(7), () => limits, now),
      new Map([["i", grant(now, 7)]]),
      1,
      6,
      now,
    );
    expect([...plan.callAt.values()]).toEqual([now, now, now, now, now + 100, now + 200, now + 300]);
    // A bucket an earlier batch drained (its run ends 250 ms from now) holds a token and a half: one call now.
    const later = planCalls(
      groupLegs(legs(3), () => limits, now),
      new Map([["i", grant(now + 250, 3)]]),
      1,
      6,
      now,
    );
    expect([...later.callAt.values()]).toEqual([now, now + 50, now + 150]);
    expect(later.lanes.get("i")?.concurrency).toBe(6);
  });

  it("calls no more legs than its permits cover, and has the others wait a moment", () => {
    const limits: CallLimits = { intervalMs: 0, burst: 1, maxInFlight: 2, oneAtATime: false };
    const plan = planCalls(
      groupLegs(legs(7), () => limits, now),
      new Map([["i", grant(now, 0, 2)]]),
      3,
      6,
      now,
    );
    expect(plan.callAt.size).toBe(6);
    expect(plan.putOff).toEqual([{ deliveryId: "i6", at: now + PERMIT_WAIT_MS }]);
    expect(plan.lanes.get("i")?.concurrency).toBe(2);
    // No permit at all: every leg waits.
    const none = planCalls(
      groupLegs(legs(2), () => limits, now),
      new Map([["i", grant(now, 0, 0)]]),
      3,
      6,
      now,
    );
    expect(none.callAt.size).toBe(0);
    expect(none.putOff.map((leg) => leg.at)).toEqual([now + PERMIT_WAIT_MS, now + PERMIT_WAIT_MS]);
  });

  it("calls a leg in the slot it still holds, and gives a passed slot up for a new one ahead of the newcomers", () => {
    const groups = groupLegs(
      [
        { id: "new", integrationId: "i", pacedAt: null },
        { id: "late", integrationId: "i", pacedAt: now - 3_000 },
        { id: "held", integrationId: "i", pacedAt: now + 4_000 },
      ],
      () => slack,
      now,
    );
    expect(callRequests(groups, 1)).toEqual([
      { id: "i", legs: 3, held: 1, needSlots: 2, intervalMs: 1_000, maxInFlight: null, perPermit: 1 },
    ]);
    const plan = planCalls(groups, new Map([["i", grant(now + 5_000, 2)]]), 1, 6, now);
    expect(plan.callAt).toEqual(
      new Map([
        ["held", now + 4_000],
        ["late", now + 5_000],
        ["new", now + 6_000],
      ]),
    );
    expect(plan.putOff).toEqual([]);
  });

  it("starts a lane's calls no sooner than its bucket allows, so a lane that fell behind catches up at the rate", () => {
    const lane = { concurrency: 3, intervalMs: 100, toleranceMs: 100, tat: Number.NEGATIVE_INFINITY, strict: true };
    // Slots long past (the batch started late): a burst of two, then one every 100 ms.
    const starts = [0, 1, 2, 3].map(() => {
      const start = Math.max(now, earliestStart(lane, now - 5_000));
      markStarted(lane, start);
      return start;
    });
    expect(starts).toEqual([now, now, now + 100, now + 200]);
    expect(lane.tat).toBe(now + 400);
    // A call that started late moves the next ones on; a later slot still waits for itself.
    markStarted(lane, now + 450);
    expect(earliestStart(lane, now)).toBe(now + 450);
    expect(earliestStart(lane, now + 1_000)).toBe(now + 1_000);
  });

  it("gives a slot up when the call could only start later than the bucket's tolerance after it", () => {
    const lane = { concurrency: 3, intervalMs: 20, toleranceMs: 180, tat: Number.NEGATIVE_INFINITY, strict: true };
    expect(missesSlot(lane, now, now + 180 + LATE_CALL_ALLOWANCE_MS)).toBe(false);
    expect(missesSlot(lane, now, now + 181 + LATE_CALL_ALLOWANCE_MS)).toBe(true);
    // A vendor's default pace is Herald's caution, not a promise: its late calls go late.
    expect(missesSlot({ ...lane, strict: false }, now, now + 60_000)).toBe(false);
    // Only rates have slots: a lane held by max_in_flight alone calls whenever a permit is free.
    expect(missesSlot({ ...lane, intervalMs: 0, toleranceMs: 0 }, now, now + 60_000)).toBe(false);
  });

  it("keeps the limit across batches when a starved thread wakes late: lanes give passed slots up, not bunch", () => {
    // 50 a second with a burst of 10, every slot taken: batch A holds the first 20, batch B the 20 after them, each
    // calling in a lane of its own (its own bucket over its own calls).
    const limits: CallLimits = { intervalMs: 20, burst: 10, maxInFlight: null, oneAtATime: false };
    const [group] = groupLegs(legs(40), () => limits, now);
    const plan = planCalls([group as LimitedGroup], new Map([["i", grant(now, 40)]]), 1, 6, now);
    const slots = [...plan.callAt.values()];
    expect(rateBreaches(slots, 50, 10)).toEqual([]);
    // The thread that runs both lanes is starved of CPU from 100 ms to 700 ms: no call starts in between.
    const starved = { from: now + 100, until: now + 700 };
    const arrivals = (givesUp: boolean) =>
      [slots.slice(0, 20), slots.slice(20)].flatMap((batchSlots) => {
        const lane = { ...(plan.lanes.get("i") as Lane), tat: Number.NEGATIVE_INFINITY };
        return batchSlots.flatMap((slot) => {
          let at = earliestStart(lane, slot);
          if (at >= starved.from && at < starved.until) at = starved.until;
          if (givesUp && missesSlot(lane, slot, at)) return [];
          markStarted(lane, at);
          return [at];
        });
      });
    // Each lane's own bucket lets it burst on waking, and the two bursts together break the limit; giving up the
    // slots passed by more than the tolerance keeps it (those legs go back to take new slots).
    expect(rateBreaches(arrivals(false), 50, 10).length).toBeGreaterThan(0);
    const kept = arrivals(true);
    expect(rateBreaches(kept, 50, 10)).toEqual([]);
    expect(kept.length).toBeLessThan(40);
  });

  it("hands back, uncalled, a lane's leg whose slot passed while its earlier call ran, and calls the rest", async () => {
    const leg = (id: string) => ({ id, destination: "i" }) as never;
    const batch = [leg("slow"), leg("behind"), leg("later")];
    // One call at a time, the integration's own limit of one a second with no burst: the first call takes 1.2 s, so
    // the second could only start a second past its slot; the third's slot is still to come when the lane gets to it.
    const lane = { concurrency: 1, intervalMs: 1_000, toleranceMs: 0, tat: Number.NEGATIVE_INFINITY, strict: true };
    const start = Date.now();
    const plan = {
      callAt: new Map([
        ["slow", start],
        ["behind", start + 100],
        ["later", start + 2_000],
      ]),
      lanes: new Map([["i", lane]]),
    };
    const called: string[] = [];
    const missed: string[] = [];
    const results = await attemptAll(
      batch,
      plan,
      6,
      async (l: { id: string }) => {
        called.push(l.id);
        if (l.id === "slow") await new Promise((resolve) => setTimeout(resolve, 1_200));
        return l.id;
      },
      (l: { id: string }) => {
        missed.push(l.id);
      },
    );
    expect(missed).toEqual(["behind"]);
    expect(called).toEqual(["slow", "later"]);
    expect(results).toEqual(["slow", undefined, "later"]);
    expect(Date.now()).toBeGreaterThanOrEqual(start + 2_000);
  });
});
