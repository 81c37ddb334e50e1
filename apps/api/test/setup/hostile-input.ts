// The machinery of hostile-input.test.ts: every documented route with the input it takes, a probe that checks what
// must hold whatever a request carried, and the generators of hostile input. Account 24681357 is that file's alone,
// so its rows can be counted.
import { env } from "cloudflare:test";
import type { RouteConfig } from "@hono/zod-openapi";
import fc from "fast-check";
import { beforeAll, beforeEach, expect } from "vitest";
import { createApp } from "../../src/app";
import { createServices } from "../../src/services/container";
import { freshType } from "../delivery-helpers";
import { BASE, HOSTILE, PLATFORM, type Session, unique } from "../helpers";
import { fetchWorker } from "../worker-fetch";
import { signedIn } from "./sessions";

export const ACCOUNT = HOSTILE.accountId;
export const RUNS = { bodies: 75, queries: 40, params: 25, headers: 100, injection: 75 };
const ERROR_FIELDS = new Set(["error", "details", "path", "request_id", "subscribers_failed", "unprocessed_items"]);

let sessions: { admin: Session; platform: Session };
export const ids = { integration: "", subscription: "", user: "", notification: "", type: "" };

export interface Route {
  operationId: string;
  method: string;
  path: string;
  params: string[];
  query: string[];
  hasBody: boolean;
  token: boolean;
}

export const ROUTES: Route[] = createApp()
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

export function tokenFor(route: Route): string | undefined {
  if (!route.token) return undefined;
  return route.path.startsWith("/herald/v2/notification_types") ? sessions.platform.token : sessions.admin.token;
}

function paramValue(name: string): string {
  const values: Record<string, string> = {
    account_id: ACCOUNT,
    id: ids.integration,
    subscription_id: ids.subscription,
    notification_id: ids.notification,
    delivery_id: crypto.randomUUID().toUpperCase(),
    job_id: crypto.randomUUID().toUpperCase(),
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

/** Routes whose `{type}` is an integration type, not a notification type. */
const INTEGRATION_TYPE_ROUTES = new Set(["create_integration_of_type", "test_integration_configuration"]);

export function pathOf(route: Route, override: Record<string, string> = {}): string {
  const own = INTEGRATION_TYPE_ROUTES.has(route.operationId) ? { type: "webhook", ...override } : override;
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => own[name] ?? encodeURIComponent(paramValue(name)));
}

/** A body the route accepts, so that mutations of it reach past the first check. */
export function validBody(route: Route): Record<string, unknown> {
  const bodies: Record<string, Record<string, unknown>> = {
    create_integration: { name: "hook", target_url: "https://hooks.example.com/x", headers: { "X-A": "1" } },
    create_integration_of_type: { name: "hook", target_url: "https://hooks.example.com/z", headers: { "X-C": "3" } },
    test_integration: { notification_type: "incidents/alerts" },
    test_integration_configuration: { url: "https://hooks.test/hostile-config", method: "POST", data: { a: 1 } },
    recover_integration: { since: Math.floor(Date.now() / 1000) - 60 },
    replay_integration: { since: Math.floor(Date.now() / 1000) - 60 },
    test_webhook_legacy: { url: "https://hooks.test/hostile-legacy", method: "POST", data: { a: 1 } },
    // The bulk lookup takes a JSON array; the mutations and spreads treat it as the object of its indexes.
    get_service_endpoints: ["aims", "herald"] as unknown as Record<string, unknown>,
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
    create_portal_link: { expires_in: 600, role: "read", embed: true },
    create_portal_session: { code: "pl_hostile-probe" },
  };
  const body = bodies[route.operationId];
  if (!body) throw new Error(`no valid body for ${route.operationId}: add one`);
  return body;
}

/**
 * The account's rows, counted in the database itself. Herald's own `herald/*` notifications are left out: deliveries
 * of earlier requests keep failing in the background (their targets are not reachable here) and announce it
 * (operational events) whenever they do, which is no row a refused request wrote.
 */
export async function counts(): Promise<Record<string, number>> {
  const result = await createServices(env).db.$client.execute({
    sql: `select
      (select count(*) from integrations where account_id = ?1) as integrations,
      (select count(*) from subscriptions where account_id = ?1) as subscriptions,
      (select count(*) from subscribers where account_id = ?1) as subscribers,
      (select count(*) from notifications where account_id = ?1 and type not like 'herald/%') as notifications,
      (select count(*) from users where account_id = ?1) as users,
      (select count(*) from jobs where account_id = ?1) as jobs`,
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

/**
 * One request, and what must hold whatever it carried: no 5xx, Herald's error shape on a refusal, and no row of the
 * account added or removed by a refusal. Returns a description of what broke, or undefined.
 */
export async function probe(request: Probe): Promise<string | undefined> {
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

export function errorShapeProblem(response: Response, text: string): string | undefined {
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
export async function holds<T>(
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  request: (value: T) => Probe | Promise<Probe>,
) {
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
export const anyText = fc.oneof(
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
export function bodies(route: Route): fc.Arbitrary<string> {
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
export const segment = fc.oneof(
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
export const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 200,
});

/**
 * Logs in as the account's admin and the platform administrator, and makes the rows the routes' paths name (a user,
 * an integration, a subscription, a notification of a fresh type). Answers the two sessions.
 */
export function useHostileAccount(): { admin: Session; platform: Session } {
  sessions = signedIn({ admin: HOSTILE, platform: PLATFORM });
  beforeEach(() => {
    baseline = undefined;
  });
  beforeAll(async () => {
    ids.type = await freshType(sessions.platform.token);
    ids.user = crypto.randomUUID().toUpperCase();
    const base = `${BASE}/herald/v2/${ACCOUNT}`;
    const send = async (method: string, path: string, body: unknown) => {
      const response = await fetchWorker(`${base}${path}`, {
        method,
        headers: { "x-aims-auth-token": sessions.admin.token, "content-type": "application/json" },
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
  return sessions;
}

export const BODY_ROUTES = ROUTES.filter((route) => route.hasBody);
export const QUERY_ROUTES = ROUTES.filter((route) => route.method === "GET");
export const PARAM_ROUTES = ROUTES.filter((route) => route.params.length > 0);

export function route(operationId: string): Route {
  const found = ROUTES.find((candidate) => candidate.operationId === operationId);
  if (!found) throw new Error(`no route ${operationId}`);
  return found;
}
