// Hostile input: generated bodies, query strings, path parameters and headers for every route that takes them, and
// the explicit cases generators rarely hit. Whatever comes in, Herald answers below 500, in its own error shape when
// it refuses, and stores nothing when it refuses. Account 24681357 is this file's alone, so its rows can be counted;
// the routes, the probe and the generators are in setup/hostile-input.ts.
import { env } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../src/app";
import { signWebhook } from "../src/delivery/signing";
import { freshType } from "./delivery-helpers";
import { BASE, unique } from "./helpers";
import {
  ACCOUNT,
  anyText,
  BODY_ROUTES,
  bodies,
  counts,
  errorShapeProblem,
  headerText,
  holds,
  ids,
  PARAM_ROUTES,
  pathOf,
  probe,
  QUERY_ROUTES,
  ROUTES,
  type Route,
  RUNS,
  route,
  segment,
  tokenFor,
  useHostileAccount,
  validBody,
} from "./setup/hostile-input";
import { fetchWorker } from "./worker-fetch";

const { admin, platform } = useHostileAccount();

describe("generated input", () => {
  it("covers the routes that take input", () => {
    expect(BODY_ROUTES.length).toBeGreaterThanOrEqual(15);
    expect(PARAM_ROUTES.length).toBeGreaterThanOrEqual(30);
    for (const route of BODY_ROUTES) expect(() => validBody(route), route.operationId).not.toThrow();
  });

  it.each(BODY_ROUTES.map((route) => [route.operationId, route] as const))(
    "bodies of %s: never a 5xx, always Herald's error shape, nothing stored on a refusal",
    async (_id, route) => {
      await holds(bodies(route), RUNS.bodies, async (body) => {
        const headers: Record<string, string> = {};
        if (route.operationId === "receive_resend_event") {
          // Signed, so the body gets past the signature to the parser.
          const timestamp = Math.floor(Date.now() / 1000);
          const id = `msg_${crypto.randomUUID()}`;
          headers["svix-id"] = id;
          headers["svix-timestamp"] = String(timestamp);
          headers["svix-signature"] = await signWebhook({
            secrets: [env.RESEND_WEBHOOK_SECRET],
            webhookId: id,
            timestamp,
            body,
          });
        }
        return { method: route.method, path: pathOf(route), token: tokenFor(route), body, headers };
      });
    },
  );

  it.each(QUERY_ROUTES.map((route) => [route.operationId, route] as const))(
    "query strings of %s: never a 5xx, always Herald's error shape",
    async (_id, route) => {
      const key = fc.oneof(fc.constantFrom(...route.query, "limit", "continuation_id", "active"), anyText);
      const value = fc.oneof(
        anyText,
        fc.constantFrom("-1", "0", "1e309", "NaN", "9007199254740993", "true", "[]", "eyJhIjoxfQ", "%ZZ"),
      );
      const query = fc.oneof(
        fc.array(fc.tuple(key, value), { maxLength: 4 }).map((pairs) => {
          const params = new URLSearchParams();
          for (const [name, text] of pairs) params.append(name, text.replace(/[\ud800-\udfff]/g, "?"));
          return params.toString();
        }),
        fc.constantFrom("%ZZ", "a=%", "&&&", "=", "limit=%FF", "notification_id=%00", "limit=1&limit=2"),
      );
      await holds(query, RUNS.queries, (text) => ({
        method: "GET",
        path: `${pathOf(route)}?${text}`,
        token: tokenFor(route),
      }));
    },
  );

  it.each(PARAM_ROUTES.map((route) => [route.operationId, route] as const))(
    "path parameters of %s: never a 5xx, always Herald's error shape, nothing stored on a refusal",
    async (_id, route) => {
      const overrides = fc.record(
        Object.fromEntries(route.params.map((name) => [name, segment])) as Record<string, fc.Arbitrary<string>>,
        { requiredKeys: [] },
      );
      // At least one parameter changes: the fixture's own path would let DELETE remove what later tests use.
      await holds(
        overrides.filter((override) => Object.keys(override).length > 0),
        RUNS.params,
        (override) => ({
          method: route.method,
          path: pathOf(route, override as Record<string, string>),
          token: tokenFor(route),
          body: route.hasBody ? JSON.stringify(validBody(route)) : undefined,
        }),
      );
    },
  );

  it("headers: never a 5xx, always Herald's error shape, nothing stored on a refusal", async () => {
    const targets = ["create_subscription", "sent_notification", "get_account_subscriptions", "authenticate"].map(
      (id) => ROUTES.find((route) => route.operationId === id) as Route,
    );
    const headers = fc.record(
      {
        "x-aims-auth-token": fc.oneof(headerText, fc.constant("__valid__")),
        "content-type": fc.oneof(
          headerText,
          fc.constantFrom("application/json", "application/json; charset=latin1", "text/json", "application/x-json"),
        ),
        "idempotency-key": headerText,
        "x-request-id": headerText,
        authorization: headerText,
        accept: headerText,
        "content-encoding": fc.constantFrom("gzip", "br", "identity", "x"),
      },
      { requiredKeys: [] },
    );
    await holds(fc.tuple(fc.constantFrom(...targets), headers), RUNS.headers, ([route, chosen]) => {
      const sent: Record<string, string> = { ...chosen };
      if (sent["x-aims-auth-token"] === "__valid__") sent["x-aims-auth-token"] = tokenFor(route) ?? admin.token;
      return {
        method: route.method,
        path: pathOf(route),
        token: tokenFor(route),
        body: route.hasBody ? JSON.stringify({ ...validBody(route), name: unique("hdr") }) : undefined,
        headers: sent,
      };
    });
  });
});

describe("explicit hostile cases", () => {
  const postable = () => BODY_ROUTES;

  it("refuses bodies over 256 KiB with 413, declared or streamed, and stores nothing", async () => {
    for (const route of postable()) {
      const body = JSON.stringify({ ...validBody(route), padding: "x".repeat(MAX_BODY_BYTES) });
      const problem = await probe({ method: route.method, path: pathOf(route), token: tokenFor(route), body });
      expect(problem, route.operationId).toBeUndefined();
      const response = await fetchWorker(`${BASE}${pathOf(route)}`, {
        method: route.method,
        headers: { "x-aims-auth-token": tokenFor(route) ?? "", "content-type": "application/json" },
        body,
      });
      expect(response.status, route.operationId).toBe(413);
      expect(await response.json()).toMatchObject({ error: "payload_too_large" });
    }
    // Without a Content-Length, the limit is counted as the body streams in.
    const route = ROUTES.find((r) => r.operationId === "sent_notification") as Route;
    const before = await counts();
    const chunk = new TextEncoder().encode(" ".repeat(1024));
    let chunks = 0;
    const response = await fetchWorker(`${BASE}${pathOf(route)}`, {
      method: "POST",
      headers: { "x-aims-auth-token": admin.token, "content-type": "application/json" },
      // Finite, a little over the limit: an endless stream would keep the runtime busy after the answer.
      body: new ReadableStream({
        pull(controller) {
          if (chunks++ < MAX_BODY_BYTES / 1024 + 16) controller.enqueue(chunk);
          else controller.close();
        },
      }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
    expect(await counts()).toEqual(before);
  });

  it("survives deeply nested JSON: refused where it does not fit, stored and read back where it does", async () => {
    const subscriptions = ROUTES.find((route) => route.operationId === "create_subscription") as Route;
    const arrays = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(
      await probe({ method: "POST", path: pathOf(subscriptions), token: admin.token, body: arrays }),
    ).toBeUndefined();
    const objects = `{"name":"deep","class":"event","notification_type":"${ids.type}","filters":${'{"not":'.repeat(20_000)}{}${"}".repeat(20_000)}}`;
    expect(
      await probe({ method: "POST", path: pathOf(subscriptions), token: admin.token, body: objects }),
    ).toBeUndefined();

    const depth = 20_000;
    const deep = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const response = await fetchWorker(`${BASE}/herald/v2/${ACCOUNT}/notifications`, {
      method: "POST",
      headers: { "x-aims-auth-token": admin.token, "content-type": "application/json" },
      body: `{"type":"${ids.type}","notification_data":${deep},"asset_data":{},"payload":{}}`,
    });
    expect(response.status).toBeLessThan(500);
    if (response.status === 202) {
      const { id } = (await response.json()) as { id: string };
      const read = await fetchWorker(`${BASE}/herald/v2/${ACCOUNT}/notifications/${id}`, {
        headers: { "x-aims-auth-token": admin.token },
      });
      expect(read.status).toBe(200);
      expect((await read.text()).length).toBeGreaterThan(depth * 5);
    } else {
      expect(errorShapeProblem(response, await response.text())).toBeUndefined();
    }
  });

  it("refuses huge arrays where the contract bounds them, and stores nothing", async () => {
    const many = (n: number, item: unknown) => Array.from({ length: n }, () => item);
    const cases: Array<[string, unknown]> = [
      ["batch_delete_subscriptions", { ids: many(50_000, "A") }],
      ["create_subscription", { ...validBody(route("create_subscription")), subscribers: many(20_000, {}) }],
      ["batch_update_subscribers", { subscribers: many(20_000, { subscriber: "x", subscriber_type: "user" }) }],
      ["sent_notification", { ...validBody(route("sent_notification")), attachments: many(20_000, {}) }],
    ];
    for (const [id, body] of cases) {
      const problem = await probe({
        method: "POST",
        path: pathOf(route(id)),
        token: admin.token,
        body: JSON.stringify(body),
      });
      expect(problem, id).toBeUndefined();
    }
    // Unbounded free-form data is fine as long as it fits in the body limit.
    const wide = { ...validBody(route("sent_notification")), notification_data: { list: many(40_000, 1) } };
    expect(
      await probe({
        method: "POST",
        path: pathOf(route("sent_notification")),
        token: admin.token,
        body: JSON.stringify(wide),
      }),
    ).toBeUndefined();
  });

  it.each([
    ["a lone 0xFF byte", [0xff]],
    ["a lone continuation byte", [0x80]],
    ["a truncated sequence", [0xe2, 0x82]],
    ["an overlong slash", [0xc0, 0xaf]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
    ["a code point past U+10FFFF", [0xf4, 0x90, 0x80, 0x80]],
  ])("refuses a JSON body with invalid UTF-8 (%s): 400 invalid_json, nothing stored", async (_label, bytes) => {
    for (const target of postable().filter((r) => r.token)) {
      const text = JSON.stringify({ ...validBody(target), name: "\u0001" });
      const [head, tail] = text.split("\\u0001") as [string, string];
      const encoder = new TextEncoder();
      const body = new Uint8Array([...encoder.encode(head), ...bytes, ...encoder.encode(tail)]);
      expect(
        await probe({ method: target.method, path: pathOf(target), token: tokenFor(target), body }),
      ).toBeUndefined();
      const response = await fetchWorker(`${BASE}${pathOf(target)}`, {
        method: target.method,
        headers: { "x-aims-auth-token": tokenFor(target) ?? "", "content-type": "application/json" },
        body,
      });
      expect(response.status, target.operationId).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_json" });
    }
  });

  it("refuses header injection in integration headers at create and update, and keeps the stored headers", async () => {
    const integrations = `/herald/v2/${ACCOUNT}/integrations`;
    const kept = { "X-Kept": "original" };
    const target = await fetchWorker(`${BASE}${integrations}`, {
      method: "POST",
      headers: { "x-aims-auth-token": admin.token, "content-type": "application/json" },
      body: JSON.stringify({ name: "injection target", target_url: "https://hooks.example.com/i", headers: kept }),
    });
    expect(target.status).toBe(201);
    const targetId = ((await target.json()) as { id: string }).id;
    const name = fc.stringMatching(/^X-[A-Za-z0-9-]{1,20}$/);
    const bad = fc
      .tuple(
        fc.string({ maxLength: 20 }),
        fc.constantFrom("\r", "\n", "\r\n", "\u0000", "\u0001", "\u007f", "\u0085", "\u2028", "✓", "é", "\ud83d\udca5"),
        fc.string({ maxLength: 20 }),
      )
      .map(([before, injected, after]) => `${before}${injected}${after}`);
    const badName = fc
      .tuple(name, fc.constantFrom("\r\n", "\n", ":", " ", "\u0000", "é"), fc.string({ maxLength: 5 }))
      .map(([start, injected, end]) => `${start}${injected}${end}`);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(name, bad).map(([header, value]) => ({ [header]: value })),
          fc.tuple(badName, fc.constant("value")).map(([header, value]) => ({ [header]: value })),
        ),
        fc.constantFrom("headers", "header"),
        async (headers, field) => {
          const created = await probe({
            method: "POST",
            path: integrations,
            token: admin.token,
            body: JSON.stringify({ name: "injected", target_url: "https://hooks.example.com/x", [field]: headers }),
          });
          if (created) throw new Error(created);
          const refused = await fetchWorker(`${BASE}${integrations}`, {
            method: "POST",
            headers: { "x-aims-auth-token": admin.token, "content-type": "application/json" },
            body: JSON.stringify({ name: "injected", target_url: "https://hooks.example.com/x", [field]: headers }),
          });
          expect(refused.status).toBe(400);
          expect(((await refused.json()) as { path: string }).path.startsWith(field)).toBe(true);

          const updated = await probe({
            method: "PUT",
            path: `${integrations}/${targetId}`,
            token: admin.token,
            body: JSON.stringify({ [field]: headers }),
          });
          if (updated) throw new Error(updated);
          const stored = await fetchWorker(`${BASE}${integrations}/${targetId}`, {
            headers: { "x-aims-auth-token": admin.token },
          });
          expect(((await stored.json()) as { headers: unknown }).headers).toEqual(kept);
        },
      ),
      { numRuns: RUNS.injection, endOnFailure: true },
    );
  });

  it("renders {{...}} in notification data literally in an e-mail subject: one pass, never across fields", async () => {
    const type = await freshType(platform.token);
    const email = `${unique("subject")}@hostile.example`;
    const user = crypto.randomUUID().toUpperCase();
    const base = `${BASE}/herald/v2/${ACCOUNT}`;
    const call = (method: string, path: string, body: unknown) =>
      fetchWorker(`${base}${path}`, {
        method,
        headers: { "x-aims-auth-token": admin.token, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await call("PUT", `/users/${user}`, { name: "Subject Reader", email })).status).toBe(201);
    const subscription = await call("POST", "/subscriptions", {
      name: unique("subject"),
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber: user, subscriber_type: "user" }],
      options: { email_subject: "{{payload.threat}}: {{payload.attack_summary}} ({{{notification_data.level}}})" },
    });
    expect(subscription.status).toBe(201);
    const sent = await call("POST", "/notifications", {
      type,
      notification_data: { level: "{{account.name}}", secret: "S3CRET-should-not-appear" },
      asset_data: {},
      payload: {
        threat: "{{notification_data.secret}}",
        attack_summary: "{{#payload}}{{threat}}{{/payload}} {{=<% %>=}} <%account.id%> {{> incident}}",
        long_incident_id: unique("subject"),
      },
    });
    expect(sent.status).toBe(202);

    let subject = "";
    await expect
      .poll(
        async () => {
          const emails = await fetchWorker(`${base}/emails?limit=200`, {
            headers: { "x-aims-auth-token": admin.token },
          });
          const list = ((await emails.json()) as { emails: Array<{ to: string; subject: string }> }).emails;
          subject = list.find((entry) => entry.to === email)?.subject ?? "";
          return subject;
        },
        { timeout: 20_000, interval: 100 },
      )
      .not.toBe("");
    expect(subject).toBe(
      "{{notification_data.secret}}: {{#payload}}{{threat}}{{/payload}} {{=<% %>=}} <%account.id%> {{> incident}} ({{account.name}})",
    );
    expect(subject).not.toContain("S3CRET");
    expect(subject).not.toContain("Hostile Input Ltd");
  });
});
