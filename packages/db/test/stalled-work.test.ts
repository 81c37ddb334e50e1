import { describe, expect, it } from "vitest";
import { claimDeliveries, takeStalledWork } from "../src";
import { pendingLeg, storedNotification, useTestDb } from "./support";

const t = useTestDb();

const GRACE = 120_000;

const takenNotifications = async (now: number) =>
  (await takeStalledWork(t.db, now, GRACE, 500)).notifications.map((notification) => notification.id);
const taken = async (now: number) => (await takeStalledWork(t.db, now, GRACE, 500)).deliveries.map((leg) => leg.id);

describe("stalled work", () => {
  it("takes an overdue leg once per grace period, not on every sweep while its message waits", async () => {
    const base = 10_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const leg = await pendingLeg(t.db, base);
    expect(await taken(base + GRACE - 1)).not.toContain(leg.id);
    expect(await taken(base + GRACE + 1)).toContain(leg.id);
    // The next sweeps, a minute apart, find it queued again a moment ago.
    expect(await taken(base + GRACE + 60_000)).not.toContain(leg.id);
    expect(await taken(base + 2 * GRACE)).not.toContain(leg.id);
    expect(await taken(base + 2 * GRACE + 2)).toContain(leg.id);
  });

  it("leaves a leg alone while a consumer holds its lease", async () => {
    const base = 20_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const leg = await pendingLeg(t.db, base);
    expect((await claimDeliveries(t.db, [leg.id], base + GRACE, 60_000)).claimed).toHaveLength(1);
    expect(await taken(base + GRACE + 30_000)).not.toContain(leg.id);
    expect(await taken(base + GRACE + 60_001)).toContain(leg.id);
  });

  it("takes a notification never fanned out once per grace period, and never one that was", async () => {
    const base = 30_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const lost = await storedNotification(t.db, "created", base);
    const done = await storedNotification(t.db, "dispatched", base);
    expect(await takenNotifications(base + GRACE - 1)).not.toContain(lost.id);
    const first = await takenNotifications(base + GRACE + 1);
    expect(first).toContain(lost.id);
    expect(first).not.toContain(done.id);
    // Queued again a moment ago: left alone until another grace period has passed.
    expect(await takenNotifications(base + GRACE + 60_000)).not.toContain(lost.id);
    expect(await takenNotifications(base + 2 * GRACE + 2)).toContain(lost.id);
  });
});
