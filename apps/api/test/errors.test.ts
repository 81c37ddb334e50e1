import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_READER, BASE, call, expectHeraldError, login, PLATFORM, unique } from "./helpers";
import {
  createNotificationType,
  expectStoredAs,
  idsOfType,
  notificationBody,
  sendNotification,
} from "./notification-factories";

const ACME_ID = ACME.accountId;
const MAX_BODY_BYTES = 256 * 1024;
const JSON_TYPE = { "content-type": "application/json" };

let acme: string;
let platform: string;
let reader: string;

beforeAll(async () => {
  acme = await login(ACME);
  platform = await login(PLATFORM);
  reader = await login(ACME_READER);
});

/** A request whose answer is read as text: nothing assumes it is JSON. */
async function raw(
  method: string,
  path: string,
  init: { token?: string; body?: string | Uint8Array; headers?: HeadersInit } = {},
) {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("x-aims-auth-token", init.token);
  const response = await SELF.fetch(`${BASE}${path}`, { method, headers, body: init.body });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The error body leaks nothing of the implementation: no stack, no file names, no SQL. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+\(|\.ts:\d+|\.js:\d+|stack|SQLITE|select |insert into|Failed query/i);
}

function padding(bytes: number) {
  return "x".repeat(bytes);
}

describe("request bodies larger than 256 KiB", () => {
  interface Case {
    label: string;
    method: string;
    path: (ctx: { type: string }) => string;
    token: () => string;
    body: (ctx: { type: string; name: string }) => unknown;
    stored: (ctx: { type: string; name: string }) => Promise<boolean>;
  }

  const CASES: Case[] = [
    {
      label: "POST notifications",
      method: "POST",
      path: () => `/herald/v2/${ACME_ID}/notifications`,
      token: () => acme,
      body: ({ type }) => notificationBody(type, { payload: { padding: padding(MAX_BODY_BYTES) } }),
      stored: async ({ type }) => (await idsOfType(acme, ACME_ID, type)).length > 0,
    },
    {
      label: "POST subscriptions",
      method: "POST",
      path: () => `/herald/v2/${ACME_ID}/subscriptions`,
      token: () => acme,
      body: ({ type, name }) => ({
        name,
        class: "event",
        notification_type: type,
        options: { email_subject: padding(MAX_BODY_BYTES) },
      }),
      stored: async ({ type }) => {
        const list = await call("GET", `/herald/v2/${ACME_ID}/subscriptions?notification_type=${type}`, {
          token: acme,
        });
        return list.body.subscriptions.length > 0;
      },
    },
    {
      label: "POST integrations",
      method: "POST",
      path: () => `/herald/v2/${ACME_ID}/integrations`,
      token: () => acme,
      body: ({ name }) => ({
        name,
        target_url: "https://hooks.example.com/x",
        headers: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`X-Pad-${i}`, padding(4096)])),
        padding: padding(MAX_BODY_BYTES),
      }),
      stored: async ({ name }) => {
        const list = await call("GET", `/herald/v2/${ACME_ID}/integrations`, { token: acme });
        return list.body.integrations.some((integration: { name: string }) => integration.name === name);
      },
    },
    {
      label: "POST notification_types",
      method: "POST",
      path: () => "/herald/v2/notification_types",
      token: () => platform,
      body: ({ name }) => ({
        notification_type: `${name}/big`,
        name,
        default_template: "incidents_template",
        default_email_subject: padding(MAX_BODY_BYTES),
      }),
      stored: async ({ name }) => {
        const list = await call("GET", "/herald/v2/notification_types", { token: acme });
        return list.body.notification_types.some((type: { name: string }) => type.name === name);
      },
    },
    {
      label: "PUT notification_types/{type}",
      method: "PUT",
      path: ({ type }) => `/herald/v2/notification_types/${type}`,
      token: () => platform,
      body: ({ name }) => ({ name, default_email_subject: padding(MAX_BODY_BYTES) }),
      stored: async ({ name }) => {
        const list = await call("GET", "/herald/v2/notification_types", { token: acme });
        return list.body.notification_types.some((type: { name: string }) => type.name === name);
      },
    },
  ];

  it.each(CASES)("$label answers 413 payload_too_large and stores nothing", async (testCase) => {
    const ctx = { type: await createNotificationType(platform), name: unique("big") };
    const body = JSON.stringify(testCase.body(ctx));
    expect(body.length).toBeGreaterThan(MAX_BODY_BYTES);
    const result = await call(testCase.method, testCase.path(ctx), {
      token: testCase.token(),
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 413, "payload_too_large");
    expect(await testCase.stored(ctx)).toBe(false);
  });

  it("deletes nothing when a batch delete is too large", async () => {
    const type = await createNotificationType(platform);
    const subscription = await call("POST", `/herald/v2/${ACME_ID}/subscriptions`, {
      token: acme,
      body: { name: unique("keep"), class: "event", notification_type: type },
    });
    expect(subscription.status).toBe(201);
    const ids = [subscription.body.id, ...Array.from({ length: 8000 }, () => crypto.randomUUID())];
    const result = await call("POST", `/herald/v2/${ACME_ID}/subscriptions/batch/delete`, {
      token: acme,
      body: { ids },
    });
    expectHeraldError(result, 413, "payload_too_large");
    const still = await call("GET", `/herald/v2/${ACME_ID}/subscriptions/${subscription.body.id}`, { token: acme });
    expect(still.status).toBe(200);
  });

  it("accepts a body of exactly 256 KiB and refuses one byte more", async () => {
    const type = await createNotificationType(platform);
    const empty = JSON.stringify(notificationBody(type, { payload: { padding: "" } }));
    const sized = (bytes: number) =>
      JSON.stringify(notificationBody(type, { payload: { padding: padding(bytes - empty.length) } }));
    const exact = sized(MAX_BODY_BYTES);
    expect(new TextEncoder().encode(exact).length).toBe(MAX_BODY_BYTES);
    const accepted = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: exact,
      headers: JSON_TYPE,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.payload.padding).toHaveLength(MAX_BODY_BYTES - empty.length);

    const over = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: sized(MAX_BODY_BYTES + 1),
      headers: JSON_TYPE,
    });
    expectHeraldError(over, 413, "payload_too_large");
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([accepted.body.id]);
  });

  it("counts bytes, not characters", async () => {
    const type = await createNotificationType(platform);
    // 100,000 three-byte characters: 300,000 bytes in fewer than 256 Ki characters.
    const body = JSON.stringify(notificationBody(type, { payload: { text: "€".repeat(100_000) } }));
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 413, "payload_too_large");
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });
});

/** Routes that take a JSON body, with a token allowed to call them. */
const BODY_ROUTES: [string, string, () => string, () => string][] = [
  ["POST", "notifications", () => `/herald/v2/${ACME_ID}/notifications`, () => acme],
  ["POST", "subscriptions", () => `/herald/v2/${ACME_ID}/subscriptions`, () => acme],
  ["POST", "subscriptions/batch/delete", () => `/herald/v2/${ACME_ID}/subscriptions/batch/delete`, () => acme],
  ["POST", "integrations", () => `/herald/v2/${ACME_ID}/integrations`, () => acme],
  ["POST", "notification_types", () => "/herald/v2/notification_types", () => platform],
  ["PUT", "notification_types/{type}", () => "/herald/v2/notification_types/incidents/alerts", () => platform],
];

describe("bodies that are not JSON", () => {
  const NOT_JSON = ["{", '{"type": "incidents/alerts",', "not json", "{'single': 'quotes'}", '{"a": 1,}', ""];

  it.each(BODY_ROUTES)("%s %s answers 400 invalid_json for broken JSON", async (method, _label, path, token) => {
    for (const body of NOT_JSON) {
      const result = await call(method, path(), { token: token(), rawBody: body, headers: JSON_TYPE });
      expectHeraldError(result, 400, "invalid_json");
    }
  });

  it.each(BODY_ROUTES)("%s %s answers 415 without a JSON content type", async (method, _label, path, token) => {
    for (const headers of [
      {},
      { "content-type": "text/plain" },
      { "content-type": "application/x-www-form-urlencoded" },
    ] as Record<string, string>[]) {
      // Bytes, so that fetch adds no content type of its own.
      const result = await raw(method, path(), {
        token: token(),
        body: new TextEncoder().encode('{"name": "x"}'),
        headers,
      });
      expect(result.headers.get("content-type")).toMatch(/^application\/json/);
      const body = JSON.parse(result.text);
      expect(result.status).toBe(415);
      expect(body).toMatchObject({ error: "unsupported_media_type", request_id: expect.any(String) });
    }
  });

  it("accepts application/json with a charset parameter", async () => {
    const type = await createNotificationType(platform);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: JSON.stringify(notificationBody(type)),
      headers: { "content-type": "application/json; charset=utf-8" },
    });
    expect(result.status).toBe(202);
  });

  it.each([
    ["an array", "[]"],
    ["null", "null"],
    ["a string", '"incidents/alerts"'],
    ["a number", "42"],
  ])("answers 400 wrong_type for a body that is %s", async (_label, body) => {
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 400, "wrong_type");
  });

  it("changes nothing when the body is broken", async () => {
    const type = await createNotificationType(platform);
    const body = JSON.stringify(notificationBody(type)).slice(0, -1);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 400, "invalid_json");
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });
});

describe("unknown routes", () => {
  it.each([
    ["GET", "/"],
    ["GET", "/nope"],
    ["GET", "/herald/v3/notification_types"],
    ["GET", "/herald/v1/12345678/subscriptions"],
    ["GET", "/herald/v2"],
    ["GET", `/herald/v2/${ACME_ID}`],
    ["GET", `/herald/v2/${ACME_ID}/nope`],
    ["GET", `/herald/v2/${ACME_ID}/notifications/a/b/c/d`],
    ["GET", "/aims/v1/nope"],
  ])("%s %s answers 404 in Herald's shape", async (method, path) => {
    const result = await call(method, path, { token: acme });
    expectHeraldError(result, 404, "not_found");
    expect(Object.keys(result.body).sort()).toEqual(["details", "error", "request_id"]);
    expect(result.body.request_id).toBe(result.headers.get("x-request-id"));
    expect(result.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it.each([
    ["GET", "/aims/v1/authenticate", "POST"],
    ["PATCH", `/herald/v2/${ACME_ID}/notifications`, "POST"],
    ["DELETE", "/herald/v2/notification_types", "GET, POST, HEAD"],
    ["PUT", `/herald/v2/${ACME_ID}/subscriptions`, "GET, POST, HEAD"],
    ["POST", `/herald/v2/${ACME_ID}/integrations/0C1D0000-0000-4000-8000-000000000000`, "GET, PUT, DELETE, HEAD"],
  ])("%s %s answers 405 with the methods the path takes", async (method, path, allow) => {
    const result = await call(method, path, { token: acme });
    expectHeraldError(result, 405, "method_not_allowed");
    expect(result.headers.get("allow")).toBe(allow);
    expect(result.body.details).toContain(allow);
  });
});

describe("request ids", () => {
  it.each([
    ["a 200", () => call("GET", "/herald/v2/notification_types", { token: acme }), 200],
    ["a 401", () => call("GET", "/herald/v2/notification_types"), 401],
    ["a 404", () => call("GET", "/nope"), 404],
    ["a 400", () => call("GET", `/herald/v2/${ACME_ID}/notifications/a/b?limit=0`, { token: acme }), 400],
  ])("puts x-request-id on %s, and request_id in error bodies", async (_label, request, status) => {
    const result = await request();
    expect(result.status).toBe(status);
    const id = result.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/i);
    if (status >= 400) expect(result.body.request_id).toBe(id);
    else expect(result.body.request_id).toBeUndefined();
  });

  it("puts x-request-id on 202 and 204 answers too", async () => {
    const type = await createNotificationType(platform);
    const sent = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody(type),
    });
    expect(sent.status).toBe(202);
    expect(sent.headers.get("x-request-id")).toBeTruthy();
    const deleted = await call("DELETE", `/herald/v2/notification_types/${await createNotificationType(platform)}`, {
      token: platform,
    });
    expect(deleted.status).toBe(204);
    expect(deleted.headers.get("x-request-id")).toBeTruthy();
  });

  it("gives every request its own id", async () => {
    const ids = new Set<string | null>();
    for (let i = 0; i < 5; i++) ids.add((await call("GET", "/nope")).headers.get("x-request-id"));
    expect(ids.size).toBe(5);
  });

  it("keeps a well-formed x-request-id the client sent, and replaces one that is not", async () => {
    const kept = await call("GET", "/nope", { headers: { "x-request-id": "client-trace-123" } });
    expect(kept.headers.get("x-request-id")).toBe("client-trace-123");
    expect(kept.body.request_id).toBe("client-trace-123");

    for (const bad of ["has spaces in it", "x".repeat(300), "<script>"]) {
      const replaced = await call("GET", "/nope", { headers: { "x-request-id": bad } });
      expect(replaced.headers.get("x-request-id")).not.toBe(bad);
      expect(replaced.body.request_id).toBe(replaced.headers.get("x-request-id"));
    }
  });
});

describe("odd input never causes a 5xx or leaks internals", () => {
  const withPayload = (type: string, literal: string) =>
    JSON.stringify(notificationBody(type, { payload: { odd: "PLACEHOLDER" } })).replace('"PLACEHOLDER"', literal);

  it.each([
    [
      "a number beyond float range where a number is expected",
      400,
      (t: string) => withPayload(t, "1").replace('"odd":1', '"cid":1e400'),
    ],
    ["a number beyond float range in an unknown key", 202, (t: string) => withPayload(t, "1e400")],
    ["an integer beyond 2^53", 202, (t: string) => withPayload(t, "123456789012345678901234567890")],
    ["a tiny number", 202, (t: string) => withPayload(t, "1e-400")],
    ["negative zero", 202, (t: string) => withPayload(t, "-0")],
    ["arrays nested 100,000 deep", 202, (t: string) => withPayload(t, `${"[".repeat(100_000)}${"]".repeat(100_000)}`)],
    [
      "objects nested 30,000 deep",
      202,
      (t: string) => withPayload(t, `${'{"a":'.repeat(30_000)}1${"}".repeat(30_000)}`),
    ],
    ["10,000 escaped NULs", 202, (t: string) => withPayload(t, `"${"\\u0000".repeat(10_000)}"`)],
    ["a type that is an object", 400, (t: string) => JSON.stringify({ ...notificationBody(t), type: { $ne: null } })],
    ["a key named constructor", 202, (t: string) => withPayload(t, '{"constructor": {"prototype": {"x": 1}}}')],
  ])("POST notifications with %s answers %i", async (_label, status, makeBody) => {
    const type = await createNotificationType(platform);
    const result = await raw("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: makeBody(type),
      headers: JSON_TYPE,
    });
    expect(result.status).toBe(status);
    expect(() => JSON.parse(result.text)).not.toThrow();
    expectNoInternals(result.text);
  });

  it.each([
    ["arrays", (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`],
    ["objects", (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`],
  ])("accepts %s nested 30,000 deep with an Idempotency-Key, and replays them", async (_label, nest) => {
    const type = await createNotificationType(platform);
    const body = withPayload(type, nest(30_000));
    const headers = { ...JSON_TYPE, "idempotency-key": unique("deep") };
    const first = await raw("POST", `/herald/v2/${ACME_ID}/notifications`, { token: acme, body, headers });
    expect(first.status).toBe(202);
    expectNoInternals(first.text);
    const again = await raw("POST", `/herald/v2/${ACME_ID}/notifications`, { token: acme, body, headers });
    expect(again.status).toBe(202);
    expect(JSON.parse(again.text).id).toBe(JSON.parse(first.text).id);
  });

  it("stores __proto__ keys as data, without polluting any prototype", async () => {
    const type = await createNotificationType(platform);
    const body = `{"__proto__": {"polluted": "top"}, "type": "${type}",
      "notification_data": {"__proto__": {"polluted": "data"}, "class": "x"},
      "asset_data": {"constructor": {"prototype": {"polluted": "asset"}}},
      "payload": {"__proto__": {"polluted": "payload"}, "threat": "Low"}}`;
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expect(result.status).toBe(202);
    expect(result.body.notification_data.class).toBe("x");
    expect(result.body.payload.threat).toBe("Low");
    expect(result.body).not.toHaveProperty("polluted");

    // A clean notification afterwards carries nothing it was not sent.
    const clean = await sendNotification(acme, ACME_ID, type);
    expect(clean.notification_data).toEqual({});
    expect(clean.asset_data).toEqual({});
    expect(clean.payload).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps unicode text exactly, through the answer and storage", async () => {
    const type = await createNotificationType(platform);
    const text = {
      accents: "héllo wörld ñ",
      emoji: "🚨🔥 👩‍💻",
      scripts: "日本語 العربية עברית",
      bidi: "\u202eevil\u202c",
      combining: "e\u0301",
      nul: "a\u0000b",
      zero_width: "a\u200bb",
    };
    const sent = await sendNotification(acme, ACME_ID, type, {
      notification_data: { class: "ünïcødé" },
      payload: { ...text, "kéy 🔑": "value" },
    });
    expect(sent.payload).toEqual({ ...text, "kéy 🔑": "value" });
    const stored = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: acme });
    expectStoredAs(stored.body, sent);
  });

  it("answers 400 unknown_notification_type for a unicode type nobody registered", async () => {
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody("ïncidents/ålerts"),
    });
    expectHeraldError(result, 400, "unknown_notification_type");
  });

  it.each([
    ["an emoji id", 404, "/herald/v2/notifications/%F0%9F%98%80"],
    ["a broken percent-encoding", 404, "/herald/v2/notifications/%E0%A4%A"],
    ["a NUL id", 404, "/herald/v2/notifications/%00"],
    ["an id of 20,000 characters", 404, `/herald/v2/notifications/${"A".repeat(20_000)}`],
    ["SQL in an id", 404, `/herald/v2/notifications/${encodeURIComponent("' OR '1'='1")}`],
    ["a broken percent-encoding in a type", 200, `/herald/v2/${ACME_ID}/notifications/%E0%A4%A/x`],
    ["limit=1e400", 400, `/herald/v2/${ACME_ID}/notifications/a/b?limit=1e400`],
    ["since=1e400", 400, `/herald/v2/${ACME_ID}/notifications/a/b?since=1e400`],
    ["until beyond 2^53", 400, `/herald/v2/${ACME_ID}/notifications/a/b?until=99999999999999999999`],
    ["limit given twice", 400, `/herald/v2/${ACME_ID}/notifications/a/b?limit=1&limit=2`],
    ["a continuation id that decodes to null", 400, `/herald/v2/${ACME_ID}/notifications/a/b?continuation_id=bnVsbA`],
    ["a continuation id that is not base64", 400, `/herald/v2/${ACME_ID}/notifications/a/b?continuation_id=%FF%FE`],
  ])("a path or query with %s answers %i", async (_label, status, path) => {
    const result = await raw("GET", path, { token: acme });
    expect(result.status).toBe(status);
    expect(() => JSON.parse(result.text)).not.toThrow();
    expectNoInternals(result.text);
  });

  // The first segment after /herald/v2 of the global routes is not an account anybody may act for.
  it.each([
    [
      "POST",
      "/herald/v2/notification_types/subscriptions",
      { name: "x", class: "event", notification_type: "incidents/alerts" },
    ],
    ["POST", "/herald/v2/notifications/integrations", { name: "x", target_url: "https://hooks.example.com/x" }],
    ["POST", "/herald/v2/integration_types/integrations", { name: "x", target_url: "https://hooks.example.com/x" }],
    ["GET", "/herald/v2/integration_types/integrations", undefined],
    ["GET", "/herald/v2/notification_types/subscriptions", undefined],
    [
      "POST",
      "/herald/v2/notifications/notifications",
      { type: "incidents/alerts", notification_data: {}, asset_data: {}, payload: {} },
    ],
  ])("%s %s answers 403: a global segment is no account", async (method, path, body) => {
    for (const token of [acme, reader]) {
      const result = await call(method, path, { token, body });
      expectHeraldError(result, 403, "forbidden");
      expectNoInternals(JSON.stringify(result.body));
    }
  });
});
