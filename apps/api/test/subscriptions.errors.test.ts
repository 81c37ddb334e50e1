import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, type CallResult, call, expectError, unique } from "./helpers";
import { createSubscription, sparse } from "./setup/fixtures";
import { signedIn } from "./setup/sessions";
import * as subscriptions from "./setup/subscriptions";

// Subscription requests Herald refuses for what they carry: invalid bodies and queries, unknown ids, bodies too large
// or not JSON (contract §2.2.11–2.2.16, §3.5, §3.12–3.15). A refusal changes nothing.

const { acme } = signedIn("acme");

describe("POST /{account_id}/subscriptions (create)", () => {
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
    const result = await call("POST", subscriptions.path(acme), { token: acme.token, body });
    expectError(result, status, error, fields);
  });

  it("accepts 1000 initial subscribers and rejects 1001", async () => {
    const subscribers = Array.from({ length: 1001 }, () => ({
      subscriber: crypto.randomUUID().toUpperCase(),
      subscriber_type: "user" as const,
    }));
    const tooMany = await call("POST", subscriptions.path(acme), { token: acme.token, body: sparse({ subscribers }) });
    expectError(tooMany, 400, "invalid_value", { path: "subscribers" });

    const created = await createSubscription(acme, { subscribers: subscribers.slice(0, 1000) });
    expect(created.subscriber_count).toBe(1000);
    const fetched = await subscriptions.read(acme, created.id, { include_subscribers: true });
    expect(fetched.subscriber_count).toBe(1000);
  });

  it("answers 413 for a body over 256 KiB", async () => {
    const name = unique("huge");
    const result = await call("POST", subscriptions.path(acme), {
      token: acme.token,
      body: sparse({ name, options: { padding: "x".repeat(300 * 1024) } }),
    });
    expectError(result, 413, "payload_too_large");
    expect((await subscriptions.list(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("creates nothing when the request is rejected", async () => {
    const name = unique("rejected");
    const result = await call("POST", subscriptions.path(acme), {
      token: acme.token,
      body: sparse({ name, suppression_interval: 99999 }),
    });
    expectError(result, 400, "invalid_value");
    expect((await subscriptions.list(acme)).filter((s) => s.name === name)).toEqual([]);
  });

  it("answers invalid_json for a body that is not JSON", async () => {
    const result = await call("POST", subscriptions.path(acme), {
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
    const request = new Request(`${BASE}${subscriptions.path(acme)}`, {
      method: "POST",
      headers: { "x-aims-auth-token": acme.token, ...headers },
      body: new TextEncoder().encode(JSON.stringify(sparse({ name }))),
    });
    expect(request.headers.get("content-type")).toBe(headers["content-type"] ?? null);
    const response = await SELF.fetch(request);
    const result: CallResult = { status: response.status, body: await response.json(), headers: response.headers };
    expectError(result, 415, "unsupported_media_type");
    expect((await subscriptions.list(acme)).filter((s) => s.name === name)).toEqual([]);
  });
});

describe("GET /{account_id}/subscriptions (list)", () => {
  it.each(["maybe", "yes", "TRUE"])("rejects include_subscribers=%j with invalid_search_parameters", async (value) => {
    const result = await call("GET", `${subscriptions.path(acme)}?include_subscribers=${value}`, { token: acme.token });
    expectError(result, 400, "invalid_search_parameters");
  });
});

describe("GET /{account_id}/subscriptions/{id}", () => {
  it("rejects include_subscribers=maybe", async () => {
    const created = await createSubscription(acme);
    expectError(
      await subscriptions.get(acme, created.id, "?include_subscribers=maybe"),
      400,
      "invalid_search_parameters",
    );
  });

  it("answers 404 not_found for an unknown id", async () => {
    expectError(await subscriptions.get(acme, crypto.randomUUID().toUpperCase()), 404, "not_found");
  });
});

describe("POST /{account_id}/subscriptions/{id} (update)", () => {
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
    const result = await call("POST", `${subscriptions.path(acme)}/${created.id}`, { token: acme.token, body });
    expectError(result, 400, error, fields);
    expect(await subscriptions.read(acme, created.id)).toEqual(plain);
  });

  it("answers invalid_json for a broken body", async () => {
    const created = await createSubscription(acme);
    const result = await call("POST", `${subscriptions.path(acme)}/${created.id}`, {
      token: acme.token,
      rawBody: "{active:false}",
      headers: { "content-type": "application/json" },
    });
    expectError(result, 400, "invalid_json");
  });

  it("answers 404 for an unknown id", async () => {
    const result = await call("POST", `${subscriptions.path(acme)}/${crypto.randomUUID().toUpperCase()}`, {
      token: acme.token,
      body: { active: false },
    });
    expectError(result, 404, "not_found");
  });
});

describe("DELETE /{account_id}/subscriptions/{id}", () => {
  it("answers 404 for an unknown id", async () => {
    const result = await call("DELETE", `${subscriptions.path(acme)}/${crypto.randomUUID().toUpperCase()}`, {
      token: acme.token,
    });
    expectError(result, 404, "not_found");
  });
});

describe("POST /{account_id}/subscriptions/batch/delete", () => {
  it("deletes the existing ones and reports unknown ids as unprocessed", async () => {
    const [a, b] = await Promise.all([createSubscription(acme), createSubscription(acme)]);
    const unknown = crypto.randomUUID().toUpperCase();
    const result = await subscriptions.batchDelete(acme, { ids: [a.id, unknown, b.id] });
    expectError(result, 400, "delete_failed");
    expect(result.body.unprocessed_items).toEqual([{ id: unknown, error: "not_found" }]);
    expect((await subscriptions.get(acme, a.id)).status).toBe(404);
    expect((await subscriptions.get(acme, b.id)).status).toBe(404);
  });

  it.each<[string, unknown, string, { details?: unknown; path?: unknown }]>([
    ["an empty ids list", { ids: [] }, "invalid_value", { path: "ids" }],
    ["a bare array", ["86B8A354-0363-4FC2-82D3-0BB492DFD8B4"], "wrong_type", {}],
    ["a body without ids", {}, "missing_required_property", { details: "ids" }],
    ["ids as a string", { ids: "86B8A354-0363-4FC2-82D3-0BB492DFD8B4" }, "wrong_type", { path: "ids" }],
    ["an empty id", { ids: [""] }, "invalid_value", { path: "ids.0" }],
  ])("rejects %s with 400", async (_case, body, error, fields) => {
    expectError(await subscriptions.batchDelete(acme, body), 400, error, fields);
  });
});
