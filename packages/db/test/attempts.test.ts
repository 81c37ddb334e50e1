import { eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  type AttemptRecord,
  claimDeliveries,
  deliveries,
  deliveryAttempts,
  failDeliveries,
  findDeliveryForReceipt,
  insertIntegration,
  notifications,
  recordAttempts,
  reserveCalls,
} from "../src";
import { integrationRow, newId, pendingLeg, useTestDb } from "./support";

const t = useTestDb();

function record(
  leg: { id: string; accountId: string },
  status: AttemptRecord["status"],
  responseCode: number,
  attempt = 1,
): AttemptRecord {
  return {
    deliveryId: leg.id,
    accountId: leg.accountId,
    attemptId: newId(),
    attempt,
    status,
    startedAt: 1_000,
    durationMs: 5,
    responseCode,
    responseBody: null,
    error: status === "PENDING" ? `HTTP ${responseCode}` : null,
    nextAttemptAt: status === "PENDING" ? 10_000 : null,
  };
}

const attemptsOf = async (id: string) =>
  (await t.db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id))).map((row) => [
    row.attempt,
    row.responseCode,
  ]);

describe("claimDeliveries", () => {
  it("claims the due, unleased legs among many and tells why the others were not taken", async () => {
    const [due, later, leased] = [await pendingLeg(t.db, 0), await pendingLeg(t.db, 5_000), await pendingLeg(t.db, 0)];
    expect((await claimDeliveries(t.db, [leased.id], 1_000, 60_000)).claimed).toHaveLength(1);

    const batch = await claimDeliveries(t.db, [due.id, later.id, leased.id, newId()], 1_000, 60_000);
    expect(batch.claimed.map((leg) => leg.id)).toEqual([due.id]);
    expect(batch.claimed[0]?.leaseUntil).toBe(61_000);
    expect(Object.fromEntries(batch.unclaimed.map((leg) => [leg.id, [leg.leaseUntil, leg.nextAttemptAt]]))).toEqual({
      [later.id]: [null, 5_000],
      [leased.id]: [61_000, 0],
    });
    // Everything attempting them needs came back in the same round trip.
    expect([...batch.notifications.keys()].sort()).toEqual(
      [due.notificationId, later.notificationId, leased.notificationId].sort(),
    );
  });

  it("lets a second consumer take a leg only once the first one's lease ran out", async () => {
    const leg = await pendingLeg(t.db, 0);
    expect((await claimDeliveries(t.db, [leg.id], 1_000, 100)).claimed).toHaveLength(1);
    expect((await claimDeliveries(t.db, [leg.id], 1_050, 100)).claimed).toHaveLength(0);
    expect((await claimDeliveries(t.db, [leg.id], 1_200, 100)).claimed).toHaveLength(1);
  });
});

describe("recordAttempts", () => {
  it("stores each attempt's request headers as given (a JSON object), and none for an attempt without a call", async () => {
    const [called, skipped] = [await pendingLeg(t.db, 0), await pendingLeg(t.db, 0)];
    await claimDeliveries(t.db, [called.id, skipped.id], 1_000, 60_000);
    const headers = { "webhook-id": "msg_1", "webhook-signature": "v1,****", "x-team": "ops" };
    await recordAttempts(t.db, {
      records: [{ ...record(called, "DELIVRD", 200), requestHeaders: headers }, record(skipped, "FAILED", 0)],
      now: 2_000,
    });
    const rows = await t.db
      .select({ deliveryId: deliveryAttempts.deliveryId, requestHeaders: deliveryAttempts.requestHeaders })
      .from(deliveryAttempts)
      .where(inArray(deliveryAttempts.deliveryId, [called.id, skipped.id]));
    expect(Object.fromEntries(rows.map((row) => [row.deliveryId, row.requestHeaders]))).toEqual({
      [called.id]: headers,
      [skipped.id]: null,
    });
  });

  it("records the first of two consumers' same attempt, and refuses the second whole", async () => {
    const leg = await pendingLeg(t.db, 0);
    // A claims, outlives its lease; B claims the same leg after it. Both call the target: attempt 1 twice.
    await claimDeliveries(t.db, [leg.id], 1_000, 100);
    await claimDeliveries(t.db, [leg.id], 1_200, 100);

    expect((await recordAttempts(t.db, { records: [record(leg, "PENDING", 500)], now: 2_000 })).recorded).toEqual(
      new Set([leg.id]),
    );
    expect((await recordAttempts(t.db, { records: [record(leg, "DELIVRD", 200)], now: 2_000 })).recorded).toEqual(
      new Set(),
    );

    // The leg and its attempts tell the same story: the first record, and nothing of the second.
    expect(await findDeliveryForReceipt(t.db, leg.id)).toMatchObject({
      status: "PENDING",
      attempts: 1,
      responseCode: 500,
      nextAttemptAt: 10_000,
      leaseUntil: null,
    });
    expect(await attemptsOf(leg.id)).toEqual([[1, 500]]);
  });

  it("records a leg's siblings when another consumer already recorded that leg's attempt", async () => {
    const [taken, first, second] = [await pendingLeg(t.db, 0), await pendingLeg(t.db, 0), await pendingLeg(t.db, 0)];
    await recordAttempts(t.db, { records: [record(taken, "DELIVRD", 200)], now: 2_000 });

    const { recorded } = await recordAttempts(t.db, {
      records: [record(first, "DELIVRD", 204), record(taken, "PENDING", 503), record(second, "FAILED", 404)],
      now: 3_000,
    });
    expect(recorded).toEqual(new Set([first.id, second.id]));
    expect(await findDeliveryForReceipt(t.db, first.id)).toMatchObject({ status: "DELIVRD", deliveredAt: 3_000 });
    expect(await findDeliveryForReceipt(t.db, second.id)).toMatchObject({ status: "FAILED", responseCode: 404 });
    expect(await findDeliveryForReceipt(t.db, taken.id)).toMatchObject({ status: "DELIVRD", responseCode: 200 });
    expect(await attemptsOf(taken.id)).toEqual([[1, 200]]);
  });

  it("keeps what an attempt did not learn, sets what it did, and completes notifications with no leg waiting", async () => {
    const leg = await pendingLeg(t.db, 0);
    await t.db.update(deliveries).set({ address: "https://kept.example" }).where(eq(deliveries.id, leg.id));
    await recordAttempts(t.db, {
      records: [{ ...record(leg, "DELIVRD", 200), subject: "Hello", providerMessageId: null }],
      now: 4_000,
    });
    expect(await findDeliveryForReceipt(t.db, leg.id)).toMatchObject({
      address: "https://kept.example",
      subject: "Hello",
      sentAt: 1_000,
      deliveredAt: 4_000,
    });
    const [notification] = await t.db.select().from(notifications).where(eq(notifications.id, leg.notificationId));
    expect(notification?.status).toBe("completed");
  });

  it("leaves a notification dispatched while one of its legs still waits", async () => {
    const leg = await pendingLeg(t.db, 0);
    const sibling = { ...leg, id: newId(), destination: newId() };
    await t.db.insert(deliveries).values(sibling);
    await recordAttempts(t.db, { records: [record(leg, "DELIVRD", 200)], now: 5_000 });
    const status = async () =>
      (await t.db.select().from(notifications).where(eq(notifications.id, leg.notificationId)))[0]?.status;
    expect(await status()).toBe("dispatched");
    await recordAttempts(t.db, { records: [record(sibling, "FAILED", 400)], now: 6_000 });
    expect(await status()).toBe("completed");
  });

  it("disables the integrations that answered 410 in the same round trip", async () => {
    const leg = await pendingLeg(t.db, 0);
    // The integration row is not needed for the statement to run: it updates whatever matches.
    const { recorded } = await recordAttempts(t.db, {
      records: [record(leg, "FAILED", 410)],
      now: 7_000,
      disable: [{ accountId: leg.accountId, id: leg.destination, reason: "HTTP 410" }],
    });
    expect(recorded).toEqual(new Set([leg.id]));
  });
});

describe("reserveCalls", () => {
  const slackRow = (leg: { destination: string; accountId: string }, extra = {}) =>
    integrationRow({
      id: leg.destination,
      accountId: leg.accountId,
      name: "slack",
      type: "slack",
      targetUrl: "https://hooks.slack.com/services/T/B/x",
      ...extra,
    });
  const request = (id: string, extra = {}) => ({
    id,
    legs: 3,
    held: 0,
    needSlots: 3,
    intervalMs: 1_000,
    maxInFlight: null,
    perPermit: 1,
    ...extra,
  });

  it("reserves runs of slots in turn and lengthens only the leases the batch still holds", async () => {
    const [held, takenOver] = [await pendingLeg(t.db, 0), await pendingLeg(t.db, 0)];
    await insertIntegration(t.db, slackRow(held));
    expect((await claimDeliveries(t.db, [held.id, takenOver.id], 1_000, 30_000)).claimed).toHaveLength(2);
    // Another consumer took the second leg over after this batch's lease ran out (a stalled consumer).
    await t.db.update(deliveries).set({ leaseUntil: 99_000 }).where(eq(deliveries.id, takenOver.id));

    const extend = { deliveryIds: [held.id, takenOver.id], from: 31_000, until: 41_000 };
    expect(await reserveCalls(t.db, [request(held.destination)], "a", 1_000, extend)).toEqual(
      new Map([[held.destination, { permits: 3, firstSlot: 1_000, slots: 3 }]]),
    );
    // The next batch's run starts where this one's ended.
    expect(await reserveCalls(t.db, [request(held.destination)], "b", 1_500, extend)).toEqual(
      new Map([[held.destination, { permits: 3, firstSlot: 4_000, slots: 3 }]]),
    );

    const leases = await t.db
      .select({ id: deliveries.id, leaseUntil: deliveries.leaseUntil })
      .from(deliveries)
      .where(inArray(deliveries.id, [held.id, takenOver.id]));
    expect(Object.fromEntries(leases.map((leg) => [leg.id, leg.leaseUntil]))).toEqual({
      [held.id]: 41_000,
      [takenOver.id]: 99_000,
    });
  });

  it("grants max_in_flight permits across holders, slots only for the legs they let a batch call, and frees them", async () => {
    const leg = await pendingLeg(t.db, 0);
    await insertIntegration(t.db, slackRow(leg, { maxInFlight: 2 }));
    const extend = { deliveryIds: [], from: 0, until: 60_000 };
    const limited = request(leg.destination, { legs: 5, needSlots: 5, maxInFlight: 2, perPermit: 2 });
    // Two permits, each good for two calls in this batch: four slots.
    expect(await reserveCalls(t.db, [limited], "first", 1_000, extend)).toEqual(
      new Map([[leg.destination, { permits: 2, firstSlot: 1_000, slots: 4 }]]),
    );
    // Nothing left for another batch: no permit, no slot taken from the integration's run.
    expect(await reserveCalls(t.db, [limited], "second", 1_100, extend)).toEqual(
      new Map([[leg.destination, { permits: 0, firstSlot: 5_000, slots: 0 }]]),
    );
    // Given back when the first batch records; expired permits free themselves.
    await recordAttempts(t.db, { records: [], now: 2_000, permitHolder: "first" });
    expect((await reserveCalls(t.db, [limited], "third", 2_000, extend)).get(leg.destination)?.permits).toBe(2);
    expect((await reserveCalls(t.db, [limited], "fourth", 61_000, extend)).get(leg.destination)?.permits).toBe(2);
  });
});

describe("failDeliveries", () => {
  it("fails only the legs still waiting and completes their notifications", async () => {
    const [waiting, delivered] = [await pendingLeg(t.db, 0), await pendingLeg(t.db, 0)];
    await recordAttempts(t.db, { records: [record(delivered, "DELIVRD", 200)], now: 2_000 });
    expect(await failDeliveries(t.db, [waiting.id, delivered.id], 3_000, "kept crashing")).toMatchObject({ failed: 1 });
    const rows = await t.db
      .select()
      .from(deliveries)
      .where(inArray(deliveries.id, [waiting.id, delivered.id]));
    expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual({
      [waiting.id]: "FAILED",
      [delivered.id]: "DELIVRD",
    });
    const [notification] = await t.db.select().from(notifications).where(eq(notifications.id, waiting.notificationId));
    expect(notification?.status).toBe("completed");
  });
});
