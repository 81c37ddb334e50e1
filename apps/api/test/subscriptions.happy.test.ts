import { describe, expect, it } from "vitest";
import { ACME, typedCall, UPPERCASE_UUID, unique } from "./helpers";
import { createIntegration, createSubscription, ids, subscriptionBody } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscriptions from "./setup/subscriptions";

// Subscriptions as they should work: create, list and get (contract §2.2.11–2.2.13, §3.5, §3.12). Changes (update,
// delete, batch delete) are in subscriptions.changes.test.ts, refusals in subscriptions.errors.test.ts, roles and other
// accounts in subscriptions.security.test.ts. Every test creates its own subscriptions under unique names and asserts on
// their ids, never on global counts.

const { acme } = signedIn("acme");

describe("POST /{account_id}/subscriptions (create)", () => {
  it("creates a sparse subscription with server-assigned fields", async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = subscriptionBody();
    const result = await typedCall(acme, (herald) => herald.createSubscription(body));
    const after = Math.ceil(Date.now() / 1000);

    expect(result.status).toBe(201);
    const created = result.body;
    expect(created.id).toMatch(UPPERCASE_UUID);
    expect(created).toMatchObject({
      account_id: ACME.accountId,
      name: body.name,
      class: "event",
      notification_type: "incidents/alerts",
      active: true,
      created: { by: acme.userId },
      modified: { by: acme.userId },
    });
    expect(Number.isInteger(created.created.at)).toBe(true);
    expect(created.created.at).toBeGreaterThanOrEqual(before - 1);
    expect(created.created.at).toBeLessThanOrEqual(after + 1);
    expect(created.modified.at).toBe(created.created.at);
    for (const absent of [
      "external_id",
      "options",
      "filters",
      "template",
      "suppression_interval",
      "subscribers_failed",
    ])
      expect(created).not.toHaveProperty(absent);

    const fetched = await subscriptions.read(acme, created.id);
    expect(fetched).toEqual({ ...created, subscribers: undefined, subscriber_count: undefined });
  });

  it("echoes and stores every optional field, keeping unknown option keys", async () => {
    const body = subscriptionBody({
      class: "schedule",
      notification_type: "report/scheduled",
      external_id: unique("schedule"),
      active: false,
      options: { include_attachments: true, email_subject: "Weekly", webhook_payload: "{}", colour: "blue", n: 3 },
      filters: { "=": [{ source: "notification.schedule_id" }, "F6103D82-A358-1005-8001-0242AC110020"] },
      template: "scheduled_report_template",
      suppression_interval: 2400,
    });
    const result = await typedCall(acme, (herald) => herald.createSubscription(body));
    expect(result.status).toBe(201);
    const expected = {
      name: body.name,
      class: "schedule",
      notification_type: "report/scheduled",
      external_id: body.external_id,
      active: false,
      options: body.options,
      filters: body.filters,
      template: "scheduled_report_template",
      suppression_interval: 2400,
    };
    expect(result.body).toMatchObject(expected);

    const fetched = await subscriptions.read(acme, result.body.id);
    expect(fetched).toMatchObject(expected);
    expect(fetched.options).toEqual(body.options);
  });

  it.each([0, 10080])("accepts suppression_interval %d (the bounds)", async (interval) => {
    const created = await createSubscription(acme, { suppression_interval: interval });
    expect(created.suppression_interval).toBe(interval);
  });

  it("accepts a class other than event and schedule, stored as sent", async () => {
    const cls = unique("custom");
    const created = await createSubscription(acme, { class: cls });
    expect(created.class).toBe(cls);
  });

  it("adds initial subscribers and returns them with subscriber_count", async () => {
    const integration = await createIntegration(acme);
    const user = crypto.randomUUID().toUpperCase();
    const result = await typedCall(acme, (herald) =>
      herald.createSubscription(
        subscriptionBody({
          subscribers: [
            { subscriber: user, subscriber_type: "user" },
            { subscriber: integration, subscriber_type: "connection" },
          ],
        }),
      ),
    );
    expect(result.status).toBe(201);
    const created = result.body;
    expect(created.subscriber_count).toBe(2);
    expect(created).not.toHaveProperty("subscribers_failed");
    expect(created.subscribers).toHaveLength(2);
    for (const subscriber of created.subscribers ?? []) {
      expect(subscriber.id).toMatch(UPPERCASE_UUID);
      expect(subscriber.subscription_id).toBe(created.id);
    }
    expect(created.subscribers?.map((s) => [s.subscriber_type, s.subscriber]).sort()).toEqual(
      [
        ["connection", integration],
        ["user", user],
      ].sort(),
    );

    const fetched = await subscriptions.read(acme, created.id, { include_subscribers: true });
    expect(fetched.subscriber_count).toBe(2);
    expect(fetched.subscribers?.map((s) => s.id).sort()).toEqual(created.subscribers?.map((s) => s.id).sort());
  });

  it("stores the legacy subscriber_type integration as connection", async () => {
    const integration = await createIntegration(acme);
    const created = await createSubscription(acme, {
      subscribers: [{ subscriber: integration, subscriber_type: "integration" }],
    });
    expect(created.subscribers).toEqual([
      expect.objectContaining({ subscriber: integration, subscriber_type: "connection" }),
    ]);
    const fetched = await subscriptions.read(acme, created.id, { include_subscribers: true });
    expect(fetched.subscribers).toEqual([
      expect.objectContaining({ subscriber: integration, subscriber_type: "connection" }),
    ]);
  });

  it("collapses repeated subscribers (including case and the integration alias) into one each", async () => {
    const integration = await createIntegration(acme);
    const user = crypto.randomUUID().toUpperCase();
    const created = await createSubscription(acme, {
      subscribers: [
        { subscriber: user, subscriber_type: "user" },
        { subscriber: integration, subscriber_type: "connection" },
        { subscriber: user, subscriber_type: "user" },
        { subscriber: integration.toLowerCase(), subscriber_type: "connection" },
        { subscriber: integration, subscriber_type: "integration" },
      ],
    });
    expect(created.subscriber_count).toBe(2);
    expect(created).not.toHaveProperty("subscribers_failed");
    const fetched = await subscriptions.read(acme, created.id, { include_subscribers: true });
    expect(fetched.subscriber_count).toBe(2);
    expect(fetched.subscribers?.map((s) => `${s.subscriber_type}:${s.subscriber}`).sort()).toEqual(
      [`connection:${integration}`, `user:${user}`].sort(),
    );
  });
});

describe("GET /{account_id}/subscriptions (list)", () => {
  it("filters by class", async () => {
    const cls = unique("cls");
    const mine = await createSubscription(acme, { class: cls });
    const other = await createSubscription(acme);
    const listed = await subscriptions.list(acme, { class: cls });
    expect(ids(listed)).toEqual([mine.id]);
    expect(ids(await subscriptions.list(acme, { class: "event" }))).toContain(other.id);
    expect(ids(await subscriptions.list(acme, { class: "event" }))).not.toContain(mine.id);
  });

  it("filters by external_id, assuming class schedule", async () => {
    const externalId = unique("ext");
    const schedule = await createSubscription(acme, {
      class: "schedule",
      notification_type: "report/scheduled",
      external_id: externalId,
    });
    const event = await createSubscription(acme, { external_id: externalId });
    await createSubscription(acme, {
      class: "schedule",
      notification_type: "report/scheduled",
      external_id: unique("ext"),
    });

    const listed = await subscriptions.list(acme, { external_id: externalId });
    expect(ids(listed)).toEqual([schedule.id]);
    expect(listed[0]).toMatchObject({ class: "schedule", external_id: externalId });

    // An explicit class replaces the assumed one.
    expect(ids(await subscriptions.list(acme, { external_id: externalId, class: "event" }))).toEqual([event.id]);
  });

  it("filters by notification_type", async () => {
    const health = await createSubscription(acme, { notification_type: "health/alerts" });
    const incident = await createSubscription(acme, { notification_type: "incidents/alerts" });
    const listed = await subscriptions.listAt(acme, "?notification_type=health/alerts");
    expect(ids(listed)).toContain(health.id);
    expect(ids(listed)).not.toContain(incident.id);
    for (const s of listed) expect(s.notification_type).toBe("health/alerts");
  });

  it("combines filters", async () => {
    const cls = unique("cls");
    const health = await createSubscription(acme, { class: cls, notification_type: "health/alerts" });
    await createSubscription(acme, { class: cls, notification_type: "incidents/alerts" });
    expect(ids(await subscriptions.list(acme, { class: cls, notification_type: "health/alerts" }))).toEqual([
      health.id,
    ]);
  });

  it("includes subscribers and subscriber_count only when include_subscribers is true", async () => {
    const cls = unique("cls");
    const user = crypto.randomUUID().toUpperCase();
    const withOne = await createSubscription(acme, {
      class: cls,
      subscribers: [{ subscriber: user, subscriber_type: "user" }],
    });
    const withNone = await createSubscription(acme, { class: cls });

    for (const listed of [
      await subscriptions.list(acme, { class: cls, include_subscribers: true }),
      await subscriptions.listAt(acme, `?class=${cls}&include_subscribers=1`),
    ]) {
      const byId = new Map(listed.map((s) => [s.id, s]));
      expect(byId.get(withOne.id)).toMatchObject({
        subscriber_count: 1,
        subscribers: [
          expect.objectContaining({ subscriber: user, subscriber_type: "user", subscription_id: withOne.id }),
        ],
      });
      expect(byId.get(withNone.id)).toMatchObject({ subscriber_count: 0, subscribers: [] });
    }

    for (const listed of [
      await subscriptions.list(acme, { class: cls }),
      await subscriptions.list(acme, { class: cls, include_subscribers: false }),
      await subscriptions.listAt(acme, `?class=${cls}&include_subscribers=0`),
    ]) {
      expect(ids(listed).sort()).toEqual([withOne.id, withNone.id].sort());
      for (const s of listed) {
        expect(s).not.toHaveProperty("subscribers");
        expect(s).not.toHaveProperty("subscriber_count");
      }
    }
  });
});

describe("GET /{account_id}/subscriptions/{id}", () => {
  it("returns the subscription, with subscribers only when asked", async () => {
    const user = crypto.randomUUID().toUpperCase();
    const created = await createSubscription(acme, { subscribers: [{ subscriber: user, subscriber_type: "user" }] });
    const { subscribers, subscriber_count: _count, ...plain } = created;

    expect(await subscriptions.read(acme, created.id)).toEqual(plain);
    expect(await subscriptions.read(acme, created.id, { include_subscribers: false })).toEqual(plain);
    expect(await subscriptions.read(acme, created.id, { include_subscribers: true })).toEqual({
      ...plain,
      subscribers,
      subscriber_count: 1,
    });
  });

  it("finds the subscription by its id in lowercase", async () => {
    const created = await createSubscription(acme);
    expect((await subscriptions.read(acme, created.id.toLowerCase())).id).toBe(created.id);
  });
});
