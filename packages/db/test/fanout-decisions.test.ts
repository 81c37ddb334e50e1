import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  type FanoutDecisionRecord,
  fanoutDecisions,
  findFanoutDecisions,
  newLeg,
  notifications,
  openSuppressionWindows,
  writeFanout,
} from "../src";
import { newId, storedNotification, useTestDb } from "./support";

const t = useTestDb();

describe("fan-out decisions", () => {
  it("are written with the legs, once: a replay keeps the first fan-out's record", async () => {
    const { id, accountId } = await storedNotification(t.db, "created", 1_000);
    const first: FanoutDecisionRecord[] = [{ s: "S1", d: "filtered", f: [{ p: "=", o: "=", l: "low", r: "high" }] }];
    const leg = newLeg({
      id: newId(),
      accountId,
      notificationId: id,
      subscriptionId: "S2",
      channel: "webhook",
      destination: "I",
      createdAt: 2_000,
    });
    const pending = await writeFanout(t.db, [leg], [id], 2_000, [{ notificationId: id, accountId, decisions: first }]);
    expect(pending.map((p) => p.id)).toEqual([leg.id]);
    await writeFanout(t.db, [{ ...leg, id: newId() }], [id], 3_000, [
      { notificationId: id, accountId, decisions: [{ s: "S1", d: "inactive" }] },
    ]);

    const found = await findFanoutDecisions(t.db, accountId, id);
    expect(found?.row).toEqual({ notificationId: id, accountId, decidedAt: 2_000, decisions: first });
    expect(await findFanoutDecisions(t.db, "another-account", id)).toBeUndefined();
  });

  it("go with their notification", async () => {
    const { id, accountId } = await storedNotification(t.db, "created", 1_000);
    await writeFanout(t.db, [], [id], 2_000, [
      { notificationId: id, accountId, decisions: [{ s: "S", d: "inactive" }] },
    ]);
    await t.db.run("PRAGMA foreign_keys = ON");
    try {
      await t.db.delete(notifications).where(eq(notifications.id, id));
    } finally {
      await t.db.run("PRAGMA foreign_keys = OFF");
    }
    expect(await t.db.select().from(fanoutDecisions).where(eq(fanoutDecisions.notificationId, id))).toEqual([]);
  });
});

describe("suppression window holders", () => {
  it("name the notification holding each window and when it opened it, read in the same round trip", async () => {
    const subscriptionId = newId();
    const window = { subscriptionId, key: "incident:A", windowMs: 60_000 };
    const first = await openSuppressionWindows(t.db, [{ ...window, notificationId: "N1" }], 10_000);
    expect(first.opened).toEqual(new Set([`${subscriptionId}/incident:A/N1`]));
    const repeat = await openSuppressionWindows(t.db, [{ ...window, notificationId: "N2" }], 20_000);
    expect(repeat.opened).toEqual(new Set());
    expect(repeat.holders.get(`${subscriptionId}/incident:A`)).toEqual({ notificationId: "N1", notifiedAt: 10_000 });
  });
});
