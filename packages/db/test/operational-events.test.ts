import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  type AttemptRecord,
  type DeliveryRow,
  deliveries,
  FAILING_STREAK,
  failDeliveries,
  findNotificationType,
  type IntegrationStreak,
  insertIntegration,
  integrations,
  notifications,
  OPERATIONAL_EVENT_TYPES,
  recordAttempts,
} from "../src";
import { integrationRow, newId, pendingLeg, useTestDb } from "./support";

// The statements that emit Herald's operational events, against a real libSQL database: what goes in, under which
// id, and that nothing goes in twice.

const t = useTestDb();

function record(leg: Pick<DeliveryRow, "id" | "accountId">, status: AttemptRecord["status"], code: number) {
  return {
    deliveryId: leg.id,
    accountId: leg.accountId,
    attemptId: newId(),
    attempt: 1,
    status,
    startedAt: 1_000,
    durationMs: 5,
    responseCode: code,
    responseBody: null,
    error: status === "FAILED" ? `HTTP ${code}` : null,
    nextAttemptAt: status === "PENDING" ? 10_000 : null,
  } satisfies AttemptRecord;
}

/** An integration, and a way to make pending legs to it (of `type` notifications) in its account. */
async function integrationWithLegs() {
  const first = await pendingLeg(t.db, 0);
  const id = newId();
  await insertIntegration(
    t.db,
    integrationRow({ id, accountId: first.accountId, name: "ops hook", targetUrl: "https://hooks.example/ops" }),
  );
  const leg = async (type = "incidents/alerts") => {
    const made = await pendingLeg(t.db, 0);
    await t.db
      .update(notifications)
      .set({ accountId: first.accountId, type })
      .where(eq(notifications.id, made.notificationId));
    await t.db
      .update(deliveries)
      .set({ accountId: first.accountId, destination: id })
      .where(eq(deliveries.id, made.id));
    return { ...made, accountId: first.accountId, destination: id };
  };
  return { id, accountId: first.accountId, leg };
}

const streakOf = (
  integration: { id: string; accountId: string },
  failed: AttemptRecord[],
  delivered: AttemptRecord[] = [],
): IntegrationStreak => ({
  id: integration.id,
  accountId: integration.accountId,
  failedAttemptIds: failed.map((r) => r.attemptId),
  deliveredAttemptIds: delivered.map((r) => r.attemptId),
});

const typesOf = async (ids: Array<{ id: string }>) =>
  Promise.all(ids.map(async ({ id }) => (await t.db.select().from(notifications).where(eq(notifications.id, id)))[0]));

describe("the herald/* notification types", () => {
  it("are seeded by the migrations, with a default template among their templates and an e-mail subject", async () => {
    for (const type of Object.values(OPERATIONAL_EVENT_TYPES)) {
      const row = await findNotificationType(t.db, type);
      expect(row?.templates).toContain(row?.defaultTemplate);
      expect(row?.defaultEmailSubject).toMatch(/\{\{payload\.[a-z_]+\}\}/);
    }
  });
});

describe("herald/delivery.exhausted", () => {
  it("is emitted once for a leg that ends FAILED: a replayed batch and the dead-letter consumer emit nothing", async () => {
    const target = await integrationWithLegs();
    const leg = await target.leg();
    const failed = record(leg, "FAILED", 404);
    const first = await recordAttempts(t.db, { records: [failed], now: 2_000 });
    expect(first.events).toEqual([
      { id: `HERALD.DELIVERY.EXHAUSTED.${leg.id}.1`.toUpperCase(), accountId: target.accountId },
    ]);
    const [event] = await typesOf(first.events);
    expect(event).toMatchObject({ type: "herald/delivery.exhausted", status: "created", createdBy: "herald" });
    expect(event?.payload).toMatchObject({
      notification_id: leg.notificationId,
      notification_type: "incidents/alerts",
      delivery_id: leg.id,
      destination: target.id,
      integration_name: "ops hook",
      attempts: 1,
      last_error: "HTTP 404",
      response_code: 404,
    });

    expect((await recordAttempts(t.db, { records: [failed], now: 2_000 })).events).toEqual([]);
    expect(await failDeliveries(t.db, [leg.id], 3_000, "kept crashing")).toEqual({ failed: 0, events: [] });
  });

  it("is emitted by the dead-letter consumer for the legs it fails", async () => {
    const target = await integrationWithLegs();
    const leg = await target.leg();
    const { events } = await failDeliveries(t.db, [leg.id], 3_000, "kept crashing");
    expect(events).toHaveLength(1);
    const [event] = await typesOf(events);
    expect(event?.payload).toMatchObject({ delivery_id: leg.id, attempts: 0, last_error: "kept crashing" });
  });

  it("is not emitted for a leg of a herald/* notification, which counts towards no streak either", async () => {
    const target = await integrationWithLegs();
    const leg = await target.leg("herald/integration.disabled");
    const failed = record(leg, "FAILED", 500);
    const result = await recordAttempts(t.db, { records: [failed], now: 2_000, streaks: [streakOf(target, [failed])] });
    expect(result.recorded).toEqual(new Set([leg.id]));
    expect(result.events).toEqual([]);
    const [row] = await t.db.select().from(integrations).where(eq(integrations.id, target.id));
    expect(row).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });
});

describe("herald/integration.disabled", () => {
  it("is emitted by the recording that disabled the integration, and not again", async () => {
    const target = await integrationWithLegs();
    const [a, b] = [await target.leg(), await target.leg()];
    const disable = [{ accountId: target.accountId, id: target.id, reason: "HTTP 410: the endpoint is gone" }];
    const first = await recordAttempts(t.db, { records: [record(a, "FAILED", 410)], now: 5_000, disable });
    const disabled = first.events.filter((e) => e.id.startsWith("HERALD.INTEGRATION.DISABLED."));
    expect(disabled).toEqual([
      { id: `HERALD.INTEGRATION.DISABLED.${target.id}.5000`.toUpperCase(), accountId: target.accountId },
    ]);
    const [event] = await typesOf(disabled);
    expect(event?.payload).toMatchObject({
      integration_id: target.id,
      integration_name: "ops hook",
      integration_type: "webhook",
      reason: "HTTP 410: the endpoint is gone",
      disabled_at: 5_000,
    });
    // A call in flight answers 410 too, later: the integration stays disabled since 5_000, nothing is emitted, and the
    // leg that failed because it was disabled already is no delivery.exhausted either.
    const second = await recordAttempts(t.db, { records: [record(b, "FAILED", 410)], now: 6_000, disable });
    expect(second.events).toEqual([]);
  });
});

describe("herald/integration.failing", () => {
  it(`is emitted once when ${FAILING_STREAK} attempts in a row failed, and again only after a delivery reset it`, async () => {
    const target = await integrationWithLegs();
    const fail = async (count: number, now: number) => {
      const records = [];
      for (let i = 0; i < count; i++) records.push(record(await target.leg(), "PENDING", 503));
      return (await recordAttempts(t.db, { records, now, streaks: [streakOf(target, records)] })).events;
    };
    expect(await fail(FAILING_STREAK - 2, 1_000)).toEqual([]);
    const [event, ...more] = await fail(2, 2_000);
    expect(more).toEqual([]);
    expect(event).toEqual({
      id: `HERALD.INTEGRATION.FAILING.${target.id}.1000`.toUpperCase(),
      accountId: target.accountId,
    });
    expect((await typesOf([event!]))[0]?.payload).toMatchObject({
      integration_id: target.id,
      consecutive_failures: FAILING_STREAK,
      failing_since: 1_000,
    });
    // The same streak goes on: nothing more.
    expect(await fail(1, 3_000)).toEqual([]);
    // A stale consumer's attempt (not recorded) moves nothing.
    const stale = { ...record(await target.leg(), "PENDING", 503), attempt: 7 };
    await recordAttempts(t.db, { records: [stale], now: 3_500, streaks: [streakOf(target, [stale])] });
    expect((await t.db.select().from(integrations).where(eq(integrations.id, target.id)))[0]).toMatchObject({
      consecutiveFailures: FAILING_STREAK + 1,
      failingSince: 1_000,
    });

    const delivered = record(await target.leg(), "DELIVRD", 200);
    await recordAttempts(t.db, { records: [delivered], now: 4_000, streaks: [streakOf(target, [], [delivered])] });
    expect((await t.db.select().from(integrations).where(eq(integrations.id, target.id)))[0]).toMatchObject({
      consecutiveFailures: 0,
      failingSince: null,
    });
    expect(await fail(FAILING_STREAK, 5_000)).toEqual([
      { id: `HERALD.INTEGRATION.FAILING.${target.id}.5000`.toUpperCase(), accountId: target.accountId },
    ]);
  });
});
