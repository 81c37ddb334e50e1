import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { fanOutBatch } from "../src/delivery/fanout";
import worker from "../src/index";
import { createServices } from "../src/services/container";
import { COUNTED_LIBSQL_HOST } from "./control.node";
import { ACCOUNT, createIntegration, freshType, receiver, type Step, send, subscribe } from "./delivery-helpers";
import { JIRA_HOST } from "./fakes/jira";
import { ACME, call, login, PLATFORM, unique } from "./helpers";

// The pipeline works a queue batch as a set: what it costs the database must not grow with the batch. Each test runs
// a consumer on bindings whose database is counted-libsql.test (the test database, counted: control.node.ts) and
// holds it to a number of round trips and statements, so a regression to per-leg work fails here.

const counted = { ...env, LIBSQL_URL: `http://${COUNTED_LIBSQL_HOST}` };

interface DatabaseCalls {
  requests: number;
  statements: number;
}

async function databaseCalls<T>(work: () => Promise<T>): Promise<DatabaseCalls> {
  await fetch("https://control.test/database-calls/reset", { method: "POST" });
  await work();
  return (await (await fetch("https://control.test/database-calls")).json()) as DatabaseCalls;
}

let token: string;
let platform: string;
beforeAll(async () => {
  token = await login(ACME);
  platform = await login(PLATFORM);
});

/** `notifications` notifications of a fresh type reaching `destinations` webhooks, fanned out, none of them sent. */
async function pendingLegs(destinations: number, notifications = 1, steps?: Step[]) {
  const target = await receiver(steps);
  const type = await freshType(platform);
  const integrations = [];
  for (let i = 0; i < destinations; i++) integrations.push(await createIntegration(token, `${target.url}/${i}`));
  await subscribe(
    token,
    type,
    integrations.map((integration) => ({ subscriber: integration.id, subscriber_type: "connection" })),
  );
  const spy = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
  const sent = [];
  try {
    for (let i = 0; i < notifications; i++) sent.push(await send(token, type));
  } finally {
    spy.mockRestore();
  }
  return { target, type, notifications: sent };
}

async function deliverInOneBatch(legIds: string[], perMessage: number) {
  const messages = [];
  for (let i = 0; i < legIds.length; i += perMessage) {
    messages.push({
      id: `m${i}`,
      timestamp: new Date(),
      attempts: 1,
      body: { v: 2, account_id: ACCOUNT, delivery_ids: legIds.slice(i, i + perMessage) },
    });
  }
  const batch = createMessageBatch("herald-deliveries", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, counted, ctx);
  return getQueueResult(batch, ctx);
}

describe("a delivery batch's cost to the database", () => {
  it("is two round trips and nine statements, for one leg or twenty across messages", async () => {
    const costs: DatabaseCalls[] = [];
    for (const size of [1, 20]) {
      const { target, notifications } = await pendingLegs(size);
      const legs = await fanOutBatch(
        createServices(env),
        notifications.map((n) => n.id),
      );
      expect(legs).toHaveLength(size);
      let result: Awaited<ReturnType<typeof deliverInOneBatch>> | undefined;
      costs.push(
        await databaseCalls(async () => {
          result = await deliverInOneBatch(
            legs.map((leg) => leg.id),
            10,
          );
        }),
      );
      expect(result?.explicitAcks).toHaveLength(Math.ceil(size / 10));
      expect(await target.calls()).toHaveLength(size);
    }
    // One round trip claims the legs, reserves the opening of any new incident's ticket and reads their
    // notifications, integrations and ticket links (6 statements); one records every attempt, updates every leg and
    // completes the notification (3 statements).
    expect(costs).toEqual([
      { requests: 2, statements: 9 },
      { requests: 2, statements: 9 },
    ]);
  });

  it("adds no round trip for the operational events of failed legs: they go in with the record", async () => {
    const costs: DatabaseCalls[] = [];
    const queued: number[] = [];
    for (const size of [1, 20]) {
      // `size` notifications to one integration that answers 410: every leg fails, the integration is disabled.
      const { notifications } = await pendingLegs(1, size, [{ status: 410 }]);
      const legs = await fanOutBatch(
        createServices(env),
        notifications.map((n) => n.id),
      );
      const spy = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
      try {
        costs.push(
          await databaseCalls(() =>
            deliverInOneBatch(
              legs.map((leg) => leg.id),
              10,
            ),
          ),
        );
        queued.push(spy.mock.calls.flatMap(([messages]) => [...messages]).length);
      } finally {
        spy.mockRestore();
      }
    }
    // The record round trip has 5 statements more than a delivered batch's 3, whatever the number of legs: disable the
    // integration, move its failure streak, and one insert per kind of event (delivery.exhausted, integration.disabled,
    // integration.failing). A delivered batch adds none (the first test).
    expect(costs).toEqual([
      { requests: 2, statements: 14 },
      { requests: 2, statements: 14 },
    ]);
    // Queued for fan-out: a delivery.exhausted per leg, the integration.disabled, and for 20 failures in a row the
    // integration.failing.
    expect(queued).toEqual([2, 22]);
  });

  it("adds no round trip for Jira legs: ticket links read with the claim, written with the record", async () => {
    const email = `${unique("cost")}@example.com`.toLowerCase();
    const created = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
      token,
      body: {
        name: unique("jira"),
        type: "jira",
        jira_domain: JIRA_HOST,
        email,
        api_token: "ATATT-cost",
        project: "SEC",
      },
    });
    expect(created.status).toBe(201);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: created.body.id, subscriber_type: "connection" }]);
    const spy = vi.spyOn(env.FANOUT_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    const incident = unique("incident");
    const sent = [];
    try {
      // Five notifications about one new incident and five about incidents of their own.
      for (let i = 0; i < 10; i++)
        sent.push(await send(token, type, { payload: { long_incident_id: i < 5 ? incident : unique("incident") } }));
    } finally {
      spy.mockRestore();
    }
    const legs = await fanOutBatch(
      createServices(env),
      sent.map((n) => n.id),
    );
    const cost = await databaseCalls(() =>
      deliverInOneBatch(
        legs.map((leg) => leg.id),
        10,
      ),
    );
    // As for the alert channels, one round trip more reads the names the rendering shows (4 statements); the ticket
    // links add none: read with the claim, written with the record (3 statements: link, insert, drop reservations).
    expect(cost).toEqual({ requests: 3, statements: 16 });
    const issues = (await (await fetch(`https://${JIRA_HOST}/__issues/${encodeURIComponent(email)}`)).json()) as Array<{
      comments: unknown[];
    }>;
    expect(issues.map((issue) => issue.comments.length).sort()).toEqual([0, 0, 0, 0, 0, 4]);
  });

  it("is one round trip for copies of legs another consumer holds or finished", async () => {
    const { notifications } = await pendingLegs(3);
    const legs = await fanOutBatch(createServices(env), [notifications[0]!.id]);
    const ids = legs.map((leg) => leg.id);
    await deliverInOneBatch(ids, 10);
    let result: Awaited<ReturnType<typeof deliverInOneBatch>> | undefined;
    const cost = await databaseCalls(async () => {
      result = await deliverInOneBatch(ids, 10);
    });
    expect(cost).toEqual({ requests: 1, statements: 6 });
    expect(result?.explicitAcks).toEqual(["m0"]);
  });
});

describe("a fan-out batch's cost to the database", () => {
  it("is two round trips and nine statements, for one notification or ten with ten destinations each", async () => {
    const costs: DatabaseCalls[] = [];
    const recorded: string[] = [];
    for (const count of [1, 10]) {
      const { notifications } = await pendingLegs(10, count);
      const batch = createMessageBatch(
        "herald-fanout",
        notifications.map((notification, i) => ({
          id: `f${i}`,
          timestamp: new Date(),
          attempts: 1,
          body: { v: 1, notification_id: notification.id, account_id: ACCOUNT },
        })),
      );
      const sent = vi.spyOn(env.DELIVERY_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
      try {
        const ctx = createExecutionContext();
        costs.push(await databaseCalls(() => worker.queue(batch, counted, ctx)));
        expect((await getQueueResult(batch, ctx)).explicitAcks).toHaveLength(count);
        // The legs went out packed: ten legs of one account to a message.
        const queued = sent.mock.calls.flatMap(([messages]) => [...messages]);
        expect(queued).toHaveLength(count);
        for (const message of queued)
          expect((message.body as { delivery_ids: string[] }).delivery_ids).toHaveLength(10);
      } finally {
        sent.mockRestore();
      }
      const rows = await createServices(env).db.$client.execute({
        sql: "SELECT decisions FROM fanout_decisions WHERE notification_id = ?",
        args: [notifications[0]!.id],
      });
      recorded.push(String(rows.rows[0]?.decisions));
    }
    // One round trip reads the notifications, their candidate subscriptions (active or not), the active ones'
    // subscribers and the integrations and users those name; one writes the legs and fan-out's decisions, moves the
    // notifications on and reads back the pending legs.
    expect(costs).toEqual([
      { requests: 2, statements: 9 },
      { requests: 2, statements: 9 },
    ]);
    // The decisions cost one row per notification, and little in it: a subscription whose ten destinations got plain
    // legs of its own is recorded as its id and verdict alone, 70 bytes (the legs say the rest).
    for (const decisions of recorded)
      expect(decisions).toMatch(/^\[\{"s":"[0-9A-F-]{36}","d":"delivered","to":\[\]\}\]$/);
  });
});
