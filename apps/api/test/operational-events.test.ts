import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { deliveries as deliveryRows, FAILING_STREAK, integrations, notifications } from "@herald/db";
import { and, eq, like, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sweepStalledWork } from "../src/consumers/sweeper";
import { fanOutBatch } from "../src/delivery/fanout";
import worker from "../src/index";
import { createServices } from "../src/services/container";
import {
  ACCOUNT,
  ACME_USER,
  createIntegration,
  freshType,
  ISOLATED_SWEEP_GRACE_MS,
  receiver,
  send,
  settled,
  subscribe,
  subscribedReceiver,
} from "./delivery-helpers";
import { ACME, call, GLOBEX, login, PLATFORM } from "./helpers";

// Herald's operational events end to end, inside workerd on the real queues: the causes (a 410, retries running out,
// a failure streak) are recorded with their herald/* notifications, which fan out to whoever subscribed like any
// other notification. Each test filters on its own integration or leg: the tests of this file share one database.

const db = () => createServices(env).db;
const waiting = { timeout: 25_000, interval: 100 };

/** The herald/* notifications of `type` whose payload's `key` is `value`, in every account. */
async function events(type: string, key: string, value: string) {
  return db()
    .select()
    .from(notifications)
    .where(and(eq(notifications.type, type), sql`json_extract(${notifications.payload}, ${`$.${key}`}) = ${value}`));
}

let token: string;
let globex: string;
let platform: string;
beforeAll(async () => {
  token = await login(ACME);
  globex = await login(GLOBEX);
  platform = await login(PLATFORM);
});

/** A receiver subscribed through a fresh integration to `type`, for notifications whose `payload.<key>` is `value`. */
async function watcher(type: string, key: string, value: string, steps = [{ status: 200 }], user?: string) {
  const target = await receiver(steps);
  const integration = await createIntegration(token, target.url);
  const subscribers: Array<{ subscriber: string; subscriber_type: "connection" | "user" }> = [
    { subscriber: integration.id, subscriber_type: "connection" },
  ];
  if (user) subscribers.push({ subscriber: user, subscriber_type: "user" });
  await subscribe(token, type, subscribers, {
    filters: { "=": [{ source: `payload.${key}` }, value] },
  });
  return { target, integration };
}

describe("operational events", () => {
  it("a 410 disables the integration and emits herald/integration.disabled to its account's subscribers only", async () => {
    const goneTarget = await receiver([{ status: 410 }]);
    const gone = await createIntegration(token, goneTarget.url);
    // Watched by a webhook and by e-mail to the seeded user.
    const watch = await watcher("herald/integration.disabled", "integration_id", gone.id, [{ status: 200 }], ACME_USER);
    // Globex watches the same type: another account's integration is none of its business.
    const globexTarget = await receiver();
    const globexHook = await call("POST", "/herald/v2/87654321/integrations", {
      token: globex,
      body: { name: "globex watcher", target_url: globexTarget.url, headers: {} },
    });
    expect(globexHook.status).toBe(201);
    const globexSub = await call("POST", "/herald/v2/87654321/subscriptions", {
      token: globex,
      body: {
        name: "globex ops",
        class: "event",
        notification_type: "herald/integration.disabled",
        subscribers: [{ subscriber: globexHook.body.id, subscriber_type: "connection" }],
      },
    });
    expect(globexSub.status).toBe(201);

    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: gone.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("FAILED");

    const calls = await vi.waitFor(async () => {
      const received = await watch.target.calls();
      expect(received).toHaveLength(1);
      return received;
    }, waiting);
    const body = JSON.parse(calls[0]!.body);
    expect(JSON.stringify(body)).toContain("herald/integration.disabled");
    const [event] = await events("herald/integration.disabled", "integration_id", gone.id);
    expect(event).toMatchObject({ accountId: ACCOUNT, status: expect.stringMatching(/dispatched|completed/) });
    expect(event!.payload).toMatchObject({
      integration_id: gone.id,
      integration_type: "webhook",
      reason: "HTTP 410: the endpoint is gone",
    });
    expect(typeof event!.payload.integration_name).toBe("string");
    expect(typeof event!.payload.disabled_at).toBe("number");
    expect(JSON.stringify(body)).toContain(gone.id);
    // The e-mail's subject is the type's default.
    const legs = await settled(token, event!.id, 2);
    const email = legs.find((l) => l.channel === "email");
    expect(email).toMatchObject({ status: "DELIVRD" });
    expect(email?.subject).toBe(
      `Herald disabled integration ${event!.payload.integration_name} : HTTP 410: the endpoint is gone`,
    );
    // Exactly one event, in Acme only; Globex's subscriber heard nothing.
    expect(await events("herald/integration.disabled", "integration_id", gone.id)).toHaveLength(1);
    expect(await globexTarget.calls()).toEqual([]);
  });

  it("a leg that exhausts its retries emits herald/delivery.exhausted, once, with its attempts and last error", async () => {
    const { integration, type } = await subscribedReceiver(token, platform, [{ status: 503 }]);
    const notification = await send(token, type);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("FAILED");

    const exhausted = await vi.waitFor(async () => {
      const found = await events("herald/delivery.exhausted", "delivery_id", leg!.id);
      expect(found).toHaveLength(1);
      return found[0]!;
    }, waiting);
    expect(exhausted.accountId).toBe(ACCOUNT);
    expect(exhausted.payload).toMatchObject({
      notification_id: notification.id,
      notification_type: type,
      destination: integration.id,
      attempts: 4,
      response_code: 503,
    });
    expect(exhausted.payload.last_error).toMatch(/retries exhausted/);

    // A replayed delivery message, and the dead-letter consumer failing the same leg again, emit nothing twice.
    const replay = createMessageBatch("herald-deliveries", [
      {
        id: "replay",
        timestamp: new Date(),
        attempts: 1,
        body: { v: 2, account_id: ACCOUNT, delivery_ids: [leg!.id] },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(replay, env, ctx);
    await getQueueResult(replay, ctx);
    const dead = createMessageBatch("herald-deliveries-dlq", [
      { id: "dead", timestamp: new Date(), attempts: 1, body: { v: 2, account_id: ACCOUNT, delivery_ids: [leg!.id] } },
    ]);
    const deadCtx = createExecutionContext();
    await worker.queue(dead, env, deadCtx);
    await getQueueResult(dead, deadCtx);
    expect(await events("herald/delivery.exhausted", "delivery_id", leg!.id)).toHaveLength(1);
  });

  it(`${FAILING_STREAK} failed attempts in a row emit exactly one herald/integration.failing; a delivery resets`, async () => {
    // 503, 503, 503, 503 (one leg exhausted), then 503 (the streak reaches 5), more 503s, then 200.
    const { integration, type } = await subscribedReceiver(token, platform, [
      ...Array.from({ length: 7 }, () => ({ status: 503 })),
      { status: 200 },
    ]);
    const watch = await watcher("herald/integration.failing", "integration_id", integration.id);
    const first = await send(token, type);
    await settled(token, first.id, 1);
    const second = await send(token, type);
    const [secondLeg] = await settled(token, second.id, 1);
    // Attempts 5 to 7 failed, the 8th call was answered 200.
    expect(secondLeg!.status).toBe("DELIVRD");

    await vi.waitFor(async () => expect(await watch.target.calls()).toHaveLength(1), waiting);
    const failing = await events("herald/integration.failing", "integration_id", integration.id);
    expect(failing).toHaveLength(1);
    expect(failing[0]!.payload).toMatchObject({ integration_id: integration.id, consecutive_failures: FAILING_STREAK });
    // The delivery reset the streak.
    const [row] = await db().select().from(integrations).where(eq(integrations.id, integration.id));
    expect(row).toMatchObject({ consecutiveFailures: 0, failingSince: null });
  });

  it("a herald/* leg that fails emits nothing and counts towards no streak", async () => {
    // The watched integration is disabled by a 410; its event goes to a watcher that fails every attempt.
    const goneTarget = await receiver([{ status: 410 }]);
    const gone = await createIntegration(token, goneTarget.url);
    const broken = await watcher("herald/integration.disabled", "integration_id", gone.id, [{ status: 500 }]);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: gone.id, subscriber_type: "connection" }]);
    await settled(token, (await send(token, type)).id, 1);

    const [event] = await vi.waitFor(async () => {
      const found = await events("herald/integration.disabled", "integration_id", gone.id);
      expect(found).toHaveLength(1);
      return found;
    }, waiting);
    const [heraldLeg] = await settled(token, event!.id, 1);
    expect(heraldLeg!.status).toBe("FAILED");
    expect(await broken.target.calls()).toHaveLength(4);

    expect(await events("herald/delivery.exhausted", "delivery_id", heraldLeg!.id)).toEqual([]);
    const heraldExhausted = await db()
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.type, "herald/delivery.exhausted"),
          like(sql`json_extract(${notifications.payload}, '$.notification_type')`, "herald/%"),
        ),
      );
    expect(heraldExhausted).toEqual([]);
    const [row] = await db().select().from(integrations).where(eq(integrations.id, broken.integration.id));
    expect(row).toMatchObject({ consecutiveFailures: 0, failingSince: null });
    const legs = await db().select().from(deliveryRows).where(eq(deliveryRows.notificationId, event!.id));
    expect(legs).toHaveLength(1);
  });

  it("an event whose fan-out send was lost is stored all the same, and the sweeper queues it", async () => {
    const { integration, type } = await subscribedReceiver(token, platform, [{ status: 400 }]);
    const watch = await watcher("herald/delivery.exhausted", "destination", integration.id);
    // The notification is fanned out here rather than by the queue, and its leg delivered by a consumer whose sends
    // to the fan-out queue fail.
    const held = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    const notification = await send(token, type).finally(() => held.mockRestore());
    const [leg] = await fanOutBatch(createServices(env), [notification.id]);
    const lost = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    try {
      const batch = createMessageBatch("herald-deliveries", [
        {
          id: "lost",
          timestamp: new Date(),
          attempts: 1,
          body: { v: 2, account_id: ACCOUNT, delivery_ids: [leg!.id] },
        },
      ]);
      const ctx = createExecutionContext();
      await worker.queue(batch, env, ctx);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["lost"]);
      expect(lost).toHaveBeenCalledTimes(1);
    } finally {
      lost.mockRestore();
    }
    const [event] = await events("herald/delivery.exhausted", "delivery_id", leg!.id);
    expect(event).toMatchObject({ status: "created" });
    expect(await watch.target.calls()).toEqual([]);

    // Aged past the grace of a sweep only this test runs (the tests of this file share the database).
    const longAgo = Date.now() - ISOLATED_SWEEP_GRACE_MS - 60_000;
    await db().update(notifications).set({ createdAt: longAgo }).where(eq(notifications.id, event!.id));
    await sweepStalledWork({ ...env, SWEEP_GRACE_SECONDS: String(ISOLATED_SWEEP_GRACE_MS / 1000) });
    await vi.waitFor(async () => expect(await watch.target.calls()).toHaveLength(1), waiting);
  });
});
