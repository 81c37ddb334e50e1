import type { Subscription } from "@herald/contracts";
import { describe, expect, it } from "vitest";
import { ACME, ACME_WRITER, call, expectError, type Session, UPPERCASE_UUID, unique } from "./helpers";
import {
  createIntegration,
  createSubscription,
  getSubscription,
  ids,
  listSubscriptions,
  sparse,
  subscriptionsPath,
} from "./setup/fixtures";
import { signedIn } from "./setup/sessions";

// Subscriptions as they should work: create, list, get, update, delete, batch delete (contract §2.2.11–2.2.16, §3.5,
// §3.12–3.15). Refusals are in subscriptions.errors.test.ts, roles and other accounts in subscriptions.security.test.ts.
// Every test creates its own subscriptions under unique names and asserts on their ids, never on global counts.

const { acme, writer } = signedIn({ acme: ACME, writer: ACME_WRITER });

describe("POST /{account_id}/subscriptions (create)", () => {
  it("creates a sparse subscription with server-assigned fields", async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = sparse();
    const result = await call<Subscription>("POST", subscriptionsPath(acme), { token: acme.token, body });
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

    const fetched = await getSubscription(acme, created.id);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual({ ...created, subscribers: undefined, subscriber_count: undefined });
  });

  it("echoes and stores every optional field, keeping unknown option keys", async () => {
    const body = sparse({
      class: "schedule",
      notification_type: "report/scheduled",
      external_id: unique("schedule"),
      active: false,
      options: { include_attachments: true, email_subject: "Weekly", webhook_payload: "{}", colour: "blue", n: 3 },
      filters: { "=": [{ source: "notification.schedule_id" }, "F6103D82-A358-1005-8001-0242AC110020"] },
      template: "scheduled_report_template",
      suppression_interval: 2400,
    });
    const result = await call<Subscription>("POST", subscriptionsPath(acme), { token: acme.token, body });
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

    const fetched = await getSubscription(acme, result.body.id);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject(expected);
    expect(fetched.body.options).toEqual(body.options);
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
    const result = await call<Subscription>("POST", subscriptionsPath(acme), {
      token: acme.token,
      body: sparse({
        subscribers: [
          { subscriber: user, subscriber_type: "user" },
          { subscriber: integration, subscriber_type: "connection" },
        ],
      }),
    });
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

    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscriber_count).toBe(2);
    expect(fetched.body.subscribers?.map((s) => s.id).sort()).toEqual(created.subscribers?.map((s) => s.id).sort());
  });

  it("stores the legacy subscriber_type integration as connection", async () => {
    const integration = await createIntegration(acme);
    const created = await createSubscription(acme, {
      subscribers: [{ subscriber: integration, subscriber_type: "integration" }],
    });
    expect(created.subscribers).toEqual([
      expect.objectContaining({ subscriber: integration, subscriber_type: "connection" }),
    ]);
    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscribers).toEqual([
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
    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscriber_count).toBe(2);
    expect(fetched.body.subscribers?.map((s) => `${s.subscriber_type}:${s.subscriber}`).sort()).toEqual(
      [`connection:${integration}`, `user:${user}`].sort(),
    );
  });
});

describe("GET /{account_id}/subscriptions (list)", () => {
  it("filters by class", async () => {
    const cls = unique("cls");
    const mine = await createSubscription(acme, { class: cls });
    const other = await createSubscription(acme);
    const listed = await listSubscriptions(acme, `?class=${cls}`);
    expect(ids(listed)).toEqual([mine.id]);
    expect(ids(await listSubscriptions(acme, "?class=event"))).toContain(other.id);
    expect(ids(await listSubscriptions(acme, "?class=event"))).not.toContain(mine.id);
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

    const listed = await listSubscriptions(acme, `?external_id=${externalId}`);
    expect(ids(listed)).toEqual([schedule.id]);
    expect(listed[0]).toMatchObject({ class: "schedule", external_id: externalId });

    // An explicit class replaces the assumed one.
    expect(ids(await listSubscriptions(acme, `?external_id=${externalId}&class=event`))).toEqual([event.id]);
  });

  it("filters by notification_type", async () => {
    const health = await createSubscription(acme, { notification_type: "health/alerts" });
    const incident = await createSubscription(acme, { notification_type: "incidents/alerts" });
    const listed = await listSubscriptions(acme, "?notification_type=health/alerts");
    expect(ids(listed)).toContain(health.id);
    expect(ids(listed)).not.toContain(incident.id);
    for (const s of listed) expect(s.notification_type).toBe("health/alerts");
  });

  it("combines filters", async () => {
    const cls = unique("cls");
    const health = await createSubscription(acme, { class: cls, notification_type: "health/alerts" });
    await createSubscription(acme, { class: cls, notification_type: "incidents/alerts" });
    expect(ids(await listSubscriptions(acme, `?class=${cls}&notification_type=health%2Falerts`))).toEqual([health.id]);
  });

  it("includes subscribers and subscriber_count only when include_subscribers is true", async () => {
    const cls = unique("cls");
    const user = crypto.randomUUID().toUpperCase();
    const withOne = await createSubscription(acme, {
      class: cls,
      subscribers: [{ subscriber: user, subscriber_type: "user" }],
    });
    const withNone = await createSubscription(acme, { class: cls });

    for (const flag of ["true", "1"]) {
      const listed = await listSubscriptions(acme, `?class=${cls}&include_subscribers=${flag}`);
      const byId = new Map(listed.map((s) => [s.id, s]));
      expect(byId.get(withOne.id)).toMatchObject({
        subscriber_count: 1,
        subscribers: [
          expect.objectContaining({ subscriber: user, subscriber_type: "user", subscription_id: withOne.id }),
        ],
      });
      expect(byId.get(withNone.id)).toMatchObject({ subscriber_count: 0, subscribers: [] });
    }

    for (const query of [
      `?class=${cls}`,
      `?class=${cls}&include_subscribers=false`,
      `?class=${cls}&include_subscribers=0`,
    ]) {
      const listed = await listSubscriptions(acme, query);
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

    const without = await getSubscription(acme, created.id);
    expect(without.status).toBe(200);
    expect(without.body).toEqual(plain);

    const explicitFalse = await getSubscription(acme, created.id, "?include_subscribers=false");
    expect(explicitFalse.status).toBe(200);
    expect(explicitFalse.body).toEqual(plain);

    const withSubscribers = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(withSubscribers.status).toBe(200);
    expect(withSubscribers.body).toEqual({ ...plain, subscribers, subscriber_count: 1 });
  });

  it("finds the subscription by its id in lowercase", async () => {
    const created = await createSubscription(acme);
    const result = await getSubscription(acme, created.id.toLowerCase());
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(created.id);
  });
});

describe("POST /{account_id}/subscriptions/{id} (update)", () => {
  const full = () => ({
    options: { include_attachments: true, extra: "kept" },
    filters: { "=": [{ source: "notification.escalated" }, true] },
    template: "incidents_template",
    suppression_interval: 60,
    external_id: unique("rule"),
  });

  it("changes only active, and stamps modified with the caller", async () => {
    const created = await createSubscription(acme, full());
    const result = await call<Subscription>("POST", `${subscriptionsPath(writer)}/${created.id}`, {
      token: writer.token,
      body: { active: false },
    });
    expect(result.status).toBe(200);
    const { active: _active, modified: _modified, ...unchanged } = created;
    const { subscribers: _s, subscriber_count: _c, ...rest } = unchanged;
    expect(result.body).toMatchObject({ ...rest, active: false });
    expect(result.body.modified.by).toBe(writer.userId);
    expect(result.body.modified.at).toBeGreaterThanOrEqual(created.modified.at);
    expect(result.body.created).toEqual(created.created);

    const fetched = await getSubscription(acme, created.id);
    expect(fetched.body).toEqual(result.body);
  });

  it("changes every updatable field that is sent", async () => {
    const created = await createSubscription(acme, full());
    const changes = {
      name: unique("renamed"),
      notification_type: "incidents/notification",
      external_id: unique("rule"),
      options: { email_subject: "New subject" },
      filters: { in: [{ source: "notification.threat_level" }, ["high", "critical"]] },
      template: "log_review_created",
      suppression_interval: 0,
    };
    const result = await call<Subscription>("POST", `${subscriptionsPath(acme)}/${created.id}`, {
      token: acme.token,
      body: changes,
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ...changes, id: created.id, class: "event", active: true });
    // options are replaced, not merged.
    expect(result.body.options).toEqual(changes.options);
    expect((await getSubscription(acme, created.id)).body).toEqual(result.body);
  });

  it("ignores class in the body (the console sends it)", async () => {
    const created = await createSubscription(acme);
    const result = await call<Subscription>("POST", `${subscriptionsPath(acme)}/${created.id}`, {
      token: acme.token,
      body: { class: "schedule", name: "still an event" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ class: "event", name: "still an event" });
    expect((await getSubscription(acme, created.id)).body.class).toBe("event");
  });

  it("ignores subscribers in the body (they change through the subscriber operations)", async () => {
    const person = crypto.randomUUID().toUpperCase();
    const created = await createSubscription(acme, { subscribers: [{ subscriber: person, subscriber_type: "user" }] });
    const result = await call<Subscription>("POST", `${subscriptionsPath(acme)}/${created.id}`, {
      token: acme.token,
      body: { name: "renamed", subscribers: [{ subscriber: crypto.randomUUID(), subscriber_type: "user" }] },
    });
    expect(result.status).toBe(200);
    expect(result.body.name).toBe("renamed");
    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscribers?.map((s) => s.subscriber)).toEqual([person]);
  });

  it("answers 200 and changes nothing for an empty body", async () => {
    const created = await createSubscription(acme, full());
    const { subscribers: _s, subscriber_count: _c, ...plain } = created;
    const result = await call<Subscription>("POST", `${subscriptionsPath(writer)}/${created.id}`, {
      token: writer.token,
      body: {},
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual(plain);
    expect((await getSubscription(acme, created.id)).body).toEqual(plain);
  });

  it("accepts a lowercase id", async () => {
    const created = await createSubscription(acme);
    const result = await call<Subscription>("POST", `${subscriptionsPath(acme)}/${created.id.toLowerCase()}`, {
      token: acme.token,
      body: { name: "lower" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: created.id, name: "lower" });
  });
});

describe("DELETE /{account_id}/subscriptions/{id}", () => {
  it("deletes the subscription and its subscribers; a second delete is 404", async () => {
    const created = await createSubscription(acme, {
      subscribers: [{ subscriber: crypto.randomUUID().toUpperCase(), subscriber_type: "user" }],
    });
    const result = await call("DELETE", `${subscriptionsPath(acme)}/${created.id}`, { token: acme.token });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();

    expectError(await getSubscription(acme, created.id), 404, "not_found");
    expectError(
      await call("GET", `${subscriptionsPath(acme)}/${created.id}/subscribers`, { token: acme.token }),
      404,
      "not_found",
    );
    expect(ids(await listSubscriptions(acme))).not.toContain(created.id);
    expectError(
      await call("DELETE", `${subscriptionsPath(acme)}/${created.id}`, { token: acme.token }),
      404,
      "not_found",
    );
  });

  it("accepts a lowercase id", async () => {
    const created = await createSubscription(acme);
    expect(
      (await call("DELETE", `${subscriptionsPath(acme)}/${created.id.toLowerCase()}`, { token: acme.token })).status,
    ).toBe(204);
    expect((await getSubscription(acme, created.id)).status).toBe(404);
  });
});

describe("POST /{account_id}/subscriptions/batch/delete", () => {
  const batchDelete = (s: Session, body: unknown) =>
    call("POST", `${subscriptionsPath(s)}/batch/delete`, { token: s.token, body });

  it("deletes every listed subscription (ids in any case) with 204", async () => {
    const [a, b] = await Promise.all([createSubscription(acme), createSubscription(acme)]);
    const result = await batchDelete(acme, { ids: [a.id, b.id.toLowerCase()] });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();
    expect((await getSubscription(acme, a.id)).status).toBe(404);
    expect((await getSubscription(acme, b.id)).status).toBe(404);
  });

  it("tolerates the same id twice", async () => {
    const a = await createSubscription(acme);
    expect((await batchDelete(acme, { ids: [a.id, a.id] })).status).toBe(204);
    expect((await getSubscription(acme, a.id)).status).toBe(404);
  });
});
