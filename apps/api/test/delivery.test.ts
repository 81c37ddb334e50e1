import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { claimDeliveries, notifications } from "@herald/db";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { sweepStalledWork } from "../src/consumers/sweeper";
import { deliverBatch } from "../src/delivery/deliver-batch";
import { fanOutBatch } from "../src/delivery/fanout";
import worker from "../src/index";
import { createServices } from "../src/services/container";
import {
  ACCOUNT,
  createIntegration,
  freshType,
  ISOLATED_SWEEP_GRACE_MS,
  receiver,
  send,
  settled,
  signIn,
  subscribe,
  subscribedReceiver,
  webhookScenario,
  workerd,
} from "./delivery-helpers";
import { call } from "./helpers";
import { defineFanOutScenarios } from "./scenarios/fanout.scenarios";
import { defineIntegrationCallScenarios } from "./scenarios/integration-calls.scenarios";
import { defineSigningScenarios } from "./scenarios/signing.scenarios";
import { defineWebhookScenarios } from "./scenarios/webhook.scenarios";

// The delivery scenarios both runtimes share (scenarios/webhook, fanout, signing and integration-calls), here on the
// Worker in workerd.
defineWebhookScenarios(workerd);
defineFanOutScenarios(workerd);
defineSigningScenarios(workerd);
defineIntegrationCallScenarios(workerd);

// Below, what only workerd shows: the Worker's consumers fed queue batches by hand, the sweeper called directly, the
// queue producers made to fail; and a loopback target refused (the Node suite allows loopback for its receivers).
let token: string;
let platform: string;
beforeAll(async () => {
  ({ token, platform } = await signIn());
});

describe("at-least-once queues, exactly-once effects", () => {
  it("sends a leg once when the same queue message arrives twice", async () => {
    const { target, type } = await subscribedReceiver(token, platform);
    const notification = await send(token, type);
    const [leg] = await settled(token, notification.id, 1);

    // Replay the leg's message, twice in one batch, straight into the consumer.
    const message = { v: 1, delivery_id: leg!.id, account_id: ACCOUNT };
    const batch = createMessageBatch("herald-deliveries", [
      { id: "dup-1", timestamp: new Date(), attempts: 1, body: message },
      { id: "dup-2", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["dup-1", "dup-2"]);
    expect(result.retryMessages).toEqual([]);
    expect(await target.calls()).toHaveLength(1);
  });

  it("replays a whole batch after a consumer died mid-way without re-sending what was delivered", async () => {
    const first = await receiver();
    const second = await receiver();
    const type = await freshType(platform);
    const a = await createIntegration(token, first.url);
    const b = await createIntegration(token, second.url);
    await subscribe(token, type, [
      { subscriber: a.id, subscriber_type: "connection" },
      { subscriber: b.id, subscriber_type: "connection" },
    ]);
    // Fan out by hand so no consumer races this test: the legs exist and nothing has been sent.
    const notification = await sendWithoutQueue(type);
    const services = createServices(env);
    const legIds = await fanOutBatch(services, [notification.id]);
    expect(legIds).toHaveLength(2);

    // The consumer delivered the first leg, then died before acknowledging: the queue redelivers both messages.
    const legs = await deliveriesOf(notification.id);
    const legA = legs.find((leg) => leg.destination === a.id)!;
    await deliverBatch(services, [legA.id]);
    const batch = createMessageBatch(
      "herald-deliveries",
      legs.map((leg, i) => ({
        id: `m${i}`,
        timestamp: new Date(),
        attempts: 2,
        body: { v: 1, delivery_id: leg.id, account_id: ACCOUNT },
      })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);

    expect(await first.calls()).toHaveLength(1);
    expect(await second.calls()).toHaveLength(1);
    expect((await deliveriesOf(notification.id)).map((leg) => leg.status)).toEqual(["DELIVRD", "DELIVRD"]);
  });

  it("leaves a leg claimed by a consumer that died mid-attempt alone until its lease runs out", async () => {
    const { target, type } = await subscribedReceiver(token, platform);
    const notification = await sendWithoutQueue(type);
    const services = createServices(env);
    const legId = (await fanOutBatch(services, [notification.id]))[0]!.id;
    const { claimed } = await claimDeliveries(services.db, [legId], Date.now(), 60_000);
    expect(claimed.map((leg) => leg.id)).toEqual([legId]);

    // Another copy of the message arrives while the lease holds: no call, the message comes back later.
    const disposition = (await deliverBatch(services, [legId])).get(legId);
    expect(disposition?.kind).toBe("retry");
    expect(await target.calls()).toHaveLength(0);

    // Once the lease has expired, the leg is delivered.
    const later = { ...services, now: () => Date.now() + 61_000 };
    expect((await deliverBatch(later, [legId])).get(legId)).toEqual({ kind: "done" });
    expect(await target.calls()).toHaveLength(1);
  });

  it("delivers a notification whose queue send failed after the commit, through the sweeper", async () => {
    const { target, type } = await subscribedReceiver(token, platform);
    // The send below fails, as a queue outage would make it: the request still answers 202 with the stored row.
    const spy = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    const notification = await send(token, type);
    spy.mockRestore();
    expect(notification.status).toBe("created");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await target.calls()).toHaveLength(0);

    // The sweeper runs on cron and leaves work alone for a grace period: age this notification past it.
    await createServices(env)
      .db.update(notifications)
      .set({ createdAt: Date.now() - ISOLATED_SWEEP_GRACE_MS - 1000 })
      .where(eq(notifications.id, notification.id));
    const swept = await sweepStalledWork({ ...env, SWEEP_GRACE_SECONDS: String(ISOLATED_SWEEP_GRACE_MS / 1000) });
    expect(swept.notifications).toBeGreaterThanOrEqual(1);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    expect(await target.calls()).toHaveLength(1);
  });
});

/** A stored notification whose fan-out was never queued: the state a failed queue send leaves behind. */
async function sendWithoutQueue(type: string) {
  const spy = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockResolvedValueOnce(undefined as never);
  try {
    return await send(token, type);
  } finally {
    spy.mockRestore();
  }
}

async function deliveriesOf(notificationId: string) {
  const result = await call("GET", `/herald/v2/${ACCOUNT}/deliveries?notification_id=${notificationId}`, { token });
  return (result.body.deliveries as Array<{ id: string; destination: string; status: string }>).sort((x, y) =>
    x.destination < y.destination ? -1 : 1,
  );
}

describe("webhook test call, where loopback targets are not allowed", () => {
  it("refuses http://127.0.0.1/x", async () => {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
      token,
      body: { url: "http://127.0.0.1/x", method: "POST" },
    });
    expect(result.status).toBe(400);
    expect(result.body.path).toBe("url");
  });
});

describe("dead letters", () => {
  it("records FAILED for a leg whose message exhausted the queue's retries, and completes the notification", async () => {
    const { target, type } = await subscribedReceiver(token, platform);
    const notification = await sendWithoutQueue(type);
    const [leg0] = await fanOutBatch(createServices(env), [notification.id]);

    const batch = createMessageBatch("herald-deliveries-dlq", [
      {
        id: "dead-1",
        timestamp: new Date(),
        attempts: 1,
        body: { v: 2, delivery_ids: [leg0?.id], account_id: ACCOUNT },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead-1"]);

    const [leg] = await deliveriesOf(notification.id);
    expect(leg).toMatchObject({ status: "FAILED" });
    expect(await target.calls()).toHaveLength(0);
    const stored = await call("GET", `/herald/v2/${ACCOUNT}/notifications/${notification.id}`, { token });
    expect(stored.body.status).toBe("completed");
  });

  it("leaves a delivered leg delivered when its dead letter arrives late", async () => {
    const { notification } = await webhookScenario(token, platform, [{ status: 200 }]);
    const [leg] = await settled(token, notification.id, 1);
    const batch = createMessageBatch("herald-deliveries-dlq", [
      { id: "late", timestamp: new Date(), attempts: 1, body: { v: 1, delivery_id: leg!.id, account_id: ACCOUNT } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    expect((await deliveriesOf(notification.id))[0]!.status).toBe("DELIVRD");
  });

  it("marks a notification whose fan-out kept failing as failed, so the sweeper stops re-queueing it", async () => {
    const type = await freshType(platform);
    const notification = await sendWithoutQueue(type);
    const batch = createMessageBatch("herald-fanout-dlq", [
      {
        id: "dead-fanout",
        timestamp: new Date(),
        attempts: 1,
        body: { v: 1, notification_id: notification.id, account_id: ACCOUNT },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    const stored = await call("GET", `/herald/v2/${ACCOUNT}/notifications/${notification.id}`, { token });
    expect(stored.body.status).toBe("failed");
  });

  it("acknowledges and drops a message no consumer can read", async () => {
    const batch = createMessageBatch("herald-deliveries", [
      { id: "garbage", timestamp: new Date(), attempts: 1, body: { v: 99, what: "is this" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["garbage"]);
    expect(result.retryMessages).toEqual([]);
  });
});
