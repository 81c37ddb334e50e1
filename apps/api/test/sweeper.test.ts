import { env } from "cloudflare:test";
import { deliveries, NOTIFICATION_STATUS, type NotificationRow, newLeg, notifications } from "@herald/db";
import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sweepStalledWork } from "../src/consumers/sweeper";
import { createServices } from "../src/services/container";
import { ACCOUNT, ISOLATED_SWEEP_GRACE_MS, signIn, subscribedReceiver } from "./delivery-helpers";

// The sweeper exists for outages: when more than a queue batch's worth of work is stalled, it must still queue all of
// it (Cloudflare takes at most 100 messages and 256 KB per sendBatch).

const STALLED = 130;

let token: string;
let platform: string;
beforeAll(async () => {
  ({ token, platform } = await signIn());
});

describe("the sweeper after an outage", () => {
  it(`queues ${STALLED} notifications never fanned out and ${STALLED} overdue legs, in sends Cloudflare accepts`, async () => {
    const { target, integration, type } = await subscribedReceiver(token, platform);
    const { db, newId } = createServices(env);

    // Stored long enough ago that only this test's sweep (with a grace as long) takes them.
    const longAgo = Date.now() - ISOLATED_SWEEP_GRACE_MS - 60_000;
    const notification = (status: NotificationRow["status"]): NotificationRow => ({
      id: newId(),
      accountId: ACCOUNT,
      type,
      notificationData: {},
      assetData: {},
      payload: { long_incident_id: "sweeper-outage" },
      attachments: null,
      status,
      longIncidentId: "sweeper-outage",
      requeuedAt: null,
      traceparent: null,
      createdAt: longAgo,
      createdBy: "test",
      modifiedAt: longAgo,
      modifiedBy: "test",
    });
    const unfanned = Array.from({ length: STALLED }, () => notification(NOTIFICATION_STATUS.created));
    const dispatched = Array.from({ length: STALLED }, () => notification(NOTIFICATION_STATUS.dispatched));
    const overdue = dispatched.map((n) =>
      newLeg({
        id: newId(),
        accountId: ACCOUNT,
        notificationId: n.id,
        subscriptionId: newId(),
        channel: "webhook",
        destination: integration.id,
        createdAt: longAgo,
      }),
    );
    for (let i = 0; i < STALLED; i += 50) {
      await db.insert(notifications).values([...unfanned.slice(i, i + 50), ...dispatched.slice(i, i + 50)]);
      await db.insert(deliveries).values(overdue.slice(i, i + 50));
    }

    const fanoutSends = vi.spyOn(env.FANOUT_QUEUE, "sendBatch");
    const deliverySends = vi.spyOn(env.DELIVERY_QUEUE, "sendBatch");
    try {
      const swept = await sweepStalledWork({ ...env, SWEEP_GRACE_SECONDS: String(ISOLATED_SWEEP_GRACE_MS / 1000) });
      expect(swept.notifications).toBeGreaterThanOrEqual(STALLED);
      expect(swept.deliveries).toBeGreaterThanOrEqual(STALLED);
      for (const [messages] of [...fanoutSends.mock.calls, ...deliverySends.mock.calls]) {
        const list = [...messages];
        expect(list.length).toBeLessThanOrEqual(100);
        expect(JSON.stringify(list).length).toBeLessThan(256 * 1024);
      }
      expect(fanoutSends.mock.calls.length).toBeGreaterThanOrEqual(2);
    } finally {
      fanoutSends.mockRestore();
      deliverySends.mockRestore();
    }

    // Everything the outage left behind is delivered: each notification's leg, and each overdue leg.
    await vi.waitFor(
      async () => {
        const legs = await db
          .select({ status: deliveries.status })
          .from(deliveries)
          .where(
            and(
              eq(deliveries.accountId, ACCOUNT),
              inArray(
                deliveries.notificationId,
                [...unfanned, ...dispatched].map((n) => n.id),
              ),
            ),
          );
        expect(legs.filter((leg) => leg.status === "DELIVRD")).toHaveLength(2 * STALLED);
      },
      { timeout: 40_000, interval: 500 },
    );
    expect(await target.calls()).toHaveLength(2 * STALLED);
  });
});
