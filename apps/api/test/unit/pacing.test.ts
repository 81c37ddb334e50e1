import { describe, expect, it } from "vitest";
import { PACING_HORIZON_MS, planCalls, slotRequests } from "../../src/delivery/channels/pacing";

const interval = (id: string) => (id === "slack" ? 1_000 : 400);
const now = 1_000_000;

describe("pacing", () => {
  it("asks one slot per leg that holds none, per integration", () => {
    const legs = [
      { id: "a", integrationId: "slack", pacedAt: null },
      { id: "b", integrationId: "slack", pacedAt: now + 5_000 },
      { id: "c", integrationId: "slack", pacedAt: null },
      { id: "d", integrationId: "discord", pacedAt: null },
    ];
    expect(slotRequests(legs, interval)).toEqual([
      { id: "slack", count: 2, intervalMs: 1_000 },
      { id: "discord", count: 1, intervalMs: 400 },
    ]);
  });

  it("calls the legs due within the horizon at their slots and defers the rest to theirs", () => {
    const legs = Array.from({ length: 15 }, (_, i) => ({ id: `leg${i}`, integrationId: "slack", pacedAt: null }));
    const plan = planCalls(legs, new Map([["slack", now + 2_000]]), interval, now);
    // Slots from now + 2 s, one a second: those up to now + 10 s are this batch's.
    expect([...plan.callAt.values()]).toEqual(Array.from({ length: 9 }, (_, i) => now + 2_000 + i * 1_000));
    expect(plan.defer).toEqual(
      Array.from({ length: 6 }, (_, i) => ({ deliveryId: `leg${i + 9}`, slot: now + 11_000 + i * 1_000 })),
    );
    expect(now + 2_000 + 8 * 1_000).toBeLessThanOrEqual(now + PACING_HORIZON_MS);
  });

  it("calls a leg in the slot it already holds, at once when that slot has passed", () => {
    const plan = planCalls(
      [
        { id: "late", integrationId: "slack", pacedAt: now - 3_000 },
        { id: "held", integrationId: "slack", pacedAt: now + 4_000 },
      ],
      new Map(),
      interval,
      now,
    );
    expect(plan.callAt).toEqual(
      new Map([
        ["late", now],
        ["held", now + 4_000],
      ]),
    );
    expect(plan.defer).toEqual([]);
  });
});
