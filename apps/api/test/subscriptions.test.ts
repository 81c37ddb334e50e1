import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ACME,
  ACME_READER,
  ACME_WRITER,
  BASE,
  type CallResult,
  call,
  expectError,
  GLOBEX,
  type Session,
  session,
  UPPERCASE_UUID,
  unique,
} from "./helpers";

// Subscriptions: create, list, get, update, delete, batch delete (contract §2.2.11–2.2.16, §3.5, §3.12–3.15).
// Every test creates its own subscriptions under unique names and asserts on their ids, never on global counts.

let acme: Session;
let writer: Session;
let reader: Session;
let globex: Session;

beforeAll(async () => {
  [acme, writer, reader, globex] = await Promise.all([
    session(ACME),
    session(ACME_WRITER),
    session(ACME_READER),
    session(GLOBEX),
  ]);
});

const base = (s: Session) => `/herald/v2/${s.accountId}/subscriptions`;

function sparse(overrides: Record<string, unknown> = {}): Record<string, any> {
  return { name: unique("sub"), class: "event", notification_type: "incidents/alerts", ...overrides };
}

async function createSubscription(s: Session, overrides: Record<string, unknown> = {}) {
  const result = await call("POST", base(s), { token: s.token, body: sparse(overrides) });
  expect(result.status).toBe(201);
  return result.body;
}

async function createIntegration(s: Session): Promise<string> {
  const result = await call("POST", `/herald/v2/${s.accountId}/integrations`, {
    token: s.token,
    body: { name: unique("hook"), target_url: "https://hooks.example.com/x" },
  });
  expect(result.status).toBe(201);
  return result.body.id;
}

async function getSubscription(s: Session, id: string, query = "") {
  return call("GET", `${base(s)}/${id}${query}`, { token: s.token });
}

async function listSubscriptions(s: Session, query = "") {
  const result = await call("GET", `${base(s)}${query}`, { token: s.token });
  expect(result.status).toBe(200);
  return result.body.subscriptions as any[];
}

const ids = (subscriptions: { id: string }[]) => subscriptions.map((s) => s.id);

describe("POST /{account_id}/subscriptions (create)", () => {
  it("creates a sparse subscription with server-assigned fields", async () => {
    const before = Math.floor(Date.now() / 1000);
    const body = sparse();
    const result = await call("POST", base(acme), { token: acme.token, body });
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
    const result = await call("POST", base(acme), { token: acme.token, body });
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

  it("lets a write-role key create, stamping its own user", async () => {
    const created = await createSubscription(writer);
    expect(created.account_id).toBe(ACME.accountId);
    expect(created.created.by).toBe(writer.userId);
    expect(created.created.by).not.toBe(acme.userId);
  });

  it("adds initial subscribers and returns them with subscriber_count", async () => {
    const integration = await createIntegration(acme);
    const user = crypto.randomUUID().toUpperCase();
    const result = await call("POST", base(acme), {
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
    for (const subscriber of created.subscribers) {
      expect(subscriber.id).toMatch(UPPERCASE_UUID);
      expect(subscriber.subscription_id).toBe(created.id);
    }
    expect(created.subscribers.map((s: any) => [s.subscriber_type, s.subscriber]).sort()).toEqual(
      [
        ["connection", integration],
        ["user", user],
      ].sort(),
    );

    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscriber_count).toBe(2);
    expect(fetched.body.subscribers.map((s: any) => s.id).sort()).toEqual(
      created.subscribers.map((s: any) => s.id).sort(),
    );
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

  it("lists connections that are not integrations of the account in subscribers_failed and adds the rest", async () => {
    const unknownConnection = crypto.randomUUID().toUpperCase();
    const globexIntegration = await createIntegration(globex);
    const user = crypto.randomUUID().toUpperCase();
    const result = await call("POST", base(acme), {
      token: acme.token,
      body: sparse({
        subscribers: [
          { subscriber: unknownConnection, subscriber_type: "connection" },
          { subscriber: user, subscriber_type: "user" },
          { subscriber: globexIntegration, subscriber_type: "connection" },
        ],
      }),
    });
    expect(result.status).toBe(201);
    expect(result.body.subscriber_count).toBe(1);
    expect(result.body.subscribers).toEqual([expect.objectContaining({ subscriber: user, subscriber_type: "user" })]);
    expect(result.body.subscribers_failed).toHaveLength(2);
    expect(result.body.subscribers_failed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ subscriber: unknownConnection, subscriber_type: "connection", error: "not_found" }),
        expect.objectContaining({ subscriber: globexIntegration, subscriber_type: "connection", error: "not_found" }),
      ]),
    );

    const fetched = await getSubscription(acme, result.body.id, "?include_subscribers=true");
    expect(fetched.status).toBe(200);
    expect(fetched.body.subscribers.map((s: any) => s.subscriber)).toEqual([user]);
    expect(fetched.body).not.toHaveProperty("subscribers_failed");
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
    expect(fetched.body.subscribers.map((s: any) => `${s.subscriber_type}:${s.subscriber}`).sort()).toEqual(
      [`connection:${integration}`, `user:${user}`].sort(),
    );
  });

  const { name: _n, ...noName } = sparse();
  const { class: _c, ...noClass } = sparse();
  const { notification_type: _t, ...noType } = sparse();

  it.each<[string, unknown, number, string, { details?: unknown; path?: unknown }]>([
    ["name missing", noName, 400, "missing_required_property", { details: "name" }],
    ["class missing", noClass, 400, "missing_required_property", { details: "class" }],
    ["notification_type missing", noType, 400, "missing_required_property", { details: "notification_type" }],
    [
      "a subscriber without subscriber",
      sparse({ subscribers: [{ subscriber_type: "user" }] }),
      400,
      "missing_required_property",
      { path: "subscribers.0", details: "subscriber" },
    ],
    [
      "the second subscriber without subscriber_type",
      sparse({ subscribers: [{ subscriber: "U1", subscriber_type: "user" }, { subscriber: "U2" }] }),
      400,
      "missing_required_property",
      { path: "subscribers.1", details: "subscriber_type" },
    ],
    [
      "a subscriber of type email",
      sparse({ subscribers: [{ subscriber: "U1", subscriber_type: "email" }] }),
      400,
      "invalid_value",
      { path: "subscribers.0.subscriber_type" },
    ],
    [
      "notification_type without a slash",
      sparse({ notification_type: "incidents" }),
      400,
      "invalid_value",
      { path: "notification_type" },
    ],
    [
      "notification_type with two slashes",
      sparse({ notification_type: "a/b/c" }),
      400,
      "invalid_value",
      { path: "notification_type" },
    ],
    [
      "notification_type with an empty segment",
      sparse({ notification_type: "incidents/" }),
      400,
      "invalid_value",
      { path: "notification_type" },
    ],
    [
      "an unknown notification_type",
      sparse({ notification_type: "nothing/here" }),
      400,
      "unknown_notification_type",
      { path: "notification_type" },
    ],
    [
      "suppression_interval -1",
      sparse({ suppression_interval: -1 }),
      400,
      "invalid_value",
      { path: "suppression_interval" },
    ],
    [
      "suppression_interval 10081",
      sparse({ suppression_interval: 10081 }),
      400,
      "invalid_value",
      { path: "suppression_interval" },
    ],
    [
      "suppression_interval 1.5",
      sparse({ suppression_interval: 1.5 }),
      400,
      "wrong_type",
      { path: "suppression_interval" },
    ],
    ["a template outside the enum", sparse({ template: "my_template" }), 400, "invalid_value", { path: "template" }],
    [
      "a template the notification type does not offer",
      sparse({ template: "scheduled_report_template" }),
      400,
      "invalid_value",
      { path: "template" },
    ],
    [
      "class schedule without external_id",
      sparse({ class: "schedule", notification_type: "report/scheduled" }),
      400,
      "missing_required_property",
      { details: "external_id" },
    ],
    ["active as a string", sparse({ active: "yes" }), 400, "wrong_type", { path: "active" }],
    ["name as a number", sparse({ name: 42 }), 400, "wrong_type", { path: "name" }],
    ["an empty name", sparse({ name: "" }), 400, "invalid_value", { path: "name" }],
    ["options as a string", sparse({ options: "none" }), 400, "wrong_type", { path: "options" }],
    [
      "options.include_attachments as a string",
      sparse({ options: { include_attachments: "yes" } }),
      400,
      "wrong_type",
      { path: "options.include_attachments" },
    ],
    ["filters as an array", sparse({ filters: [] }), 400, "wrong_type", { path: "filters" }],
    ["subscribers as an object", sparse({ subscribers: {} }), 400, "wrong_type", { path: "subscribers" }],
    ["a bare array body", [sparse()], 400, "wrong_type", {}],
  ])("rejects %s", async (_case, body, status, error, fields) => {
    const result = await call("POST", base(acme), { token: acme.token, body });
    expectError(result, status, error, fields);
  });

  it("accepts 1000 initial subscribers and rejects 1001", async () => {
    const subscribers = Array.from({ length: 1001 }, () => ({
      subscriber: crypto.randomUUID().toUpperCase(),
      subscriber_type: "user",
    }));
    const tooMany = await call("POST", base(acme), { token: acme.token, body: sparse({ subscribers }) });
    expectError(tooMany, 400, "invalid_value", { path: "subscribers" });

    const created = await createSubscription(acme, { subscribers: subscribers.slice(0, 1000) });
    expect(created.subscriber_count).toBe(1000);
    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscriber_count).toBe(1000);
  });

  it("answers 413 for a body over 256 KiB", async () => {
    const name = unique("huge");
    const result = await call("POST", base(acme), {
      token: acme.token,
      body: sparse({ name, options: { padding: "x".repeat(300 * 1024) } }),
    });
    expectError(result, 413, "payload_too_large");
    expect((await listSubscriptions(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("creates nothing when the request is rejected", async () => {
    const name = unique("rejected");
    const result = await call("POST", base(acme), {
      token: acme.token,
      body: sparse({ name, suppression_interval: 99999 }),
    });
    expectError(result, 400, "invalid_value");
    expect((await listSubscriptions(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("answers invalid_json for a body that is not JSON", async () => {
    const result = await call("POST", base(acme), {
      token: acme.token,
      rawBody: '{"name": "broken",',
      headers: { "content-type": "application/json" },
    });
    expectError(result, 400, "invalid_json");
  });

  it.each<[string, Record<string, string>]>([
    ["no content-type", {}],
    ["content-type text/plain", { "content-type": "text/plain" }],
    ["content-type application/x-www-form-urlencoded", { "content-type": "application/x-www-form-urlencoded" }],
  ])("answers 415 for a JSON body sent with %s", async (_case, headers) => {
    const name = unique("untyped");
    // Bytes, not a string: a string body would make fetch add `content-type: text/plain` by itself.
    const request = new Request(`${BASE}${base(acme)}`, {
      method: "POST",
      headers: { "x-aims-auth-token": acme.token, ...headers },
      body: new TextEncoder().encode(JSON.stringify(sparse({ name }))),
    });
    expect(request.headers.get("content-type")).toBe(headers["content-type"] ?? null);
    const response = await SELF.fetch(request);
    const result: CallResult = { status: response.status, body: await response.json(), headers: response.headers };
    expectError(result, 415, "unsupported_media_type");
    expect((await listSubscriptions(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("refuses a read-only key with 403 and creates nothing", async () => {
    const name = unique("by-reader");
    const result = await call("POST", base(reader), { token: reader.token, body: sparse({ name }) });
    expectError(result, 403, "forbidden");
    expect((await listSubscriptions(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("refuses to create in another account (403) and creates nothing there", async () => {
    const name = unique("intruder");
    const result = await call("POST", base(globex), { token: acme.token, body: sparse({ name }) });
    expectError(result, 403, "forbidden");
    expect((await listSubscriptions(globex)).filter((s) => s.name === name)).toEqual([]);
  });

  it("refuses a request without a token (401)", async () => {
    const result = await call("POST", base(acme), { body: sparse() });
    expectError(result, 401, "unauthorized");
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

  it.each(["maybe", "yes", "TRUE"])("rejects include_subscribers=%j with invalid_search_parameters", async (value) => {
    const result = await call("GET", `${base(acme)}?include_subscribers=${value}`, { token: acme.token });
    expectError(result, 400, "invalid_search_parameters");
  });

  it("never shows another account's subscriptions", async () => {
    const cls = unique("cls");
    const theirs = await createSubscription(globex, { class: cls });
    const mine = await createSubscription(acme, { class: cls });
    const listed = await listSubscriptions(acme);
    expect(ids(listed)).toContain(mine.id);
    expect(ids(listed)).not.toContain(theirs.id);
    for (const s of listed) expect(s.account_id).toBe(ACME.accountId);
    expect(ids(await listSubscriptions(acme, `?class=${cls}`))).toEqual([mine.id]);
    expect(ids(await listSubscriptions(globex, `?class=${cls}`))).toEqual([theirs.id]);
  });

  it("lets a read-only key list", async () => {
    const mine = await createSubscription(acme);
    expect(ids(await listSubscriptions(reader))).toContain(mine.id);
  });

  it("refuses another account's list (403)", async () => {
    const result = await call("GET", base(globex), { token: acme.token });
    expectError(result, 403, "forbidden");
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

  it("rejects include_subscribers=maybe", async () => {
    const created = await createSubscription(acme);
    expectError(
      await getSubscription(acme, created.id, "?include_subscribers=maybe"),
      400,
      "invalid_search_parameters",
    );
  });

  it("finds the subscription by its id in lowercase", async () => {
    const created = await createSubscription(acme);
    const result = await getSubscription(acme, created.id.toLowerCase());
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(created.id);
  });

  it("answers 404 not_found for an unknown id", async () => {
    expectError(await getSubscription(acme, crypto.randomUUID().toUpperCase()), 404, "not_found");
  });

  it("lets a read-only key read", async () => {
    const created = await createSubscription(acme);
    const result = await getSubscription(reader, created.id);
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(created.id);
  });

  it("hides another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(await call("GET", `${base(globex)}/${theirs.id}`, { token: acme.token }), 403, "forbidden");
    expectError(await getSubscription(acme, theirs.id), 404, "not_found");
    expect((await getSubscription(globex, theirs.id)).status).toBe(200);
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
    const result = await call("POST", `${base(writer)}/${created.id}`, {
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
    const result = await call("POST", `${base(acme)}/${created.id}`, { token: acme.token, body: changes });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ ...changes, id: created.id, class: "event", active: true });
    // options are replaced, not merged.
    expect(result.body.options).toEqual(changes.options);
    expect((await getSubscription(acme, created.id)).body).toEqual(result.body);
  });

  it("ignores class in the body (the console sends it)", async () => {
    const created = await createSubscription(acme);
    const result = await call("POST", `${base(acme)}/${created.id}`, {
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
    const result = await call("POST", `${base(acme)}/${created.id}`, {
      token: acme.token,
      body: { name: "renamed", subscribers: [{ subscriber: crypto.randomUUID(), subscriber_type: "user" }] },
    });
    expect(result.status).toBe(200);
    expect(result.body.name).toBe("renamed");
    const fetched = await getSubscription(acme, created.id, "?include_subscribers=true");
    expect(fetched.body.subscribers.map((s: any) => s.subscriber)).toEqual([person]);
  });

  it("answers 200 and changes nothing for an empty body", async () => {
    const created = await createSubscription(acme, full());
    const { subscribers: _s, subscriber_count: _c, ...plain } = created;
    const result = await call("POST", `${base(writer)}/${created.id}`, { token: writer.token, body: {} });
    expect(result.status).toBe(200);
    expect(result.body).toEqual(plain);
    expect((await getSubscription(acme, created.id)).body).toEqual(plain);
  });

  it("accepts a lowercase id", async () => {
    const created = await createSubscription(acme);
    const result = await call("POST", `${base(acme)}/${created.id.toLowerCase()}`, {
      token: acme.token,
      body: { name: "lower" },
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: created.id, name: "lower" });
  });

  it.each<[string, Record<string, unknown>, string, { details?: unknown; path?: unknown }]>([
    [
      "an unknown notification_type",
      { notification_type: "nothing/here" },
      "unknown_notification_type",
      { path: "notification_type" },
    ],
    [
      "a malformed notification_type",
      { notification_type: "incidents" },
      "invalid_value",
      { path: "notification_type" },
    ],
    [
      "a notification_type that does not offer the current template",
      { notification_type: "observations/notification" },
      "invalid_value",
      { path: "template" },
    ],
    ["a template the type does not offer", { template: "observation_template" }, "invalid_value", { path: "template" }],
    ["a template outside the enum", { template: "custom" }, "invalid_value", { path: "template" }],
    ["suppression_interval 10081", { suppression_interval: 10081 }, "invalid_value", { path: "suppression_interval" }],
    ["active as a string", { active: "yes" }, "wrong_type", { path: "active" }],
    ["an empty name", { name: "" }, "invalid_value", { path: "name" }],
  ])("rejects %s with 400 and changes nothing", async (_case, body, error, fields) => {
    const created = await createSubscription(acme, { template: "log_review_created" });
    const { subscribers: _s, subscriber_count: _c, ...plain } = created;
    const result = await call("POST", `${base(acme)}/${created.id}`, { token: acme.token, body });
    expectError(result, 400, error, fields);
    expect((await getSubscription(acme, created.id)).body).toEqual(plain);
  });

  it("answers invalid_json for a broken body", async () => {
    const created = await createSubscription(acme);
    const result = await call("POST", `${base(acme)}/${created.id}`, {
      token: acme.token,
      rawBody: "{active:false}",
      headers: { "content-type": "application/json" },
    });
    expectError(result, 400, "invalid_json");
  });

  it("answers 404 for an unknown id", async () => {
    const result = await call("POST", `${base(acme)}/${crypto.randomUUID().toUpperCase()}`, {
      token: acme.token,
      body: { active: false },
    });
    expectError(result, 404, "not_found");
  });

  it("refuses a read-only key (403) and changes nothing", async () => {
    const created = await createSubscription(acme);
    const result = await call("POST", `${base(reader)}/${created.id}`, {
      token: reader.token,
      body: { active: false },
    });
    expectError(result, 403, "forbidden");
    expect((await getSubscription(acme, created.id)).body.active).toBe(true);
  });

  it("cannot touch another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(
      await call("POST", `${base(globex)}/${theirs.id}`, { token: acme.token, body: { active: false } }),
      403,
      "forbidden",
    );
    expectError(
      await call("POST", `${base(acme)}/${theirs.id}`, { token: acme.token, body: { active: false } }),
      404,
      "not_found",
    );
    expect((await getSubscription(globex, theirs.id)).body.active).toBe(true);
  });
});

describe("DELETE /{account_id}/subscriptions/{id}", () => {
  it("deletes the subscription and its subscribers; a second delete is 404", async () => {
    const created = await createSubscription(acme, {
      subscribers: [{ subscriber: crypto.randomUUID().toUpperCase(), subscriber_type: "user" }],
    });
    const result = await call("DELETE", `${base(acme)}/${created.id}`, { token: acme.token });
    expect(result.status).toBe(204);
    expect(result.body).toBeUndefined();

    expectError(await getSubscription(acme, created.id), 404, "not_found");
    expectError(await call("GET", `${base(acme)}/${created.id}/subscribers`, { token: acme.token }), 404, "not_found");
    expect(ids(await listSubscriptions(acme))).not.toContain(created.id);
    expectError(await call("DELETE", `${base(acme)}/${created.id}`, { token: acme.token }), 404, "not_found");
  });

  it("accepts a lowercase id", async () => {
    const created = await createSubscription(acme);
    expect((await call("DELETE", `${base(acme)}/${created.id.toLowerCase()}`, { token: acme.token })).status).toBe(204);
    expect((await getSubscription(acme, created.id)).status).toBe(404);
  });

  it("answers 404 for an unknown id", async () => {
    const result = await call("DELETE", `${base(acme)}/${crypto.randomUUID().toUpperCase()}`, { token: acme.token });
    expectError(result, 404, "not_found");
  });

  it("lets a write-role key delete", async () => {
    const created = await createSubscription(acme);
    expect((await call("DELETE", `${base(writer)}/${created.id}`, { token: writer.token })).status).toBe(204);
  });

  it("refuses a read-only key (403) and keeps the subscription", async () => {
    const created = await createSubscription(acme);
    expectError(await call("DELETE", `${base(reader)}/${created.id}`, { token: reader.token }), 403, "forbidden");
    expect((await getSubscription(acme, created.id)).status).toBe(200);
  });

  it("cannot delete another account's subscription: 403 through its path, 404 through mine", async () => {
    const theirs = await createSubscription(globex);
    expectError(await call("DELETE", `${base(globex)}/${theirs.id}`, { token: acme.token }), 403, "forbidden");
    expectError(await call("DELETE", `${base(acme)}/${theirs.id}`, { token: acme.token }), 404, "not_found");
    expect((await getSubscription(globex, theirs.id)).status).toBe(200);
  });
});

describe("POST /{account_id}/subscriptions/batch/delete", () => {
  const batchDelete = (s: Session, body: unknown) => call("POST", `${base(s)}/batch/delete`, { token: s.token, body });

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

  it("deletes the existing ones and reports unknown ids as unprocessed", async () => {
    const [a, b] = await Promise.all([createSubscription(acme), createSubscription(acme)]);
    const unknown = crypto.randomUUID().toUpperCase();
    const result = await batchDelete(acme, { ids: [a.id, unknown, b.id] });
    expectError(result, 400, "delete_failed");
    expect(result.body.unprocessed_items).toEqual([{ id: unknown, error: "not_found" }]);
    expect((await getSubscription(acme, a.id)).status).toBe(404);
    expect((await getSubscription(acme, b.id)).status).toBe(404);
  });

  it("does not delete another account's subscription and reports it as unprocessed", async () => {
    const mine = await createSubscription(acme);
    const theirs = await createSubscription(globex, {
      subscribers: [{ subscriber: crypto.randomUUID().toUpperCase(), subscriber_type: "user" }],
    });
    const result = await batchDelete(acme, { ids: [mine.id, theirs.id] });
    expectError(result, 400, "delete_failed");
    expect(result.body.unprocessed_items).toEqual([{ id: theirs.id, error: "not_found" }]);
    expect((await getSubscription(acme, mine.id)).status).toBe(404);

    const still = await getSubscription(globex, theirs.id, "?include_subscribers=true");
    expect(still.status).toBe(200);
    expect(still.body.subscriber_count).toBe(1);
  });

  it.each<[string, unknown, string, { details?: unknown; path?: unknown }]>([
    ["an empty ids list", { ids: [] }, "invalid_value", { path: "ids" }],
    ["a bare array", ["86B8A354-0363-4FC2-82D3-0BB492DFD8B4"], "wrong_type", {}],
    ["a body without ids", {}, "missing_required_property", { details: "ids" }],
    ["ids as a string", { ids: "86B8A354-0363-4FC2-82D3-0BB492DFD8B4" }, "wrong_type", { path: "ids" }],
    ["an empty id", { ids: [""] }, "invalid_value", { path: "ids.0" }],
  ])("rejects %s with 400", async (_case, body, error, fields) => {
    expectError(await batchDelete(acme, body), 400, error, fields);
  });

  it("refuses a read-only key (403) and deletes nothing", async () => {
    const created = await createSubscription(acme);
    expectError(await batchDelete(reader, { ids: [created.id] }), 403, "forbidden");
    expect((await getSubscription(acme, created.id)).status).toBe(200);
  });

  it("refuses another account's path (403) and deletes nothing", async () => {
    const theirs = await createSubscription(globex);
    const result = await call("POST", `${base(globex)}/batch/delete`, {
      token: acme.token,
      body: { ids: [theirs.id] },
    });
    expectError(result, 403, "forbidden");
    expect((await getSubscription(globex, theirs.id)).status).toBe(200);
  });
});
