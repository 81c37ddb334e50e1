// Hostile input: generated bodies, query strings, path parameters and headers for every route that takes them, and
// the explicit cases generators rarely hit. Whatever comes in, Herald answers below 500, in its own error shape when
// it refuses, and stores nothing when it refuses. Account 24681357 is this file's alone, so its rows can be counted.
import { env } from "cloudflare:test";
import type { RouteConfig } from "@hono/zod-openapi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, MAX_BODY_BYTES } from "../src/app";
import { signWebhook } from "../src/delivery/signing";
import { createServices } from "../src/services/container";
import { freshType } from "./delivery-helpers";
import { BASE, HOSTILE, login, PLATFORM, unique } from "./helpers";
import { fetchWorker } from "./worker-fetch";

const ACCOUNT = HOSTILE.accountId;
const RUNS = { bodies: 75, queries: 40, params: 25, headers: 100, injection: 75 };
const ERROR_FIELDS = new Set(["error", "details", "path", "request_id", "subscribers_failed", "unprocessed_items"]);

let admin = "";
let platform = "";
const ids = { integration: "", subscription: "", user: "", notification: "", type: "" };

interface Route {
  operationId: string;
  method: string;
  path: string;
  params: string[];
  query: string[];
  hasBody: boolean;
  token: boolean;
}

const ROUTES: Route[] = createApp()
  .openAPIRegistry.definitions.filter(
    (definition): definition is { type: "route"; route: RouteConfig } => definition.type === "route",
  )
  .map(({ route }) => {
    const query = route.request?.query as { shape?: Record<string, unknown> } | undefined;
    return {
      operationId: route.operationId ?? route.path,
      method: route.method.toUpperCase(),
      path: route.path,
      params: [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string),
      query: Object.keys(query?.shape ?? {}),
      hasBody: route.request?.body !== undefined,
      token: (route.security ?? []).some((requirement) => "X-AIMS-Auth-Token" in requirement),
    };
  });

function tokenFor(route: Route): string | undefined {
  if (!route.token) return undefined;
  return route.path.startsWith("/herald/v2/notification_types") ? platform : admin;
}

function paramValue(name: string): string {
  const values: Record<string, string> = {
    account_id: ACCOUNT,
    id: ids.integration,
    subscription_id: ids.subscription,
    notification_id: ids.notification,
    delivery_id: crypto.randomUUID().toUpperCase(),
    user_id: ids.user,
    long_incident_id: "hostile-incident",
    type: ids.type,
    notification_type: ids.type,
    subscriber_type: "user",
    subscriber: ids.user,
    residency: "default",
    service: "herald",
  };
  const value = values[name];
  if (value === undefined) throw new Error(`no value for {${name}}: add one`);
  return value;
}

function pathOf(route: Route, override: Record<string, string> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => override[name] ?? encodeURIComponent(paramValue(name)));
}

/** A body the route accepts, so that mutations of it reach past the first check. */
function validBody(route: Route): Record<string, unknown> {
  const bodies: Record<string, Record<string, unknown>> = {
    create_integration: { name: "hook", target_url: "https://hooks.example.com/x", headers: { "X-A": "1" } },
    update_integration: { name: "hook", target_url: "https://hooks.example.com/y", headers: { "X-B": "2" } },
    create_subscription: {
      name: "sub",
      class: "event",
      notification_type: ids.type,
      subscribers: [{ subscriber: ids.user, subscriber_type: "user" }],
      options: { email_subject: "{{payload.threat}}" },
      filters: { "=": [{ source: "notification.threat_level" }, "high"] },
      suppression_interval: 5,
    },
    update_subscription: { name: "renamed", active: true, options: { include_attachments: true } },
    batch_delete_subscriptions: { ids: [crypto.randomUUID()] },
    add_subscriber: { subscriber: ids.user, subscriber_type: "user" },
    batch_update_subscribers: { subscribers: [{ subscriber: ids.user, subscriber_type: "user", action: "add" }] },
    sent_notification: {
      type: ids.type,
      notification_data: { threat_level: "high" },
      asset_data: { deployment_id: "d" },
      payload: { long_incident_id: "hostile-incident", threat: "High" },
    },
    put_user: { name: "Hal", email: "hal@hostile.example" },
    test_webhook: { url: "https://hooks.test/hostile", method: "POST", data: { a: 1 } },
    test_email: { email: "probe@hostile.example" },
    create_notification_type: {
      notification_type: `${unique("hostile")}/alerts`,
      name: "Hostile",
      default_template: "incidents_template",
    },
    update_notification_type: { name: "Hostile alerts" },
    receive_resend_event: { type: "email.delivered", created_at: "2026-01-01T00:00:00Z", data: { email_id: "x" } },
    acknowledge_webhook: { ok: true },
  };
  const body = bodies[route.operationId];
  if (!body) throw new Error(`no valid body for ${route.operationId}: add one`);
  return body;
}

/** The account's rows, counted in the database itself. */
async function counts(): Promise<Record<string, number>> {
  const result = await createServices(env).db.$client.execute({
    sql: `select
      (select count(*) from integrations where account_id = ?1) as integrations,
      (select count(*) from subscriptions where account_id = ?1) as subscriptions,
      (select count(*) from subscribers where account_id = ?1) as subscribers,
      (select count(*) from notifications where account_id = ?1) as notifications,
      (select count(*) from users where account_id = ?1) as users`,
    args: [ACCOUNT],
  });
  return Object.fromEntries(Object.entries(result.rows[0] ?? {}).map(([name, value]) => [name, Number(value)]));
}

interface Probe {
  method: string;
  path: string;
  token?: string | undefined;
  body?: BodyInit | undefined;
  headers?: Record<string, string>;
}

// The account's rows as last counted; undefined after a success, which may have stored something, and before each
// test, whose own setup may store something.
let baseline: Record<string, number> | undefined;
beforeEach(() => {
  baseline = undefined;
});

/**
 * One request, and what must hold whatever it carried: no 5xx, Herald's error shape on a refusal, and no row of the
 * account added or removed by a refusal. Returns a description of what broke, or undefined.
 */
async function probe(request: Probe): Promise<string | undefined> {
  baseline ??= await counts();
  const headers = new Headers(request.headers);
  if (request.token && !headers.has("x-aims-auth-token")) headers.set("x-aims-auth-token", request.token);
  if (request.body !== undefined && !headers.has("content-type")) headers.set("content-type", "application/json");
  const response = await fetchWorker(`${BASE}${request.path}`, { method: request.method, headers, body: request.body });
  const text = await response.text();
  const what = `${request.method} ${request.path.slice(0, 200)} answered ${response.status}: ${text.slice(0, 300)}`;
  if (response.status < 400) {
    baseline = undefined;
    return undefined;
  }
  if (response.status >= 500) return what;
  const problem = errorShapeProblem(response, text);
  if (problem) return `${what} (${problem})`;
  const before = baseline;
  baseline = await counts();
  if (JSON.stringify(baseline) !== JSON.stringify(before)) {
    return `${what} but the rows changed: ${JSON.stringify(before)} → ${JSON.stringify(baseline)}`;
  }
  return undefined;
}

function errorShapeProblem(response: Response, text: string): string | undefined {
  if (!/^application\/json/.test(response.headers.get("content-type") ?? "")) return "not JSON";
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    return "unparsable";
  }
  if (typeof body.error !== "string" || !/^[a-z_]+$/.test(body.error)) return "no error code";
  if (typeof body.request_id !== "string" || body.request_id === "") return "no request_id";
  if (body.path !== undefined && typeof body.path !== "string") return "path is not a string";
  const details = body.details;
  const detailsOk =
    details === undefined ||
    typeof details === "string" ||
    (Array.isArray(details) && details.every((d) => typeof d === "string"));
  if (!detailsOk) return "details is neither a string nor a list of strings";
  const extra = Object.keys(body).filter((key) => !ERROR_FIELDS.has(key));
  if (extra.length > 0) return `unexpected fields ${extra.join(", ")}`;
  return undefined;
}

/** Fails with the first counterexample fast-check finds (shrunk), or passes. */
async function holds<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, request: (value: T) => Probe | Promise<Probe>) {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      const problem = await probe(await request(value));
      if (problem) throw new Error(problem);
    }),
    { numRuns, endOnFailure: true },
  );
}

// Generators.

/** Text of every kind: any code point, lone surrogates included, control characters, markup, template syntax. */
const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\r\n",
    "\ud800",
    "\u202e",
    "{{payload.secret}}",
    "{{{x}}}",
    "{{> partial}}",
    "<script>alert(1)</script>",
    "'; drop table subscriptions; --",
    "__proto__",
    "constructor",
    "../../etc/passwd",
    "%00",
    "💥".repeat(30),
    "x".repeat(5000),
  ),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  anyText,
  fc.constantFrom(null, true, 0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER + 2, [], {}, [[[]]], { __proto__: 1 }),
);

/** Every path inside a JSON value, as a list of keys. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (value !== null && typeof value === "object") {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  }
  return here;
}

function mutated(
  body: Record<string, unknown>,
  path: Array<string | number>,
  action: "set" | "delete",
  value: unknown,
) {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (action === "delete") delete parent[last];
  // defineProperty, so that "__proto__" becomes a key of the JSON rather than the object's prototype.
  else Object.defineProperty(parent, last, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

/** A body: any JSON, no JSON at all, or a valid body with one value replaced, removed or added. */
function bodies(route: Route): fc.Arbitrary<string> {
  const valid = validBody(route);
  const paths = [...pathsOf(valid), ["unexpected_field"], ["__proto__"]];
  return fc.oneof(
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...paths), fc.constantFrom("set" as const, "delete" as const), hostileValue)
        .map(([path, action, value]) => JSON.stringify(mutated(valid, path, action, value))),
    },
  );
}

/** A path segment: any text percent-encoded, or a raw spelling that is broken on purpose. */
const segment = fc.oneof(
  anyText
    .filter((text) => text !== "")
    .map((text) => {
      try {
        return encodeURIComponent(text);
      } catch {
        return "%ED%A0%80"; // A lone surrogate has no UTF-8: send the bytes it would be.
      }
    }),
  fc.constantFrom("%ZZ", "%", "%C0%AF", "%ED%A0%80", "%FF", "..", "%2e%2e", "%00", "a%2Fb", "a%252F", "%20", "0", "-1"),
  fc.uuid().map((uuid) => uuid.toUpperCase()),
);

/** Printable ASCII header text, up to 200 characters (miniflare re-encodes anything else, noisily). */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 200,
});

beforeAll(async () => {
  admin = await login(HOSTILE);
  platform = await login(PLATFORM);
  ids.type = await freshType(platform);
  ids.user = crypto.randomUUID().toUpperCase();
  const base = `${BASE}/herald/v2/${ACCOUNT}`;
  const send = async (method: string, path: string, body: unknown) => {
    const response = await fetchWorker(`${base}${path}`, {
      method,
      headers: { "x-aims-auth-token": admin, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  await send("PUT", `/users/${ids.user}`, { name: "Hal", email: "hal@hostile.example" });
  ids.integration = (
    await send("POST", "/integrations", { name: "fixture", target_url: "https://hooks.example.com/f" })
  ).id;
  ids.subscription = (
    await send("POST", "/subscriptions", { name: "fixture", class: "event", notification_type: ids.type })
  ).id;
  ids.notification = (
    await send("POST", "/notifications", { type: ids.type, notification_data: {}, asset_data: {}, payload: {} })
  ).id;
});

const BODY_ROUTES = ROUTES.filter((route) => route.hasBody);
const QUERY_ROUTES = ROUTES.filter((route) => route.method === "GET");
const PARAM_ROUTES = ROUTES.filter((route) => route.params.length > 0);

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
      if (sent["x-aims-auth-token"] === "__valid__") sent["x-aims-auth-token"] = tokenFor(route) ?? admin;
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
      headers: { "x-aims-auth-token": admin, "content-type": "application/json" },
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
    expect(await probe({ method: "POST", path: pathOf(subscriptions), token: admin, body: arrays })).toBeUndefined();
    const objects = `{"name":"deep","class":"event","notification_type":"${ids.type}","filters":${'{"not":'.repeat(20_000)}{}${"}".repeat(20_000)}}`;
    expect(await probe({ method: "POST", path: pathOf(subscriptions), token: admin, body: objects })).toBeUndefined();

    const depth = 20_000;
    const deep = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
    const response = await fetchWorker(`${BASE}/herald/v2/${ACCOUNT}/notifications`, {
      method: "POST",
      headers: { "x-aims-auth-token": admin, "content-type": "application/json" },
      body: `{"type":"${ids.type}","notification_data":${deep},"asset_data":{},"payload":{}}`,
    });
    expect(response.status).toBeLessThan(500);
    if (response.status === 202) {
      const { id } = (await response.json()) as { id: string };
      const read = await fetchWorker(`${BASE}/herald/v2/${ACCOUNT}/notifications/${id}`, {
        headers: { "x-aims-auth-token": admin },
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
        token: admin,
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
        token: admin,
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
      headers: { "x-aims-auth-token": admin, "content-type": "application/json" },
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
            token: admin,
            body: JSON.stringify({ name: "injected", target_url: "https://hooks.example.com/x", [field]: headers }),
          });
          if (created) throw new Error(created);
          const refused = await fetchWorker(`${BASE}${integrations}`, {
            method: "POST",
            headers: { "x-aims-auth-token": admin, "content-type": "application/json" },
            body: JSON.stringify({ name: "injected", target_url: "https://hooks.example.com/x", [field]: headers }),
          });
          expect(refused.status).toBe(400);
          expect(((await refused.json()) as { path: string }).path.startsWith(field)).toBe(true);

          const updated = await probe({
            method: "PUT",
            path: `${integrations}/${targetId}`,
            token: admin,
            body: JSON.stringify({ [field]: headers }),
          });
          if (updated) throw new Error(updated);
          const stored = await fetchWorker(`${BASE}${integrations}/${targetId}`, {
            headers: { "x-aims-auth-token": admin },
          });
          expect(((await stored.json()) as { headers: unknown }).headers).toEqual(kept);
        },
      ),
      { numRuns: RUNS.injection, endOnFailure: true },
    );
  });

  it("renders {{...}} in notification data literally in an e-mail subject: one pass, never across fields", async () => {
    const type = await freshType(platform);
    const email = `${unique("subject")}@hostile.example`;
    const user = crypto.randomUUID().toUpperCase();
    const base = `${BASE}/herald/v2/${ACCOUNT}`;
    const call = (method: string, path: string, body: unknown) =>
      fetchWorker(`${base}${path}`, {
        method,
        headers: { "x-aims-auth-token": admin, "content-type": "application/json" },
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
          const emails = await fetchWorker(`${base}/emails?limit=200`, { headers: { "x-aims-auth-token": admin } });
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

function route(operationId: string): Route {
  const found = ROUTES.find((candidate) => candidate.operationId === operationId);
  if (!found) throw new Error(`no route ${operationId}`);
  return found;
}
