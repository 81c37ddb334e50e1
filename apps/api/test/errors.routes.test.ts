import { describe, expect, it } from "vitest";
import { ACME, ACME_READER, call, callText, expectHeraldError, PLATFORM, unique } from "./helpers";
import { createNotificationType, expectStoredAs, notificationBody, sendNotification } from "./notification-factories";
import { signedIn } from "./setup/sessions";

// Herald's answers at the edges: unknown routes and methods (404, 405), request ids on every answer, and odd input
// (huge or deep numbers and nesting, prototype keys, unicode, broken paths and queries, global segments where an
// account belongs) that must never cause a 5xx or leak internals.

const ACME_ID = ACME.accountId;
const JSON_TYPE = { "content-type": "application/json" };

const { acme, platform, reader } = signedIn({ acme: ACME, platform: PLATFORM, reader: ACME_READER });

/** The error body leaks nothing of the implementation: no stack, no file names, no SQL. */
function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .+\(|\.ts:\d+|\.js:\d+|stack|SQLITE|select |insert into|Failed query/i);
}

describe("unknown routes", () => {
  it.each([
    // `/` redirects to the console (test/console.test.ts).
    ["GET", "/nope"],
    ["GET", "/herald/v3/notification_types"],
    ["GET", "/herald/v1/12345678/subscriptions"],
    ["GET", "/herald/v2"],
    ["GET", `/herald/v2/${ACME_ID}`],
    ["GET", `/herald/v2/${ACME_ID}/nope`],
    ["GET", `/herald/v2/${ACME_ID}/notifications/a/b/c/d`],
    ["GET", "/aims/v1/nope"],
  ])("%s %s answers 404 in Herald's shape", async (method, path) => {
    const result = await call(method, path, { token: acme.token });
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
    // POST takes the path too: Alert Logic's console creates at /integrations/{type}.
    [
      "PATCH",
      `/herald/v2/${ACME_ID}/integrations/0C1D0000-0000-4000-8000-000000000000`,
      "GET, POST, PUT, DELETE, HEAD",
    ],
  ])("%s %s answers 405 with the methods the path takes", async (method, path, allow) => {
    const result = await call(method, path, { token: acme.token });
    expectHeraldError(result, 405, "method_not_allowed");
    expect(result.headers.get("allow")).toBe(allow);
    expect(result.body.details).toContain(allow);
  });
});

describe("request ids", () => {
  it.each([
    ["a 200", () => call("GET", "/herald/v2/notification_types", { token: acme.token }), 200],
    ["a 401", () => call("GET", "/herald/v2/notification_types"), 401],
    ["a 404", () => call("GET", "/nope"), 404],
    ["a 400", () => call("GET", `/herald/v2/${ACME_ID}/notifications/a/b?limit=0`, { token: acme.token }), 400],
  ])("puts x-request-id on %s, and request_id in error bodies", async (_label, request, status) => {
    const result = await request();
    expect(result.status).toBe(status);
    const id = result.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f-]{36}$/i);
    if (status >= 400) expect(result.body.request_id).toBe(id);
    else expect(result.body.request_id).toBeUndefined();
  });

  it("puts x-request-id on 202 and 204 answers too", async () => {
    const type = await createNotificationType(platform.token);
    const sent = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
      body: notificationBody(type),
    });
    expect(sent.status).toBe(202);
    expect(sent.headers.get("x-request-id")).toBeTruthy();
    const deleted = await call(
      "DELETE",
      `/herald/v2/notification_types/${await createNotificationType(platform.token)}`,
      {
        token: platform.token,
      },
    );
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
    const type = await createNotificationType(platform.token);
    const result = await callText("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
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
    const type = await createNotificationType(platform.token);
    const body = withPayload(type, nest(30_000));
    const headers = { ...JSON_TYPE, "idempotency-key": unique("deep") };
    const first = await callText("POST", `/herald/v2/${ACME_ID}/notifications`, { token: acme.token, body, headers });
    expect(first.status).toBe(202);
    expectNoInternals(first.text);
    const again = await callText("POST", `/herald/v2/${ACME_ID}/notifications`, { token: acme.token, body, headers });
    expect(again.status).toBe(202);
    expect(JSON.parse(again.text).id).toBe(JSON.parse(first.text).id);
  });

  it("stores __proto__ keys as data, without polluting any prototype", async () => {
    const type = await createNotificationType(platform.token);
    const body = `{"__proto__": {"polluted": "top"}, "type": "${type}",
      "notification_data": {"__proto__": {"polluted": "data"}, "class": "x"},
      "asset_data": {"constructor": {"prototype": {"polluted": "asset"}}},
      "payload": {"__proto__": {"polluted": "payload"}, "threat": "Low"}}`;
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expect(result.status).toBe(202);
    expect(result.body.notification_data.class).toBe("x");
    expect(result.body.payload.threat).toBe("Low");
    expect(result.body).not.toHaveProperty("polluted");

    // A clean notification afterwards carries nothing it was not sent.
    const clean = await sendNotification(acme.token, ACME_ID, type);
    expect(clean.notification_data).toEqual({});
    expect(clean.asset_data).toEqual({});
    expect(clean.payload).toEqual({});
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps unicode text exactly, through the answer and storage", async () => {
    const type = await createNotificationType(platform.token);
    const text = {
      accents: "héllo wörld ñ",
      emoji: "🚨🔥 👩‍💻",
      scripts: "日本語 العربية עברית",
      bidi: "\u202eevil\u202c",
      combining: "e\u0301",
      nul: "a\u0000b",
      zero_width: "a\u200bb",
    };
    const sent = await sendNotification(acme.token, ACME_ID, type, {
      notification_data: { class: "ünïcødé" },
      payload: { ...text, "kéy 🔑": "value" },
    });
    expect(sent.payload).toEqual({ ...text, "kéy 🔑": "value" });
    const stored = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: acme.token });
    expectStoredAs(stored.body, sent);
  });

  it("answers 400 unknown_notification_type for a unicode type nobody registered", async () => {
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
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
    const result = await callText("GET", path, { token: acme.token });
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
    for (const token of [acme.token, reader.token]) {
      const result = await call(method, path, { token, body });
      expectHeraldError(result, 403, "forbidden");
      expectNoInternals(JSON.stringify(result.body));
    }
  });
});
