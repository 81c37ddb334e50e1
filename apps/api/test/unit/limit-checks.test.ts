import { describe, expect, it } from "vitest";
import { ARRIVAL_JITTER_MS, mostAtOnce, rateBreaches } from "../../src/lib/limit-checks";

// The checks the storm scenarios and the benchmark's storm judge Herald with: they must see a breach when there is one.
describe("limit checks", () => {
  const spaced = (count: number, intervalMs: number, from = 0) =>
    Array.from({ length: count }, (_, i) => from + i * intervalMs);

  it("accepts a burst followed by calls at the rate, in any order", () => {
    const arrivals = [...spaced(10, 0), ...spaced(40, 20, 20)];
    expect(rateBreaches(arrivals.reverse(), 50, 10)).toEqual([]);
  });

  it("flags the calls that come sooner than the burst and the rate allow, jitter allowed", () => {
    // A burst of 10 plus the jitter (25 ms, more than one 20 ms interval) lets 11 arrive at once; a twelfth is early.
    expect(rateBreaches(spaced(11, 0), 50, 10)).toEqual([]);
    expect(rateBreaches(spaced(12, 0), 50, 10)).toEqual([0]);
    // After those 11, the next is due at 11 x 20 ms, less the burst's 9 intervals and the jitter; 1 ms sooner breaches.
    const due = 11 * 20 - (9 * 20 + ARRIVAL_JITTER_MS);
    expect(rateBreaches([...spaced(11, 0), due], 50, 10)).toEqual([]);
    expect(rateBreaches([...spaced(11, 0), due - 1], 50, 10)).toEqual([due - 1]);
    // Sustained at twice the rate, the bucket empties after its burst and every further call is flagged.
    expect(rateBreaches(spaced(40, 10), 50, 10).length).toBeGreaterThan(15);
  });

  it("counts the calls open at once, each for the answer time after its arrival", () => {
    expect(mostAtOnce([], 40)).toBe(0);
    expect(mostAtOnce(spaced(5, 40), 40)).toBe(1);
    expect(mostAtOnce([0, 10, 20, 30, 50], 40)).toBe(4);
    expect(mostAtOnce([30, 0, 39, 80], 40)).toBe(3);
  });
});
