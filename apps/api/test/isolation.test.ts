// The tenant isolation matrix: every documented route of the app, every way of being the wrong caller. Routes come
// from the OpenAPI registry, so a new route is in the matrix without an edit here; one that declares no token
// security must be one of the receivers or the login, whose own rules are checked explicitly below.
import { env } from "cloudflare:test";
import type { RouteConfig } from "@hono/zod-openapi";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import type { Role } from "../src/auth/auth-context";
import { issueToken } from "../src/auth/tokens";
import { generateSigningSecret, signWebhook } from "../src/delivery/signing";
import { createServices } from "../src/services/container";
import { freshType, receiver } from "./delivery-helpers";
import { ACME, ACME_READER, ACME_WRITER, BASE, basicAuth, GLOBEX, login, PLATFORM, unique } from "./helpers";
import { fetchWorker } from "./worker-fetch";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Routes only an account admin may call, whatever the method: a read-only or write token gets 403. */
const ADMIN_ONLY = new Set([
  "create_integration",
  "update_integration",
  "delete_integration",
  "get_integration_secret",
  "rotate_integration_secret",
  "test_webhook",
  "test_email",
  "put_user",
  "delete_user",
]);

/** Path parameters that name an object of the account: another account's token on its own path gets 404 (or 409). */
const OWNED_PARAMS = new Set(["id", "subscription_id", "notification_id", "delivery_id", "user_id", "subscriber"]);

interface Documented {
  operationId: string;
  method: string;
  /** OpenAPI path, `{param}` placeholders. */
  path: string;
  security: "token" | "access-key" | "none";
  params: string[];
  query: string[];
  hasBody: boolean;
}

const app = createApp();

function documentedRoutes(): Documented[] {
  return app.openAPIRegistry.definitions
    .filter((definition): definition is { type: "route"; route: RouteConfig } => definition.type === "route")
    .map(({ route }) => {
      const schemes = (route.security ?? []).flatMap((requirement) => Object.keys(requirement));
      const query = route.request?.query as { shape?: Record<string, unknown> } | undefined;
      return {
        operationId: route.operationId ?? `${route.method} ${route.path}`,
        method: route.method.toUpperCase(),
        path: route.path,
        security: schemes.includes("X-AIMS-Auth-Token")
          ? "token"
          : schemes.includes("Access-Key")
            ? "access-key"
            : "none",
        params: [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string),
        query: Object.keys(query?.shape ?? {}),
        hasBody: route.request?.body !== undefined,
      } satisfies Documented;
    });
}

const ROUTES = documentedRoutes();
const TOKEN_ROUTES = ROUTES.filter((route) => route.security === "token");

// Account 12345678's objects, made in beforeAll, and everything that names them.
const acme = {
  integrationId: "",
  subscriptionId: "",
  notificationId: "",
  deliveryId: "",
  incidentId: "",
  userId: "",
  type: "",
};
let needles: string[] = [];
let snapshot: Record<string, unknown> = {};
const tokens: Record<string, string> = {};
let globexSecret = "";
let acmeEmail = "";
let acmeReceiverCalls: () => Promise<unknown[]> = async () => [];

async function request(
  method: string,
  path: string,
  init: { token?: string | undefined; body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== undefined) headers["x-aims-auth-token"] = init.token;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetchWorker(`${BASE}${path}`, { method, headers, body });
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (an HTML page, an empty 204): the leak check reads the text.
  }
  return { status: response.status, text, json };
}

function fill(route: Documented, accountId: string): string {
  const values: Record<string, string> = {
    account_id: accountId,
    id: acme.integrationId,
    subscription_id: acme.subscriptionId,
    notification_id: acme.notificationId,
    delivery_id: acme.deliveryId,
    user_id: acme.userId,
    long_incident_id: acme.incidentId,
    type: acme.type,
    notification_type: acme.type,
    subscriber_type: "user",
    subscriber: acme.userId,
    residency: "default",
    service: "herald",
  };
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for the path parameter {${name}} of ${route.operationId}`);
    return encodeURIComponent(value);
  });
  const query = route.query.includes("notification_id") ? `?notification_id=${acme.notificationId}` : "";
  return path + query;
}

/** Valid bodies that name account 12345678's objects, so a wrong caller gets as far as the handler would let it. */
function bodyFor(route: Documented): unknown {
  if (!route.hasBody) return undefined;
  const user = { subscriber: acme.userId, subscriber_type: "user" };
  const connection = { subscriber: acme.integrationId, subscriber_type: "connection" };
  const bodies: Record<string, unknown> = {
    create_integration: { name: unique("intruder"), target_url: "https://hooks.example.com/intruder" },
    update_integration: { name: "hijacked" },
    create_subscription: {
      name: unique("intruder"),
      class: "event",
      notification_type: acme.type,
      subscribers: [user, connection],
    },
    update_subscription: { name: "hijacked", active: false },
    batch_delete_subscriptions: { ids: [acme.subscriptionId] },
    add_subscriber: user,
    batch_update_subscribers: {
      subscribers: [
        { ...user, action: "delete" },
        { ...connection, action: "delete" },
      ],
    },
    sent_notification: {
      type: acme.type,
      notification_data: {},
      asset_data: {},
      // Its own incident: a notification an outsider stores in its own account names nothing of 12345678.
      payload: { long_incident_id: unique("intruder-incident") },
    },
    put_user: { name: "Hijacked", email: "hijacked@globex.example" },
    test_webhook: { url: "https://hooks.test/isolation-probe", method: "POST" },
    test_email: { email: "probe@globex.example" },
    create_notification_type: { notification_type: `${unique("intruder")}/alerts`, name: "x", default_template: "t" },
    update_notification_type: { name: "hijacked" },
  };
  return bodies[route.operationId] ?? {};
}

/** Needles of account 12345678 that a response shows although the request did not carry them, in any letter case. */
function leaked(requestText: string, responseText: string): string[] {
  const sent = requestText.toLowerCase();
  const shown = responseText.toLowerCase();
  return needles.filter((needle) => shown.includes(needle.toLowerCase()) && !sent.includes(needle.toLowerCase()));
}

async function mint(claims: { accountId: string; role: Role; secret?: string; issuedAt?: number; ttl?: number }) {
  const { token } = await issueToken(
    { userId: ACME_ADMIN_USER, accountId: claims.accountId, role: claims.role, platformAdmin: false },
    { current: claims.secret ?? env.AUTH_TOKEN_SECRET },
    claims.issuedAt ?? nowSeconds(),
    claims.ttl ?? 3600,
  );
  return token;
}

/** The notification's legs once all are delivered (expect.poll cannot run in beforeAll). */
async function settledLegs(notificationId: string, count: number) {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const result = await request("GET", `/herald/v2/${ACME_ID}/deliveries?notification_id=${notificationId}`, {
      token: tokens.acme,
    });
    const legs = (result.json?.deliveries ?? []) as Array<{ id: string; channel: string; status: string }>;
    if (legs.length === count && legs.every((leg) => leg.status === "DELIVRD" || leg.status === "SENT")) return legs;
    if (Date.now() > deadline) throw new Error(`legs of ${notificationId} did not settle: ${JSON.stringify(legs)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What account 12345678's objects look like to their owner; compared again after every wrong caller has tried. */
async function acmeView(): Promise<Record<string, unknown>> {
  const base = `/herald/v2/${ACME_ID}`;
  const reads = {
    integration: `${base}/integrations/${acme.integrationId}`,
    secret: `${base}/integrations/${acme.integrationId}/secret`,
    subscription: `${base}/subscriptions/${acme.subscriptionId}`,
    subscribers: `${base}/subscriptions/${acme.subscriptionId}/subscribers`,
    notification: `${base}/notifications/${acme.notificationId}`,
    delivery: `${base}/deliveries/${acme.deliveryId}`,
    user: `${base}/users/${acme.userId}`,
  };
  const view: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(reads)) {
    const result = await request("GET", path, { token: tokens.acme });
    expect(result.status, `${name} of account ${ACME_ID}`).toBe(200);
    view[name] = result.json;
  }
  return view;
}

const tally = {
  routes: 0,
  cells: 0,
  statuses: {} as Record<number, number>,
  leaks: [] as string[],
  failures: [] as string[],
};

/** One cell: the request, the statuses it may answer, and the leak check for callers outside account 12345678. */
async function cell(
  label: string,
  method: string,
  path: string,
  init: Parameters<typeof request>[2],
  expected: number[],
  outsider: boolean,
) {
  const result = await request(method, path, init);
  tally.cells++;
  tally.statuses[result.status] = (tally.statuses[result.status] ?? 0) + 1;
  const name = `${label}: ${method} ${path} answered ${result.status}`;
  if (!expected.includes(result.status)) {
    tally.failures.push(`${name}, expected ${expected.join(" or ")}: ${result.text.slice(0, 300)}`);
  }
  if (result.status >= 400) {
    const body = result.json ?? {};
    if (typeof body.error !== "string" || typeof body.request_id !== "string") {
      tally.failures.push(`${name} without Herald's error shape: ${result.text.slice(0, 200)}`);
    }
  }
  if (outsider) {
    const requestText = `${path} ${JSON.stringify(init?.body ?? "")}`;
    for (const needle of leaked(requestText, result.text)) tally.leaks.push(`${name} shows ${needle}`);
  }
  return result;
}

beforeAll(async () => {
  tokens.acme = await login(ACME);
  tokens.reader = await login(ACME_READER);
  tokens.writer = await login(ACME_WRITER);
  tokens.globex = await login(GLOBEX);
  tokens.platform = await login(PLATFORM);
  const headers = (token: string) => ({ token });
  const base = `/herald/v2/${ACME_ID}`;

  acme.userId = crypto.randomUUID().toUpperCase();
  const userName = unique("Ursula");
  const email = `${unique("ursula")}@acme.example`;
  acmeEmail = email;
  const user = await request("PUT", `${base}/users/${acme.userId}`, {
    ...headers(tokens.acme),
    body: { name: userName, email },
  });
  expect(user.status).toBe(201);

  const target = await receiver();
  acmeReceiverCalls = target.calls;
  const integrationName = unique("acme-hook");
  const credential = `acme-credential-${crypto.randomUUID()}`;
  const integration = await request("POST", `${base}/integrations`, {
    ...headers(tokens.acme),
    body: { name: integrationName, target_url: target.url, headers: { Authorization: `Bearer ${credential}` } },
  });
  expect(integration.status).toBe(201);
  acme.integrationId = integration.json?.id as string;
  const signingSecret = (
    await request("GET", `${base}/integrations/${acme.integrationId}/secret`, headers(tokens.acme))
  ).json?.key as string;
  expect(signingSecret).toMatch(/^whsec_./);

  acme.type = await freshType(tokens.platform);
  const subscriptionName = unique("acme-sub");
  const subscription = await request("POST", `${base}/subscriptions`, {
    ...headers(tokens.acme),
    body: {
      name: subscriptionName,
      class: "event",
      notification_type: acme.type,
      subscribers: [
        { subscriber: acme.integrationId, subscriber_type: "connection" },
        { subscriber: acme.userId, subscriber_type: "user" },
      ],
    },
  });
  expect(subscription.status).toBe(201);
  acme.subscriptionId = subscription.json?.id as string;

  acme.incidentId = unique("acme-incident");
  const summary = unique("acme-summary");
  const notification = await request("POST", `${base}/notifications`, {
    ...headers(tokens.acme),
    body: {
      type: acme.type,
      notification_data: { threat_level: "high" },
      asset_data: {},
      payload: { long_incident_id: acme.incidentId, attack_summary: summary },
    },
  });
  expect(notification.status).toBe(202);
  acme.notificationId = notification.json?.id as string;
  const legs = await settledLegs(acme.notificationId, 2);
  acme.deliveryId = legs.find((leg) => leg.channel === "webhook")?.id as string;

  const globexHook = await request("POST", `/herald/v2/${GLOBEX_ID}/integrations`, {
    ...headers(tokens.globex),
    body: { name: unique("globex-hook"), target_url: "https://hooks.example.com/globex" },
  });
  expect(globexHook.status).toBe(201);
  globexSecret = (
    await request("GET", `/herald/v2/${GLOBEX_ID}/integrations/${globexHook.json?.id}/secret`, headers(tokens.globex))
  ).json?.key as string;

  needles = [
    ...Object.values(acme).filter((value) => value !== acme.type),
    ...legs.map((leg) => leg.id),
    integrationName,
    // The integration's signing secret (also without its prefix) and its credential header's value.
    signingSecret,
    signingSecret.slice("whsec_".length),
    `Bearer ${credential}`,
    credential,
    target.url,
    subscriptionName,
    userName,
    email,
    summary,
    ACME_ADMIN_USER,
    "ada@acme.example",
    "Acme Dev",
  ];
  snapshot = await acmeView();
}, 40_000);

describe("the route list", () => {
  it("covers every route the app serves: documented ones here, the rest must be public and show nothing", async () => {
    expect(TOKEN_ROUTES.length).toBeGreaterThan(35);
    const shape = (path: string) => path.replace(/:\w+(\{[^}]*\})?/g, "{}").replace(/\{\w+\}/g, "{}");
    const documented = new Set(ROUTES.map((route) => `${route.method} ${shape(route.path)}`));
    const undocumented = app.routes
      .filter((route) => route.method !== "ALL" && !documented.has(`${route.method} ${shape(route.path)}`))
      .filter((route, index, all) => all.findIndex((other) => other.path === route.path) === index);
    for (const route of undocumented) {
      // Only public reads may stay out of the OpenAPI document (health, the document itself, its reference page).
      expect(route.method, `${route.path} is not documented: document it, so the matrix covers it`).toBe("GET");
      expect(route.path, `${route.path} has parameters but no documentation`).not.toMatch(/[:*]/);
      const result = await cell("undocumented public route", "GET", route.path, {}, [200], true);
      expect(result.status, route.path).toBe(200);
    }
    tally.routes += undocumented.length;
  });

  it("declares who may call each route: a token, an access key, or a receiver's signature", () => {
    const unclassified = ROUTES.filter((route) => route.security === "none" && !route.path.startsWith("/hooks/"));
    expect(unclassified.map((route) => route.operationId)).toEqual([]);
  });
});

describe("token routes", () => {
  it("refuse every wrong caller, and nobody outside account 12345678 sees its objects", async () => {
    const invalid: Array<[string, string | undefined]> = [
      ["no token", undefined],
      ["an empty token", ""],
      ["a malformed token", "not-a-token"],
      ["a JWT-shaped token", "a.b.c"],
      ["an expired token", await mint({ accountId: ACME_ID, role: "admin", issuedAt: nowSeconds() - 7200, ttl: 3600 })],
      [
        "a token signed with another secret",
        await mint({ accountId: ACME_ID, role: "admin", secret: "not-the-secret-0123456789abcdef" }),
      ],
    ];
    const strangers: Array<[string, string]> = [
      ["another account's admin (GLOBEX)", tokens.globex as string],
      ["the platform administrator's account", tokens.platform as string],
    ];

    for (const route of TOKEN_ROUTES) {
      tally.routes++;
      const acmePath = fill(route, ACME_ID);
      const body = bodyFor(route);
      const inAccount = route.params.includes("account_id");
      const owned = route.params.some((param) => OWNED_PARAMS.has(param));
      const write = route.method !== "GET";
      const label = route.operationId;

      for (const [who, token] of invalid) {
        await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [401], true);
      }

      for (const [who, token] of strangers) {
        if (inAccount) {
          // The account in the path is not the token's.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [403], true);
          // Its own account in the path, the other account's ids in the rest.
          const ownPath = fill(route, who.includes("GLOBEX") ? GLOBEX_ID : PLATFORM.accountId);
          const expected = owned ? [404, 409] : [200, 201, 202, 204, 400, 404];
          await cell(`${label}, ${who} on its own path`, route.method, ownPath, { token, body }, expected, true);
        } else if (owned) {
          // A global lookup of another account's object: not found, as if it did not exist.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [404], true);
        } else if (!write) {
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [200], true);
        } else if (!who.includes("platform")) {
          // Global writes (notification types) are the platform administrator's alone.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [403], true);
        }
      }

      if (write || ADMIN_ONLY.has(route.operationId)) {
        await cell(`${label}, read-only member`, route.method, acmePath, { token: tokens.reader, body }, [403], false);
      }
      if (ADMIN_ONLY.has(route.operationId)) {
        await cell(`${label}, write member`, route.method, acmePath, { token: tokens.writer, body }, [403], false);
      }
      if (!write) {
        // The control: the same request with the owner's token works, so the refusals above are about the caller.
        await cell(`${label}, owner`, route.method, acmePath, { token: tokens.acme }, [200], false);
      }
    }

    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
    expect(await acmeView()).toEqual(snapshot);
  }, 120_000);

  it("names every admin-only route that exists", () => {
    const ids = new Set(ROUTES.map((route) => route.operationId));
    expect([...ADMIN_ONLY].filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe("the login (access key routes)", () => {
  it("gives a token only for the right key id and secret", async () => {
    const routes = ROUTES.filter((route) => route.security === "access-key");
    expect(routes.map((route) => route.operationId)).toEqual(["authenticate"]);
    for (const route of routes) {
      tally.routes++;
      const cases: Array<[string, Record<string, string>]> = [
        ["no credentials", {}],
        ["a token instead of a key", { "x-aims-auth-token": tokens.acme as string }],
        ["a malformed Basic header", { authorization: "Basic !!!not-base64" }],
        ["a Bearer header", { authorization: `Bearer ${tokens.acme}` }],
        ["the right key with another account's secret", { authorization: basicAuth(ACME.keyId, GLOBEX.secret) }],
        ["an unknown key", { authorization: basicAuth("no-such-key", ACME.secret) }],
        ["an empty secret", { authorization: basicAuth(ACME.keyId, "") }],
      ];
      for (const [who, headers] of cases) {
        await cell(`${route.operationId}, ${who}`, route.method, route.path, { headers }, [401], true);
      }
      const own = await cell(
        `${route.operationId}, GLOBEX key`,
        route.method,
        route.path,
        { headers: { authorization: basicAuth(GLOBEX.keyId, GLOBEX.secret) } },
        [200],
        true,
      );
      expect(own.json).toMatchObject({ authentication: { account: { id: GLOBEX_ID } } });
    }
    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
  });
});

describe("receivers under /hooks", () => {
  it("accept nothing without a valid signature, and no other account's secret opens a delivery", async () => {
    const receivers = ROUTES.filter((route) => route.security === "none");
    expect(receivers.map((route) => route.path).sort()).toEqual(["/hooks/ack", "/hooks/resend"]);
    const webhookId = `msg_${acme.deliveryId}`;
    const body = JSON.stringify({ ok: true });
    const signedBy = async (secret: string, id = webhookId) => {
      const timestamp = nowSeconds();
      const signature = await signWebhook({ secrets: [secret], webhookId: id, timestamp, body });
      return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    };
    const svix = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace("webhook-", "svix-"), value]));

    for (const route of receivers) {
      tally.routes++;
      const headerSets: Array<[string, Record<string, string>]> = [
        ["no signature", {}],
        ["the owner's token instead of a signature", { "x-aims-auth-token": tokens.acme as string }],
        ["a random secret's signature", await signedBy(generateSigningSecret())],
        ["another account's integration secret", await signedBy(globexSecret)],
        [
          "a garbage signature",
          { "webhook-id": webhookId, "webhook-timestamp": String(nowSeconds()), "webhook-signature": "v1,AAAA" },
        ],
      ];
      for (const [who, headers] of headerSets) {
        const sent = route.path === "/hooks/resend" ? svix(headers) : headers;
        await cell(`${route.operationId}, ${who}`, route.method, route.path, { headers: sent, body }, [401], true);
      }
    }
    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
    // The delivery those acknowledgements named is still only delivered, not read.
    expect(await acmeView()).toEqual(snapshot);
  });
});

describe("delivery across accounts", () => {
  it("never sends another account's notification to this account's users or integrations", async () => {
    const type = await freshType(tokens.platform as string);
    const subscription = await request("POST", `/herald/v2/${GLOBEX_ID}/subscriptions`, {
      token: tokens.globex,
      body: {
        name: unique("reach-across"),
        class: "event",
        notification_type: type,
        subscribers: [
          { subscriber: acme.userId, subscriber_type: "user" },
          { subscriber: acme.integrationId, subscriber_type: "connection" },
        ],
      },
    });
    // User ids are AIMS ids Herald may not know, so the id is kept; the integration is not in GLOBEX and is refused.
    expect(subscription.status).toBe(201);
    expect(subscription.json?.subscribers_failed).toMatchObject([
      { subscriber: acme.integrationId, subscriber_type: "connection", error: "not_found" },
    ]);

    const sent = await request("POST", `/herald/v2/${GLOBEX_ID}/notifications`, {
      token: tokens.globex,
      body: { type, notification_data: {}, asset_data: {}, payload: { long_incident_id: unique("globex") } },
    });
    expect(sent.status).toBe(202);
    let legs: Array<{ destination: string; status: string; last_error?: string; address?: string }> = [];
    await expect
      .poll(
        async () => {
          const result = await request("GET", `/herald/v2/${GLOBEX_ID}/deliveries?notification_id=${sent.json?.id}`, {
            token: tokens.globex,
          });
          legs = (result.json?.deliveries ?? []) as typeof legs;
          return legs.map((leg) => leg.status);
        },
        { timeout: 20_000, interval: 100 },
      )
      .toEqual(["FAILED"]);
    expect(legs[0]).toMatchObject({ destination: acme.userId, last_error: expect.stringMatching(/in this account/) });
    expect(legs[0]?.address ?? null).toBeNull();

    // Only the e-mail of this account's own notification (beforeAll) ever reached the user.
    const captured = await createServices(env).db.$client.execute({
      sql: 'select account_id from captured_emails where "to" = ?',
      args: [acmeEmail],
    });
    expect(captured.rows.map((row) => row.account_id)).toEqual([ACME_ID]);
    expect(await acmeReceiverCalls()).toHaveLength(1);
  });
});

// Last in the file, so every matrix test above has run its cells (vitest runs a file's tests in order): a route that
// drops out of the matrix, or a caller that stops being tried, changes these counts. A new route changes them too:
// count its cells and update the figures.
describe("the matrix's size", () => {
  it("tried 45 routes in 443 cells", () => {
    const size = { routes: tally.routes, cells: tally.cells };
    expect(size, `answers by status ${JSON.stringify(tally.statuses)}`).toEqual({ routes: 45, cells: 443 });
  });
});
