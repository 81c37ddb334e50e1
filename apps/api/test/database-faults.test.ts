// A busy or unreachable database: every answer is 503 service_unavailable with Retry-After (never another 5xx), no
// write is left half done, queue consumers retry their messages, and all of it works again once the database is back.
// The requests here use bindings whose LIBSQL_URL is faulty-libsql.test: the same database as every other test, behind
// a switch (test/control.node.ts), so taking it down disturbs no other test file.
import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fanOutBatch } from "../src/delivery/fanout";
import worker from "../src/index";
import { createServices } from "../src/services/container";
import {
  ACCOUNT,
  ACME_USER,
  createIntegration,
  freshType,
  ISOLATED_SWEEP_GRACE_MS,
  send,
  settled,
  signIn,
  subscribedReceiver,
} from "./delivery-helpers";
import { ACME, BASE, basicAuth, unique } from "./helpers";

const FAULTY_HOST = "faulty-libsql.test";
// A short deadline, so the hung database answers 503 in a second rather than the default ten; not shorter: a healthy
// answer must come within it on a busy machine running two test files at once (at 250 ms one did not).
const faulty = { ...env, LIBSQL_URL: `http://${FAULTY_HOST}`, LIBSQL_TIMEOUT_MS: "1000" };
/**
 * refused, reset: the connection fails before or during the answer (made at this isolate's fetch, which is where the
 * Worker meets the network; miniflare's outbound service cannot fail a connection). http-503, busy: the server
 * answers, badly; hung: it takes the request and answers nothing in time (made by the switch in test/control.node.ts).
 */
const FAULTS = ["refused", "reset", "http-503", "busy", "hung"] as const;
type Fault = (typeof FAULTS)[number];

const realFetch = globalThis.fetch;
let network: { mockRestore(): void } | undefined;

function cutNetwork(kind: "refused" | "reset") {
  network = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.hostname !== FAULTY_HOST) return realFetch(input, init);
    if (kind === "refused") throw new TypeError("Network connection lost.");
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"baton":null,"results":['));
        controller.error(new TypeError("Network connection lost."));
      },
    });
    return new Response(cut, { headers: { "content-type": "application/json" } });
  });
}

let token = "";
let platform = "";
let type = "";

beforeAll(async () => {
  ({ token, platform } = await signIn());
  type = await freshType(platform);
});

afterEach(async () => {
  await database("up");
});

async function database(mode: "up" | Fault, after = 0): Promise<void> {
  network?.mockRestore();
  network = undefined;
  if (mode === "refused" || mode === "reset") return cutNetwork(mode);
  const response = await realFetch(`https://control.test/libsql/${mode}?after=${after}`, { method: "POST" });
  expect(response.status).toBe(200);
}

/** A request to the Worker whose database is behind the switch. */
async function request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const ctx = createExecutionContext();
  const response = await worker.fetch(
    new Request(`${BASE}${path}`, {
      method,
      headers: { "x-aims-auth-token": token, "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
    faulty,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
}

function expectUnavailable(result: Awaited<ReturnType<typeof request>>, what: string) {
  expect(result.status, what).toBe(503);
  expect(result.body, what).toMatchObject({ error: "service_unavailable", request_id: expect.any(String) });
  expect(Object.keys(result.body).sort(), what).toEqual(["details", "error", "request_id"]);
  expect(Number(result.headers.get("retry-after")), what).toBeGreaterThan(0);
}

/** The account's subscription with this name, read through the healthy database. */
async function subscriptionNamed(name: string) {
  const rows = await createServices(env).db.$client.execute({
    sql: `select s.id, (select count(*) from subscribers where subscription_id = s.id) as subscribers
          from subscriptions s where s.account_id = ? and s.name = ?`,
    args: [ACCOUNT, name],
  });
  return rows.rows.map((row) => ({ id: String(row.id), subscribers: Number(row.subscribers) }));
}

describe.each(FAULTS)("a database that is %s", (fault) => {
  it("is not ready: /health/ready answers 503 with Retry-After while /health (liveness) stays 200", async () => {
    expect(await request("GET", "/health/ready")).toMatchObject({
      status: 200,
      body: {
        status: "ready",
        backlog: { due_deliveries: expect.any(Number), unfanned_notifications: expect.any(Number) },
      },
    });
    await database(fault);
    const logged = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      expectUnavailable(await request("GET", "/health/ready"), "readiness");
      expect(await request("GET", "/health")).toMatchObject({ status: 200, body: { status: "ok" } });
    } finally {
      await database("up");
      logged.mockRestore();
    }
    expect(await request("GET", "/health/ready")).toMatchObject({
      status: 200,
      body: {
        status: "ready",
        backlog: { due_deliveries: expect.any(Number), unfanned_notifications: expect.any(Number) },
      },
    });
  });

  it("answers 503 service_unavailable with Retry-After to reads, writes and logins, and stores nothing", async () => {
    const integration = await createIntegration(token, "https://hooks.example.com/faults");
    const name = unique(`down-${fault}`);
    const incident = unique("down");
    await database(fault);
    const logged = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const attempts: Array<[string, () => ReturnType<typeof request>]> = [
        ["list subscriptions", () => request("GET", `/herald/v2/${ACCOUNT}/subscriptions`)],
        [
          "create a subscription",
          () =>
            request("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
              name,
              class: "event",
              notification_type: type,
              subscribers: [{ subscriber: ACME_USER, subscriber_type: "user" }],
            }),
        ],
        [
          "send a notification",
          () =>
            request("POST", `/herald/v2/${ACCOUNT}/notifications`, {
              type,
              notification_data: {},
              asset_data: {},
              payload: { long_incident_id: incident },
            }),
        ],
        [
          "send a notification with an Idempotency-Key",
          () =>
            request(
              "POST",
              `/herald/v2/${ACCOUNT}/notifications`,
              { type, notification_data: {}, asset_data: {}, payload: { long_incident_id: incident } },
              { "idempotency-key": unique("key") },
            ),
        ],
        ["read an integration", () => request("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`)],
        [
          "rename an integration",
          () => request("PUT", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`, { name }),
        ],
        ["delete an integration", () => request("DELETE", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`)],
        [
          "log in",
          () =>
            request("POST", "/aims/v1/authenticate", undefined, { authorization: basicAuth(ACME.keyId, ACME.secret) }),
        ],
      ];
      for (const [what, attempt] of attempts) expectUnavailable(await attempt(), what);
      expect(logged.mock.calls.some(([line]) => String(line).includes("database_unavailable"))).toBe(true);
    } finally {
      logged.mockRestore();
    }

    // Nothing of the failed writes is there once the database is back.
    await database("up");
    expect(await subscriptionNamed(name)).toEqual([]);
    const byIncident = await request("GET", `/herald/v2/${ACCOUNT}/notifications/type/incidents/alerts/${incident}`);
    expect(byIncident.status).toBe(200);
    const stored = await createServices(env).db.$client.execute({
      sql: "select count(*) as n from notifications where account_id = ? and payload like ?",
      args: [ACCOUNT, `%${incident}%`],
    });
    expect(Number(stored.rows[0]?.n)).toBe(0);
    const read = await request("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`);
    expect(read.status).toBe(200);
    expect(read.body.name).not.toBe(name);

    // And the same requests work again.
    const created = await request("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
      name,
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber: ACME_USER, subscriber_type: "user" }],
    });
    expect(created.status).toBe(201);
    expect(await subscriptionNamed(name)).toEqual([{ id: created.body.id, subscribers: 1 }]);
    const login = await request("POST", "/aims/v1/authenticate", undefined, {
      authorization: basicAuth(ACME.keyId, ACME.secret),
    });
    expect(login.status).toBe(200);
  });
});

describe("a database that goes away in the middle of a request", () => {
  it("never leaves a subscription half written, whichever statement fails", async () => {
    const hook = await createIntegration(token, "https://hooks.example.com/midway");
    const outcomes: string[] = [];
    for (let served = 0; served < 12; served++) {
      const name = unique(`midway-${served}`);
      await database("http-503", served);
      const result = await request("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
        name,
        class: "event",
        notification_type: type,
        subscribers: [
          { subscriber: ACME_USER, subscriber_type: "user" },
          { subscriber: hook.id, subscriber_type: "connection" },
        ],
      });
      await database("up");
      const stored = await subscriptionNamed(name);
      if (result.status === 201) {
        expect(stored).toEqual([{ id: result.body.id, subscribers: 2 }]);
        outcomes.push(`${served}: created`);
        break;
      }
      expectUnavailable(result, `after ${served} requests`);
      // All or nothing: a 503 leaves no subscription, or (if the commit got through before the failure) a whole one.
      expect(stored.every((row) => row.subscribers === 2)).toBe(true);
      outcomes.push(`${served}: ${stored.length === 0 ? "nothing stored" : "stored whole"}`);
    }
    expect(outcomes.at(-1)).toMatch(/created$/);
  });
});

/** A notification to a fresh receiver, stored as a request stores it, whose fan-out message never left. */
async function notificationWithoutItsMessage() {
  const { target, type: ownType } = await subscribedReceiver(token, platform);
  const spy = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockResolvedValueOnce(undefined as never);
  const notification = await send(token, ownType).finally(() => spy.mockRestore());
  return { target, notification };
}

describe("queue consumers while the database is down", () => {
  it("retry a fan-out message, then fan out and deliver once it is back", async () => {
    // Stored, but its fan-out message is this test's to hand to the consumer.
    const { target, notification } = await notificationWithoutItsMessage();
    const message = { v: 1, notification_id: notification.id, account_id: ACCOUNT };

    await database("refused");
    const down = createMessageBatch("herald-fanout", [
      { id: "fanout-1", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const downCtx = createExecutionContext();
    await worker.queue(down, faulty, downCtx);
    const retried = await getQueueResult(down, downCtx);
    expect(retried.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["fanout-1"]);
    expect(retried.explicitAcks).toEqual([]);
    await database("up");
    const legsWhileDown = await request("GET", `/herald/v2/${ACCOUNT}/deliveries?notification_id=${notification.id}`);
    expect(legsWhileDown.body.deliveries).toEqual([]);

    // The queue hands the message over again: this time the legs are made and queued, and the delivery happens.
    const up = createMessageBatch("herald-fanout", [
      { id: "fanout-1", timestamp: new Date(), attempts: 2, body: message },
    ]);
    const upCtx = createExecutionContext();
    await worker.queue(up, faulty, upCtx);
    expect((await getQueueResult(up, upCtx)).explicitAcks).toEqual(["fanout-1"]);
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    expect(await target.calls()).toHaveLength(1);
  });

  it("retry a delivery message without recording an attempt, then deliver once it is back", async () => {
    const { target, notification } = await notificationWithoutItsMessage();
    const legId = (await fanOutBatch(createServices(env), [notification.id]))[0]?.id;
    const message = { v: 2, delivery_ids: [legId], account_id: ACCOUNT };

    await database("busy");
    const down = createMessageBatch("herald-deliveries", [
      { id: "leg-1", timestamp: new Date(), attempts: 1, body: message },
    ]);
    const downCtx = createExecutionContext();
    await worker.queue(down, faulty, downCtx);
    expect((await getQueueResult(down, downCtx)).retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual([
      "leg-1",
    ]);
    await database("up");
    const pending = await request("GET", `/herald/v2/${ACCOUNT}/deliveries/${legId}`);
    expect(pending.body).toMatchObject({ status: "PENDING", attempts: [] });
    expect(await target.calls()).toHaveLength(0);

    const up = createMessageBatch("herald-deliveries", [
      { id: "leg-1", timestamp: new Date(), attempts: 2, body: message },
    ]);
    const upCtx = createExecutionContext();
    await worker.queue(up, faulty, upCtx);
    expect((await getQueueResult(up, upCtx)).explicitAcks).toEqual(["leg-1"]);
    const delivered = await request("GET", `/herald/v2/${ACCOUNT}/deliveries/${legId}`);
    expect(delivered.body).toMatchObject({ status: "DELIVRD" });
    expect(await target.calls()).toHaveLength(1);
  });

  it("leave the sweeper's work in the database while it is down, and re-queue it once it is back", async () => {
    // Stored, its fan-out message lost, and old enough for the sweeper to take it up.
    const { target, notification } = await notificationWithoutItsMessage();
    await createServices(env).db.$client.execute({
      sql: "update notifications set created_at = ? where id = ?",
      args: [Date.now() - ISOLATED_SWEEP_GRACE_MS - 1000, notification.id],
    });
    const sweeping = { ...faulty, SWEEP_GRACE_SECONDS: String(ISOLATED_SWEEP_GRACE_MS / 1000) };

    await database("refused");
    const requeued = vi.spyOn(env.FANOUT_QUEUE, "sendBatch");
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await expect(worker.scheduled(createScheduledController(), sweeping, createExecutionContext())).rejects.toThrow();
      expect(requeued).not.toHaveBeenCalled();
      expect(logged.mock.calls.some(([line]) => String(line).includes("sweep failed"))).toBe(true);
    } finally {
      logged.mockRestore();
    }

    await database("up");
    await worker.scheduled(createScheduledController(), sweeping, createExecutionContext());
    requeued.mockRestore();
    const [leg] = await settled(token, notification.id, 1);
    expect(leg!.status).toBe("DELIVRD");
    expect(await target.calls()).toHaveLength(1);
  });
});
