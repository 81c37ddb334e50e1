import { env } from "cloudflare:test";
import {
  deliveries,
  fanoutDecisions,
  NOTIFICATION_STATUS,
  type NotificationRow,
  newLeg,
  notifications,
  subscriptions,
  users,
} from "@herald/db";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { fanOutBatch } from "../src/delivery/fanout";
import { createServices } from "../src/services/container";
import { unique } from "./common";
import {
  ACCOUNT,
  freshType,
  notificationRow,
  send,
  settled,
  signIn,
  subscribe,
  subscribedReceiver,
  webhookScenario,
  workerd,
} from "./delivery-helpers";
import { call, GLOBEX, login } from "./helpers";
import { decisionTools, defineDecisionScenarios } from "./scenarios/decisions.scenarios";

// The decision scenarios both runtimes share, here on the Worker in workerd; below, what needs the database itself.
defineDecisionScenarios(workerd);

const { decisions, only } = decisionTools(workerd);
let token: string;
let platform: string;
beforeAll(async () => {
  ({ token, platform } = await signIn());
});

describe("fan-out decisions, recorded once", () => {
  it("keeps the first fan-out's record when a fan-out is replayed after things changed", async () => {
    const { notification } = await webhookScenario(token, platform);
    await settled(token, notification.id, 1);
    const recorded = await decisions(token, notification.id);
    const [decision] = recorded.decisions;
    expect(decision!.decision).toBe("delivered");

    const services = createServices(env);
    // The subscription goes inactive, then the fan-out runs again (a redelivered queue message).
    await services.db
      .update(subscriptions)
      .set({ active: false })
      .where(eq(subscriptions.id, decision!.subscription_id));
    await services.db
      .update(notifications)
      .set({ status: NOTIFICATION_STATUS.dispatched })
      .where(eq(notifications.id, notification.id));
    await fanOutBatch(services, [notification.id, notification.id]);

    const rows = await services.db
      .select()
      .from(fanoutDecisions)
      .where(eq(fanoutDecisions.notificationId, notification.id));
    expect(rows).toHaveLength(1);
    expect(await decisions(token, notification.id)).toEqual(recorded);
  });

  it("records a user without an e-mail address, and a subscriber whose user is gone", async () => {
    const services = createServices(env);
    const withoutEmail = crypto.randomUUID().toUpperCase();
    const now = Date.now();
    await services.db
      .insert(users)
      .values({ id: withoutEmail, accountId: ACCOUNT, name: "No Mail", email: null, createdAt: now, modifiedAt: now });
    const gone = crypto.randomUUID().toUpperCase();
    const type = await freshType(platform);
    const subscription = await subscribe(token, type, [
      { subscriber: withoutEmail, subscriber_type: "user" },
      { subscriber: gone, subscriber_type: "user" },
    ]);
    const notification = await send(token, type);
    await settled(token, notification.id, 2);

    const decision = only(await decisions(token, notification.id));
    expect(decision.subscription_id).toBe(subscription.id);
    expect(decision.decision).toBe("delivered");
    const bySubscriber = new Map(decision.destinations!.map((d) => [d.subscriber, d]));
    expect(bySubscriber.get(withoutEmail)).toMatchObject({
      subscriber_type: "user",
      outcome: "leg",
      user_without_email: true,
      delivery: { status: "FAILED", last_error: expect.stringMatching(/no e-mail address/) },
    });
    expect(bySubscriber.get(withoutEmail)!.subscriber_missing).toBeUndefined();
    expect(bySubscriber.get(gone)).toMatchObject({ subscriber_missing: true, delivery: { status: "FAILED" } });
  });

  it("answers no decisions, without decided_at, for a notification not fanned out yet", async () => {
    const services = createServices(env);
    const id = crypto.randomUUID().toUpperCase();
    await services.db
      .insert(notifications)
      .values(notificationRow(id, ACCOUNT, Date.now(), NOTIFICATION_STATUS.created));
    const result = await call("GET", `/herald/v2/${ACCOUNT}/decisions?notification_id=${id.toLowerCase()}`, { token });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ notification_id: id, decisions: [] });
    await services.db.delete(notifications).where(eq(notifications.id, id));
  });
});

describe("notifications by their legs' status", () => {
  it("lists only the notifications with a leg in the status asked, counting only those", async () => {
    const services = createServices(env);
    const type = `test/${unique("by-leg-status")}`;
    const now = Date.now();
    const rows = [0, 1, 2].map((i) =>
      notificationRow(crypto.randomUUID().toUpperCase(), ACCOUNT, now - 1000 * (3 - i), "completed", { type }),
    );
    const [failed, delivered, quiet] = rows as [NotificationRow, NotificationRow, NotificationRow];
    const leg = (notification: NotificationRow, status: "FAILED" | "DELIVRD") => ({
      ...newLeg({
        id: crypto.randomUUID().toUpperCase(),
        accountId: ACCOUNT,
        notificationId: notification.id,
        subscriptionId: "S",
        channel: "webhook",
        destination: crypto.randomUUID().toUpperCase(),
        createdAt: notification.createdAt,
      }),
      status,
    });
    await services.db.insert(notifications).values(rows);
    // The failed one also has a delivered leg: a notification counts once, for any of its legs.
    await services.db
      .insert(deliveries)
      .values([leg(failed, "FAILED"), leg(failed, "DELIVRD"), leg(delivered, "DELIVRD")]);
    const list = async (query: string) => {
      const result = await call("GET", `/herald/v2/${ACCOUNT}/notifications/${type}?${query}`, { token });
      expect(result.status).toBe(200);
      return {
        ids: result.body.notifications.map((n: { id: string }) => n.id),
        total: result.body.total_count,
      };
    };
    expect(await list("delivery_status=FAILED")).toEqual({ ids: [failed.id], total: 1 });
    expect(await list("delivery_status=DELIVRD")).toEqual({ ids: [delivered.id, failed.id], total: 2 });
    expect(await list("delivery_status=PENDING")).toEqual({ ids: [], total: 0 });
    expect(await list("sort=asc")).toEqual({ ids: [failed.id, delivered.id, quiet.id], total: 3 });
    // Paged like any listing: the continuation id walks the filtered set.
    const first = await call("GET", `/herald/v2/${ACCOUNT}/notifications/${type}?delivery_status=DELIVRD&limit=1`, {
      token,
    });
    expect(first.body.notifications.map((n: { id: string }) => n.id)).toEqual([delivered.id]);
    const second = await list(`delivery_status=DELIVRD&limit=1&continuation_id=${first.body.continuation_id}`);
    expect(second).toEqual({ ids: [failed.id], total: 2 });

    const refused = await call("GET", `/herald/v2/${ACCOUNT}/notifications/${type}?delivery_status=LOST`, { token });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: "invalid_search_parameters", path: "delivery_status" });
  });
});

describe("delivery statistics", () => {
  // A window in the past that only this test writes to: 2026-01-01 00:00 to 03:00 UTC, in Globex's account.
  const SINCE = 1_767_225_600;
  const HOUR = 3_600_000;

  it("counts legs per hour by status and ranks latency per integration, from the stored legs", async () => {
    const globex = await login(GLOBEX);
    const services = createServices(env);
    const start = SINCE * 1000;
    const fast = crypto.randomUUID().toUpperCase();
    const slow = crypto.randomUUID().toUpperCase();
    const legs: ReturnType<typeof newLeg>[] = [];
    const rows: NotificationRow[] = [];
    // A leg as the pipeline leaves it: `calls` attempts, the last answered `code` (or failed with `error`) at `at + latency`.
    const leg = (
      at: number,
      destination: string,
      channel: "webhook" | "email",
      status: string,
      latency?: number,
      last: { calls: number; code?: number; error?: string; after?: number } = { calls: latency === undefined ? 0 : 1 },
    ) => {
      const notification = notificationRow(crypto.randomUUID().toUpperCase(), GLOBEX.accountId, at, "completed");
      rows.push(notification);
      legs.push({
        ...newLeg({
          id: crypto.randomUUID().toUpperCase(),
          accountId: GLOBEX.accountId,
          notificationId: notification.id,
          subscriptionId: "S",
          channel,
          destination,
          createdAt: at,
        }),
        status: status as "DELIVRD",
        deliveredAt: latency === undefined ? null : at + latency,
        attempts: last.calls,
        responseCode: last.code ?? (latency === undefined ? null : 200),
        lastError: last.error ?? null,
        modifiedAt: at + (latency ?? last.after ?? 0),
      });
    };
    // Hour 0: ten legs to `fast` delivered in 100, 200, ... 1000 ms (p50 500, p95 1000), one FAILED to `slow`.
    for (let i = 1; i <= 10; i++) leg(start + i * 1000, fast, "webhook", "DELIVRD", i * 100);
    leg(start + 20_000, slow, "webhook", "FAILED", undefined, { calls: 3, code: 500, error: "HTTP 500", after: 9000 });
    // Hour 2: `slow` delivered in 5 s and 7 s (p50 5000, p95 7000), one READ e-mail in 2 s, one still PENDING.
    leg(start + 2 * HOUR + 1, slow, "webhook", "DELIVRD", 7000);
    leg(start + 2 * HOUR + 2, slow, "webhook", "DELIVRD", 5000);
    leg(start + 2 * HOUR + 3, unique("user"), "email", "READ", 2000);
    leg(start + 2 * HOUR + 4, slow, "webhook", "PENDING");
    // Outside the window (until is exclusive): not counted.
    leg(start + 3 * HOUR, fast, "webhook", "DELIVRD", 1);
    await services.db.insert(notifications).values(rows);
    await services.db.insert(deliveries).values(legs);

    const result = await call(
      "GET",
      `/herald/v2/${GLOBEX.accountId}/statistics/deliveries?since=${SINCE}&until=${SINCE + 3 * 3600}`,
      { token: globex },
    );
    expect(result.status).toBe(200);
    const zero = { PENDING: 0, SENT: 0, DELIVRD: 0, READ: 0, FAILED: 0 };
    expect(result.body).toEqual({
      since: SINCE,
      until: SINCE + 3 * 3600,
      hours: [
        { hour: SINCE, total: 11, ...zero, DELIVRD: 10, FAILED: 1 },
        { hour: SINCE + 3600, total: 0, ...zero },
        { hour: SINCE + 7200, total: 4, ...zero, DELIVRD: 2, READ: 1, PENDING: 1 },
      ],
      latency: [
        {
          channel: "webhook",
          integration_id: [fast, slow].sort()[0],
          delivered: expect.any(Number),
          p50_ms: expect.any(Number),
          p95_ms: expect.any(Number),
        },
        {
          channel: "webhook",
          integration_id: [fast, slow].sort()[1],
          delivered: expect.any(Number),
          p50_ms: expect.any(Number),
          p95_ms: expect.any(Number),
        },
        { channel: "email", delivered: 1, p50_ms: 2000, p95_ms: 2000 },
      ],
      integrations: expect.any(Array),
    });
    const latencyOf = (id: string) =>
      result.body.latency.find((row: { integration_id?: string }) => row.integration_id === id);
    expect(latencyOf(fast)).toEqual({
      channel: "webhook",
      integration_id: fast,
      delivered: 10,
      p50_ms: 500,
      p95_ms: 1000,
    });
    expect(latencyOf(slow)).toEqual({
      channel: "webhook",
      integration_id: slow,
      delivered: 2,
      p50_ms: 5000,
      p95_ms: 7000,
    });

    // Per integration: its legs by outcome, the calls made, and its last call (the last leg called).
    const healthOf = (id: string) =>
      result.body.integrations.find((row: { integration_id: string }) => row.integration_id === id);
    expect(result.body.integrations).toHaveLength(2);
    expect(healthOf(fast)).toEqual({
      integration_id: fast,
      legs: 10,
      delivered: 10,
      failed: 0,
      pending: 0,
      attempts: 10,
      failure_rate: 0,
      last_attempt_at: SINCE + 11,
      last_response_code: 200,
    });
    expect(healthOf(slow)).toEqual({
      integration_id: slow,
      legs: 4,
      delivered: 2,
      failed: 1,
      pending: 1,
      attempts: 5,
      failure_rate: 1 / 3,
      last_attempt_at: Math.floor((start + 2 * HOUR + 1 + 7000) / 1000),
      last_response_code: 200,
    });

    // Acme sees none of Globex's legs in the same window, and cannot read Globex's statistics.
    const acme = await call(
      "GET",
      `/herald/v2/${ACCOUNT}/statistics/deliveries?since=${SINCE}&until=${SINCE + 3 * 3600}`,
      {
        token,
      },
    );
    expect(acme.status).toBe(200);
    expect(acme.body.hours.map((hour: { total: number }) => hour.total)).toEqual([0, 0, 0]);
    expect(acme.body.latency).toEqual([]);
    expect(acme.body.integrations).toEqual([]);
    const foreign = await call("GET", `/herald/v2/${GLOBEX.accountId}/statistics/deliveries`, { token });
    expect(foreign.status).toBe(403);
  });

  it("counts, by default, the legs of the very second it is asked in", async () => {
    const globex = await login(GLOBEX);
    const services = createServices(env);
    const at = Date.now();
    const notification = notificationRow(crypto.randomUUID().toUpperCase(), GLOBEX.accountId, at, "completed");
    const destination = crypto.randomUUID().toUpperCase();
    await services.db.insert(notifications).values(notification);
    await services.db.insert(deliveries).values({
      ...newLeg({
        id: crypto.randomUUID().toUpperCase(),
        accountId: GLOBEX.accountId,
        notificationId: notification.id,
        subscriptionId: "S",
        channel: "webhook",
        destination,
        createdAt: at,
      }),
      status: "DELIVRD",
      deliveredAt: at + 5,
    });
    const result = await call("GET", `/herald/v2/${GLOBEX.accountId}/statistics/deliveries`, { token: globex });
    expect(result.status).toBe(200);
    // `until` is exclusive: the second after the one asked in.
    expect(result.body.until).toBeGreaterThan(Math.floor(at / 1000));
    const row = result.body.latency.find((r: { integration_id?: string }) => r.integration_id === destination);
    expect(row).toMatchObject({ delivered: 1, p50_ms: 5, p95_ms: 5 });
  });

  it("defaults to the last 24 hours, with the integration's name and type, over real deliveries", async () => {
    const { integration, type } = await subscribedReceiver(token, platform);
    const sent = [await send(token, type), await send(token, type)];
    for (const notification of sent) await settled(token, notification.id, 1);

    const result = await call("GET", `/herald/v2/${ACCOUNT}/statistics/deliveries`, { token });
    expect(result.status).toBe(200);
    expect(result.body.until - result.body.since).toBe(86_400);
    expect(Math.abs(result.body.until - Date.now() / 1000)).toBeLessThan(60);
    expect(result.body.hours.length).toBeGreaterThanOrEqual(24);
    expect(
      result.body.hours.reduce((sum: number, hour: { DELIVRD: number }) => sum + hour.DELIVRD, 0),
    ).toBeGreaterThanOrEqual(2);
    const row = result.body.latency.find((r: { integration_id?: string }) => r.integration_id === integration.id);
    expect(row).toMatchObject({ channel: "webhook", integration_type: "webhook", delivered: 2 });
    expect(row.integration_name).toMatch(/^hook-/);
    expect(row.p50_ms).toBeGreaterThanOrEqual(0);
    expect(row.p95_ms).toBeGreaterThanOrEqual(row.p50_ms);
    // The real pipeline's legs give the integration's health: both delivered in one call each, the last a 200.
    const health = result.body.integrations.find(
      (r: { integration_id: string }) => r.integration_id === integration.id,
    );
    expect(health).toMatchObject({
      integration_type: "webhook",
      legs: 2,
      delivered: 2,
      failed: 0,
      attempts: 2,
      failure_rate: 0,
      last_response_code: 200,
    });
    expect(Math.abs(health.last_attempt_at - Date.now() / 1000)).toBeLessThan(120);
  });

  it.each([
    ["since=abc", "since"],
    ["since=-5", "since"],
    ["since=100&until=100", "until"],
    ["since=200&until=100", "until"],
    [`since=0&until=${7 * 86_400 + 1}`, "since"],
    [`since=${Math.floor(Date.now() / 1000) + 3600}`, "since"],
    ["until=1000000000&since=1", "since"],
  ])("answers 400 in Herald's shape for %s", async (query, path) => {
    const result = await call("GET", `/herald/v2/${ACCOUNT}/statistics/deliveries?${query}`, { token });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: expect.any(String), details: expect.any(String), path });
  });
});
