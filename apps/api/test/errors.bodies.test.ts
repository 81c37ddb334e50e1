import { describe, expect, it } from "vitest";
import { ACME, call, callText, expectHeraldError, PLATFORM, unique } from "./helpers";
import { createNotificationType, idsOfType, notificationBody } from "./notification-factories";
import { signedIn } from "./setup/sessions";

// Request bodies Herald refuses whole, on every route that takes one: larger than 256 KiB (413, counted in bytes),
// not JSON (400), or not sent as JSON (415). A refused body changes nothing.

const ACME_ID = ACME.accountId;
const MAX_BODY_BYTES = 256 * 1024;
const JSON_TYPE = { "content-type": "application/json" };

const { acme, platform } = signedIn({ acme: ACME, platform: PLATFORM });

function padding(bytes: number) {
  return "x".repeat(bytes);
}

/** Routes that take a JSON body, with a token allowed to call them. */
const BODY_ROUTES: [string, string, () => string, () => string][] = [
  ["POST", "notifications", () => `/herald/v2/${ACME_ID}/notifications`, () => acme.token],
  ["POST", "subscriptions", () => `/herald/v2/${ACME_ID}/subscriptions`, () => acme.token],
  ["POST", "subscriptions/batch/delete", () => `/herald/v2/${ACME_ID}/subscriptions/batch/delete`, () => acme.token],
  ["POST", "integrations", () => `/herald/v2/${ACME_ID}/integrations`, () => acme.token],
  ["POST", "notification_types", () => "/herald/v2/notification_types", () => platform.token],
  ["PUT", "notification_types/{type}", () => "/herald/v2/notification_types/incidents/alerts", () => platform.token],
];

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
      token: () => acme.token,
      body: ({ type }) => notificationBody(type, { payload: { padding: padding(MAX_BODY_BYTES) } }),
      stored: async ({ type }) => (await idsOfType(acme.token, ACME_ID, type)).length > 0,
    },
    {
      label: "POST subscriptions",
      method: "POST",
      path: () => `/herald/v2/${ACME_ID}/subscriptions`,
      token: () => acme.token,
      body: ({ type, name }) => ({
        name,
        class: "event",
        notification_type: type,
        options: { email_subject: padding(MAX_BODY_BYTES) },
      }),
      stored: async ({ type }) => {
        const list = await call("GET", `/herald/v2/${ACME_ID}/subscriptions?notification_type=${type}`, {
          token: acme.token,
        });
        return list.body.subscriptions.length > 0;
      },
    },
    {
      label: "POST integrations",
      method: "POST",
      path: () => `/herald/v2/${ACME_ID}/integrations`,
      token: () => acme.token,
      body: ({ name }) => ({
        name,
        target_url: "https://hooks.example.com/x",
        headers: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`X-Pad-${i}`, padding(4096)])),
        padding: padding(MAX_BODY_BYTES),
      }),
      stored: async ({ name }) => {
        const list = await call("GET", `/herald/v2/${ACME_ID}/integrations`, { token: acme.token });
        return list.body.integrations.some((integration: { name: string }) => integration.name === name);
      },
    },
    {
      label: "POST notification_types",
      method: "POST",
      path: () => "/herald/v2/notification_types",
      token: () => platform.token,
      body: ({ name }) => ({
        notification_type: `${name}/big`,
        name,
        default_template: "incidents_template",
        default_email_subject: padding(MAX_BODY_BYTES),
      }),
      stored: async ({ name }) => {
        const list = await call("GET", "/herald/v2/notification_types", { token: acme.token });
        return list.body.notification_types.some((type: { name: string }) => type.name === name);
      },
    },
    {
      label: "PUT notification_types/{type}",
      method: "PUT",
      path: ({ type }) => `/herald/v2/notification_types/${type}`,
      token: () => platform.token,
      body: ({ name }) => ({ name, default_email_subject: padding(MAX_BODY_BYTES) }),
      stored: async ({ name }) => {
        const list = await call("GET", "/herald/v2/notification_types", { token: acme.token });
        return list.body.notification_types.some((type: { name: string }) => type.name === name);
      },
    },
  ];

  it.each(CASES)("$label answers 413 payload_too_large and stores nothing", async (testCase) => {
    const ctx = { type: await createNotificationType(platform.token), name: unique("big") };
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
    const type = await createNotificationType(platform.token);
    const subscription = await call("POST", `/herald/v2/${ACME_ID}/subscriptions`, {
      token: acme.token,
      body: { name: unique("keep"), class: "event", notification_type: type },
    });
    expect(subscription.status).toBe(201);
    const ids = [subscription.body.id, ...Array.from({ length: 8000 }, () => crypto.randomUUID())];
    const result = await call("POST", `/herald/v2/${ACME_ID}/subscriptions/batch/delete`, {
      token: acme.token,
      body: { ids },
    });
    expectHeraldError(result, 413, "payload_too_large");
    const still = await call("GET", `/herald/v2/${ACME_ID}/subscriptions/${subscription.body.id}`, {
      token: acme.token,
    });
    expect(still.status).toBe(200);
  });

  it("accepts a body of exactly 256 KiB and refuses one byte more", async () => {
    const type = await createNotificationType(platform.token);
    const empty = JSON.stringify(notificationBody(type, { payload: { padding: "" } }));
    const sized = (bytes: number) =>
      JSON.stringify(notificationBody(type, { payload: { padding: padding(bytes - empty.length) } }));
    const exact = sized(MAX_BODY_BYTES);
    expect(new TextEncoder().encode(exact).length).toBe(MAX_BODY_BYTES);
    const accepted = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
      rawBody: exact,
      headers: JSON_TYPE,
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body.payload.padding).toHaveLength(MAX_BODY_BYTES - empty.length);

    const over = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
      rawBody: sized(MAX_BODY_BYTES + 1),
      headers: JSON_TYPE,
    });
    expectHeraldError(over, 413, "payload_too_large");
    expect(await idsOfType(acme.token, ACME_ID, type)).toEqual([accepted.body.id]);
  });

  it("counts bytes, not characters", async () => {
    const type = await createNotificationType(platform.token);
    // 100,000 three-byte characters: 300,000 bytes in fewer than 256 Ki characters.
    const body = JSON.stringify(notificationBody(type, { payload: { text: "€".repeat(100_000) } }));
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 413, "payload_too_large");
    expect(await idsOfType(acme.token, ACME_ID, type)).toEqual([]);
  });
});

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
      const result = await callText(method, path(), {
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
    const type = await createNotificationType(platform.token);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
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
      token: acme.token,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 400, "wrong_type");
  });

  it("changes nothing when the body is broken", async () => {
    const type = await createNotificationType(platform.token);
    const body = JSON.stringify(notificationBody(type)).slice(0, -1);
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme.token,
      rawBody: body,
      headers: JSON_TYPE,
    });
    expectHeraldError(result, 400, "invalid_json");
    expect(await idsOfType(acme.token, ACME_ID, type)).toEqual([]);
  });
});
