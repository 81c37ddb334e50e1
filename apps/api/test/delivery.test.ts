import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { claimDelivery, notifications } from "@herald/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { deliverLeg } from "../src/delivery/deliver";
import { fanOut } from "../src/delivery/fanout";
import worker from "../src/index";
import { STALL_GRACE_MS, sweepStalledWork } from "../src/queues/sweeper";
import { createServices } from "../src/services/container";
import {
  ACCOUNT,
  ACME_USER,
  createIntegration,
  freshType,
  receiver,
  send,
  settled,
  subscribe,
} from "./delivery-helpers";
import { ACME, ACME_WRITER, call, GLOBEX, login, PLATFORM } from "./helpers";

let token: string;
let platform: string;
beforeAll(async () => {
  token = await login(ACME);
  platform = await login(PLATFORM);
});

describe("webhook delivery", () => {
  it("delivers a signed notification once and shows DELIVRD", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url, { "X-Team": "soc" });
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);

    const [leg] = await settled(token, notification.id, 1);
    expect(leg).toMatchObject({
      channel: "webhook",
      destination: integration.id,
      status: "DELIVRD",
      address: target.url,
    });

    const calls = await target.calls();
    expect(calls).toHaveLength(1);
    const received = calls[0]!;
    expect(received.headers["x-team"]).toBe("soc");
    expect(received.headers["webhook-id"]).toBe(`msg_${leg!.id}`);
    const secret = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, { token });
    const verified = new Webhook(secret.body.key).verify(received.body, received.headers) as { id: string };
    expect(verified.id).toBe(notification.id);
  });
});

async function webhookScenario(steps: Parameters<typeof receiver>[0]) {
  const target = await receiver(steps);
  const integration = await createIntegration(token, target.url);
  const type = await freshType(platform);
  await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
  const notification = await send(token, type);
  return { target, integration, type, notification };
}

describe("webhook failures", () => {
  it("retries a 500 and delivers on the next attempt", async () => {
    const { target, notification } = await webhookScenario([{ status: 500, body: "boom" }, { status: 200 }]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    expect(leg!.attempts.map((a) => a.response_code)).toEqual([500, 200]);
    expect(await target.calls()).toHaveLength(2);
  });

  it("waits at least as long as Retry-After asks on a 429", async () => {
    const { target, notification } = await webhookScenario([
      { status: 429, headers: { "retry-after": "2" } },
      { status: 200 },
    ]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    const [first, second] = await target.calls();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
  });

  it("times out a slow target and retries", async () => {
    const { notification } = await webhookScenario([{ delayMs: 2500 }, { status: 200 }]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    expect(leg!.attempts[0]!.error).toMatch(/timeout after 1000 ms/);
    expect(leg!.attempts[1]!.response_code).toBe(200);
  });

  it("retries when the connection drops before an answer", async () => {
    // The fake receiver runs behind miniflare, which cannot refuse a connection; workerd's own error for a lost
    // connection is raised here instead, for the target only (the database traffic passes through).
    const target = await receiver([{ status: 204 }]);
    const realFetch = globalThis.fetch;
    let dropped = 0;
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.startsWith(target.url) && dropped === 0) {
        dropped += 1;
        return Promise.reject(new TypeError("Network connection lost."));
      }
      return realFetch(input, init);
    });
    try {
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);
      const [leg] = await settled(token, notification.id, 1);
      expect(dropped).toBe(1);
      expect(leg!.status).toBe("DELIVRD");
      expect(leg!.attempts[0]).toMatchObject({ error: expect.stringMatching(/Network connection lost/) });
      expect(leg!.attempts[0]!.response_code).toBeUndefined();
      expect(leg!.attempts[1]!.response_code).toBe(204);
    } finally {
      spy.mockRestore();
    }
  });

  it("fails at once on a 400 and never calls again", async () => {
    const { target, notification } = await webhookScenario([{ status: 400, body: "bad payload" }]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("FAILED");
    expect(leg!.attempts).toHaveLength(1);
    expect(leg!.attempts[0]).toMatchObject({ response_code: 400 });
    expect(await target.calls()).toHaveLength(1);
  });

  it("disables the integration on 410 Gone, and later notifications fail without a call", async () => {
    const { target, integration, type, notification } = await webhookScenario([{ status: 410 }]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("FAILED");

    const second = await send(token, type);
    const [secondLeg] = await settled(token, second.id, 1);
    expect(secondLeg!.status).toBe("FAILED");
    expect(secondLeg!.last_error).toMatch(/disabled/);
    expect(await target.calls()).toHaveLength(1);

    // Updating the integration is how an operator says the target works again.
    const updated = await call("PUT", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`, {
      token,
      body: { name: "fixed" },
    });
    expect(updated.status).toBe(200);
  });

  it("gives up after the retry schedule and records FAILED with every attempt", async () => {
    const { target, notification } = await webhookScenario([{ status: 503 }]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("FAILED");
    // The test schedule is "1,1,1": the first attempt and three retries.
    expect(leg!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(leg!.last_error).toMatch(/retries exhausted/);
    expect(await target.calls()).toHaveLength(4);
  });

  it("never follows a redirect", async () => {
    const { target, notification } = await webhookScenario([
      { status: 302, headers: { location: "http://169.254.169.254/" } },
      { status: 200 },
    ]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.attempts[0]!.response_code).toBe(302);
    expect(leg!.status).toBe("DELIVRD");
    expect((await target.calls()).map((c) => c.path.split("/")[1])).toHaveLength(2);
  });
});

describe("at-least-once queues, exactly-once effects", () => {
  it("sends a leg once when the same queue message arrives twice", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
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
    const legIds = await fanOut(services, notification.id);
    expect(legIds).toHaveLength(2);

    // The consumer delivered the first leg, then died before acknowledging: the queue redelivers both messages.
    const legs = await deliveriesOf(notification.id);
    const legA = legs.find((leg) => leg.destination === a.id)!;
    await deliverLeg(services, legA.id);
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
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await sendWithoutQueue(type);
    const services = createServices(env);
    const [legId] = await fanOut(services, notification.id);
    const claimed = await claimDelivery(services.db, legId!, Date.now(), 60_000);
    expect(claimed?.id).toBe(legId);

    // Another copy of the message arrives while the lease holds: no call, the message comes back later.
    const disposition = await deliverLeg(services, legId!);
    expect(disposition.kind).toBe("retry");
    expect(await target.calls()).toHaveLength(0);

    // Once the lease has expired, the leg is delivered.
    const later = { ...services, now: () => Date.now() + 61_000 };
    expect(await deliverLeg(later, legId!)).toEqual({ kind: "done" });
    expect(await target.calls()).toHaveLength(1);
  });

  it("delivers a notification whose queue send failed after the commit, through the sweeper", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    // The send below fails, as a queue outage would make it: the request still answers 202 with the stored row.
    const spy = vi.spyOn(env.FANOUT_QUEUE, "send").mockRejectedValueOnce(new Error("queue unavailable"));
    const notification = await send(token, type);
    spy.mockRestore();
    expect(notification.status).toBe("created");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await target.calls()).toHaveLength(0);

    // The sweeper runs on cron and leaves work alone for a grace period: age this notification past it.
    await createServices(env)
      .db.update(notifications)
      .set({ createdAt: Date.now() - STALL_GRACE_MS - 1000 })
      .where(eq(notifications.id, notification.id));
    const swept = await sweepStalledWork(env);
    expect(swept.notifications).toBeGreaterThanOrEqual(1);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    expect(await target.calls()).toHaveLength(1);
  });
});

/** A stored notification whose fan-out was never queued: the state a failed queue send leaves behind. */
async function sendWithoutQueue(type: string) {
  const spy = vi.spyOn(env.FANOUT_QUEUE, "send").mockResolvedValueOnce(undefined as never);
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

describe("fan-out", () => {
  it("delivers once to a destination reached through two subscriptions", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    const connection = { subscriber: integration.id, subscriber_type: "connection" };
    await subscribe(token, type, [connection]);
    await subscribe(token, type, [connection]);
    const notification = await send(token, type);
    await settled(token, notification.id, 1);
    expect(await target.calls()).toHaveLength(1);
  });

  it("reaches only active subscriptions whose filters match", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    const connection = [{ subscriber: integration.id, subscriber_type: "connection" }];
    await subscribe(token, type, connection, {
      filters: { in: [{ source: "notification.threat_level" }, ["high", "critical"]] },
    });
    const low = await send(token, type, { notification_data: { threat_level: "low" } });
    const high = await send(token, type, { notification_data: { threat_level: "critical" } });

    await settled(token, high.id, 1);
    await expect
      .poll(async () => (await call("GET", `/herald/v2/${ACCOUNT}/notifications/${low.id}`, { token })).body.status)
      .toBe("completed");
    expect(await deliveriesOf(low.id)).toEqual([]);
    expect(await target.calls()).toHaveLength(1);
  });

  it("notifies once per incident within the suppression interval", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }], {
      suppression_interval: 60,
    });
    const payload = (incident: string) => ({ payload: { long_incident_id: incident, attack_summary: "x" } });
    const first = await send(token, type, payload("incident-A"));
    await settled(token, first.id, 1);
    const repeat = await send(token, type, payload("incident-A"));
    const other = await send(token, type, payload("incident-B"));
    await settled(token, other.id, 1);
    await expect
      .poll(async () => (await call("GET", `/herald/v2/${ACCOUNT}/notifications/${repeat.id}`, { token })).body.status)
      .toBe("completed");
    expect(await deliveriesOf(repeat.id)).toEqual([]);
    expect(await target.calls()).toHaveLength(2);
  });

  it("marks the notification completed once every leg is finished", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    expect(notification.status).toBe("created");
    await settled(token, notification.id, 1);
    await expect
      .poll(
        async () =>
          (await call("GET", `/herald/v2/${ACCOUNT}/notifications/${notification.id}`, { token })).body.status,
      )
      .toBe("completed");
  });
});

describe("Idempotency-Key", () => {
  it("answers a repeated request with the first notification and delivers once", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const key = { "idempotency-key": `key-${crypto.randomUUID()}` };
    const body = { payload: { long_incident_id: "L-idem", attack_summary: "x" } };
    const first = await send(token, type, body, key);
    const again = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
      token,
      headers: key,
      body: { type, notification_data: { threat_level: "high", escalated: true }, asset_data: {}, ...body },
    });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    await settled(token, first.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await target.calls()).toHaveLength(1);
  });

  it("refuses the same key with another body", async () => {
    const type = await freshType(platform);
    const key = { "idempotency-key": `key-${crypto.randomUUID()}` };
    await send(token, type, {}, key);
    const other = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
      token,
      headers: key,
      body: { type, notification_data: { other: true }, asset_data: {}, payload: {} },
    });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe("idempotency_key_reused");
  });

  it("rejects a key that is not printable ASCII", async () => {
    const type = await freshType(platform);
    const result = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
      token,
      headers: { "idempotency-key": "has space" },
      body: { type, notification_data: {}, asset_data: {}, payload: {} },
    });
    expect(result.status).toBe(400);
    expect(result.body.path).toBe("idempotency-key");
  });
});

describe("sent incident notifications", () => {
  it("lists each notification about the incident with its statuses and integration calls", async () => {
    const target = await receiver([{ status: 202, body: "accepted" }]);
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [
      { subscriber: integration.id, subscriber_type: "connection" },
      { subscriber: ACME_USER, subscriber_type: "user" },
    ]);
    const incident = `L-${crypto.randomUUID()}`;
    const notification = await send(token, type, {
      payload: { long_incident_id: incident, threat: "High", attack_summary: "SSH" },
    });
    await settled(token, notification.id, 2);

    const result = await call("GET", `/herald/v2/${ACCOUNT}/notifications/type/incidents/alerts/${incident}`, {
      token,
    });
    expect(result.status).toBe(200);
    expect(result.body.notifications).toHaveLength(1);
    const [sent] = result.body.notifications;
    expect(sent).toMatchObject({ id: notification.id, type, subject: "High alert: SSH" });
    expect(sent.statuses).toEqual(
      expect.arrayContaining([
        { destination: "ada@acme.example", status: "DELIVRD", sent_at: expect.any(Number) },
        { destination: integration.id, status: "DELIVRD", sent_at: expect.any(Number) },
      ]),
    );
    expect(sent.integration_statuses).toEqual([
      {
        type: "webhook",
        integration_id: integration.id,
        status: "SENT",
        queue_data: { id: expect.any(String), config: { type: "webhook", target_url: target.url } },
        integration_response: { code: 202, body: "accepted" },
      },
    ]);
  });
});

describe("signing secrets", () => {
  it("signs with both secrets while a rotation overlaps", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const before = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, { token });
    expect(before.body.key).toMatch(/^whsec_/);
    const rotated = await call("POST", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret/rotate`, { token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).not.toBe(before.body.key);
    expect(rotated.body.previous_key_expires_at).toBeGreaterThan(Date.now() / 1000);

    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    await settled(token, notification.id, 1);
    const [received] = await target.calls();
    expect(received!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [before.body.key, rotated.body.key]) {
      expect(() => new Webhook(secret).verify(received!.body, received!.headers)).not.toThrow();
    }
  });

  it("is for admins only", async () => {
    const writer = await login(ACME_WRITER);
    const integration = await createIntegration(token, "https://hooks.example.com/x");
    const result = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, { token: writer });
    expect(result.status).toBe(403);
  });
});

describe("manual retry", () => {
  it("retries a FAILED delivery with a fresh schedule", async () => {
    const { target, notification } = await webhookScenario([{ status: 400 }, { status: 200 }]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("FAILED");
    const retried = await call("POST", `/herald/v2/${ACCOUNT}/deliveries/${leg!.id}/retry`, { token });
    expect(retried.status).toBe(202);
    const [again] = await settled(token, notification.id, 1, ["DELIVRD"]);
    expect(again!.attempts.map((a) => a.response_code)).toEqual([400, 200]);
    expect(await target.calls()).toHaveLength(2);

    const twice = await call("POST", `/herald/v2/${ACCOUNT}/deliveries/${leg!.id}/retry`, { token });
    expect(twice.status).toBe(409);
  });

  it("answers 404 for another account's delivery", async () => {
    const { notification } = await webhookScenario([{ status: 200 }]);
    const [leg] = await settled(token, notification.id, 1);
    const globex = await login(GLOBEX);
    const result = await call("POST", `/herald/v2/87654321/deliveries/${leg!.id}/retry`, { token: globex });
    expect(result.status).toBe(404);
    const list = await call("GET", `/herald/v2/87654321/deliveries?notification_id=${notification.id}`, {
      token: globex,
    });
    expect(list.status).toBe(404);
  });
});

describe("webhook test call", () => {
  it("answers the target's status and body", async () => {
    const target = await receiver([{ status: 201, body: "created it" }]);
    const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
      token,
      body: { url: target.url, method: "POST", data: { hello: "world" }, headers: { "X-Trace": "t1" } },
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ code: 201, rawbody: "created it" });
    const [received] = await target.calls();
    expect(JSON.parse(received!.body)).toEqual({ hello: "world" });
    expect(received!.headers["x-trace"]).toBe("t1");
  });

  it.each(["http://127.0.0.1/x", "http://169.254.169.254/latest/meta-data", "ftp://example.com/"])(
    "refuses %s",
    async (url) => {
      const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, { token, body: { url, method: "POST" } });
      expect(result.status).toBe(400);
      expect(result.body.path).toBe("url");
    },
  );

  it("answers code 0 when the target does not answer in time", async () => {
    const target = await receiver([{ delayMs: 2500 }]);
    const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
      token,
      body: { url: target.url, method: "POST" },
    });
    expect(result.body).toEqual({ code: 0, rawbody: "timeout after 1000 ms" });
  });
});

describe("dead letters", () => {
  it("records FAILED for a leg whose message exhausted the queue's retries, and completes the notification", async () => {
    const target = await receiver();
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await sendWithoutQueue(type);
    const [legId] = await fanOut(createServices(env), notification.id);

    const batch = createMessageBatch("herald-deliveries-dlq", [
      { id: "dead-1", timestamp: new Date(), attempts: 1, body: { v: 1, delivery_id: legId, account_id: ACCOUNT } },
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
    const { notification } = await webhookScenario([{ status: 200 }]);
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
