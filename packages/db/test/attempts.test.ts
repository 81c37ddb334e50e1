import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttemptResult, claimDelivery, deliveryAttempts, findDelivery, recordAttempt } from "../src";
import { newId, openTestDb, pendingLeg, type TestDb } from "./support";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(() => t.close());

function attempt(deliveryId: string, status: AttemptResult["status"], responseCode: number): AttemptResult {
  return {
    deliveryId,
    status,
    now: 2_000,
    attempt: {
      id: newId(),
      attempt: 1,
      startedAt: 1_000,
      durationMs: 5,
      responseCode,
      responseBody: null,
      error: status === "PENDING" ? `HTTP ${responseCode}` : null,
      nextAttemptAt: status === "PENDING" ? 10_000 : null,
    },
  };
}

describe("recordAttempt", () => {
  it("lets the first of two consumers that made the same attempt record it, and refuses the second whole", async () => {
    const leg = await pendingLeg(t.db, 0);
    // A claims, outlives its lease; B claims the same leg after it. Both call the target: attempt 1 twice.
    expect(await claimDelivery(t.db, leg.id, 1_000, 100)).toBeDefined();
    expect(await claimDelivery(t.db, leg.id, 1_200, 100)).toBeDefined();

    expect(await recordAttempt(t.db, leg.accountId, attempt(leg.id, "PENDING", 500))).toBe(true);
    expect(await recordAttempt(t.db, leg.accountId, attempt(leg.id, "DELIVRD", 200))).toBe(false);

    // The leg and its attempts tell the same story: the first record, and nothing of the second.
    const stored = await findDelivery(t.db, leg.id);
    expect(stored).toMatchObject({ status: "PENDING", attempts: 1, responseCode: 500, nextAttemptAt: 10_000 });
    const attempts = await t.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, leg.id));
    expect(attempts.map((row) => [row.attempt, row.responseCode])).toEqual([[1, 500]]);
  });

  it("records a delivery and its attempt together", async () => {
    const leg = await pendingLeg(t.db, 0);
    expect(await claimDelivery(t.db, leg.id, 1_000, 100)).toBeDefined();
    expect(await recordAttempt(t.db, leg.accountId, attempt(leg.id, "DELIVRD", 200))).toBe(true);
    expect(await findDelivery(t.db, leg.id)).toMatchObject({ status: "DELIVRD", attempts: 1, leaseUntil: null });
  });
});
