// The machinery of isolation.test.ts: the documented routes, one request as any caller, the cells of the matrix and
// their tally, and the fixture of account 12345678 whose objects every wrong caller tries to reach.
import { env } from "cloudflare:test";
import type { RouteConfig } from "@hono/zod-openapi";
import { beforeAll, expect } from "vitest";
import { createApp } from "../../src/app";
import type { PortalGrant, Role } from "../../src/auth/auth-context";
import { issueToken } from "../../src/auth/tokens";
import { freshType, receiver } from "../delivery-helpers";
import { ACME, ACME_READER, ACME_WRITER, BASE, GLOBEX, PLATFORM, type Session, unique } from "../helpers";
import { fetchWorker } from "../worker-fetch";
import { signedIn } from "./sessions";

export const ACME_ID = ACME.accountId;
export const GLOBEX_ID = GLOBEX.accountId;
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Routes only an account admin may call, whatever the method: a read-only or write token gets 403. */
export const ADMIN_ONLY = new Set([
  "create_integration",
  "create_integration_of_type",
  "update_integration",
  "delete_integration",
  "get_integration_secret",
  "rotate_integration_secret",
  "pause_integration",
  "resume_integration",
  "recover_integration",
  "replay_integration",
  "test_webhook",
  "test_webhook_legacy",
  "test_integration_configuration",
  "test_email",
  "put_user",
  "delete_user",
  "get_audit_events",
  "create_portal_link",
]);

/** Routes without the account in the path that act on the token's own account: a stranger's call is its own. */
export const TOKEN_ACCOUNT_ROUTES = new Set(["test_webhook_legacy"]);

/** Routes that read although they are POSTs (their question is a body): a read-only token may call them. */
export const READS_BY_POST = new Set(["get_service_endpoints"]);

/** Path parameters that name an object of the account: another account's token on its own path gets 404 (or 409). */
export const OWNED_PARAMS = new Set([
  "id",
  "subscription_id",
  "notification_id",
  "delivery_id",
  "job_id",
  "user_id",
  "subscriber",
]);

interface Documented {
  operationId: string;
  method: string;
  /** OpenAPI path, `{param}` placeholders. */
  path: string;
  /** `portal-code`: the exchange of a portal link's code, whose credential is the code in its body. */
  security: "token" | "access-key" | "portal-code" | "none";
  params: string[];
  query: string[];
  hasBody: boolean;
}

export const app = createApp();

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
            : route.operationId === "create_portal_session"
              ? "portal-code"
              : "none",
        params: [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string),
        query: Object.keys(query?.shape ?? {}),
        hasBody: route.request?.body !== undefined,
      } satisfies Documented;
    });
}

export const ROUTES = documentedRoutes();
export const TOKEN_ROUTES = ROUTES.filter((route) => route.security === "token");

// Account 12345678's objects, made in beforeAll, and everything that names them.
export const acme = {
  integrationId: "",
  subscriptionId: "",
  notificationId: "",
  deliveryId: "",
  jobId: "",
  incidentId: "",
  userId: "",
  type: "",
};
/** What the fixture learnt: account 12345678's fixture.needles and view, and what the delivery test checks afterwards. */
export const fixture = {
  needles: [] as string[],
  snapshot: {} as Record<string, unknown>,
  globexSecret: "",
  acmeEmail: "",
  acmeReceiverCalls: async (): Promise<unknown[]> => [],
};
let sessions: Record<"acme" | "reader" | "writer" | "globex" | "platform", Session>;

export async function request(
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

export function fill(route: Documented, accountId: string): string {
  const values: Record<string, string> = {
    account_id: accountId,
    id: acme.integrationId,
    subscription_id: acme.subscriptionId,
    notification_id: acme.notificationId,
    delivery_id: acme.deliveryId,
    job_id: acme.jobId,
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
export function bodyFor(route: Documented): unknown {
  if (!route.hasBody) return undefined;
  const user = { subscriber: acme.userId, subscriber_type: "user" };
  const connection = { subscriber: acme.integrationId, subscriber_type: "connection" };
  const bodies: Record<string, unknown> = {
    create_integration: { name: unique("intruder"), target_url: "https://hooks.example.com/intruder" },
    create_integration_of_type: { name: unique("intruder"), target_url: "https://hooks.example.com/intruder" },
    test_integration_configuration: { target_url: "https://hooks.test/isolation-probe" },
    test_webhook_legacy: { url: "https://hooks.test/isolation-probe", method: "POST" },
    get_service_endpoints: ["herald"],
    update_integration: { name: "hijacked" },
    recover_integration: { since: nowSeconds() - 60 },
    replay_integration: { since: nowSeconds() - 60 },
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
    create_portal_link: { role: "write", integration_ids: [acme.integrationId] },
    create_portal_session: { code: "pl_isolation-probe" },
  };
  return bodies[route.operationId] ?? {};
}

/**
 * Needles of account 12345678 that a response shows although neither the request carried them nor the caller stored
 * them in its own account before (`storedBy`), in any letter case.
 */
function leaked(requestText: string, responseText: string, stored: ReadonlySet<string> = new Set()): string[] {
  const sent = requestText.toLowerCase();
  const shown = responseText.toLowerCase();
  return fixture.needles.filter(
    (needle) =>
      shown.includes(needle.toLowerCase()) && !sent.includes(needle.toLowerCase()) && !stored.has(needle.toLowerCase()),
  );
}

/**
 * By token, the needles a caller wrote into its own account: ids its request carried that its 2xx answer shows as
 * stored (a `user` subscriber naming 12345678's user id is any account's to make). Its own audit log, read later,
 * shows them again: that is its own data, not a leak. Refused subscribers (`subscribers_failed`) were not stored.
 */
const storedBy = new Map<string, Set<string>>();

function remember(
  token: string,
  requestText: string,
  result: { status: number; json?: Record<string, unknown> | undefined; text: string },
) {
  if (result.status < 200 || result.status >= 300) return;
  const { subscribers_failed: _refused, ...kept } = (result.json ?? {}) as Record<string, unknown>;
  const answered = result.json ? JSON.stringify(kept) : result.text;
  const stored = storedBy.get(token) ?? new Set<string>();
  for (const needle of fixture.needles.map((n) => n.toLowerCase())) {
    if (requestText.toLowerCase().includes(needle) && answered.toLowerCase().includes(needle)) stored.add(needle);
  }
  storedBy.set(token, stored);
}

export async function mint(claims: {
  accountId: string;
  role: Role;
  secret?: string;
  issuedAt?: number;
  ttl?: number;
  portal?: PortalGrant;
}) {
  const { token } = await issueToken(
    {
      userId: claims.portal ? `portal:${claims.portal.linkId}` : ACME_ADMIN_USER,
      accountId: claims.accountId,
      role: claims.role,
      platformAdmin: false,
      ...(claims.portal ? { portal: claims.portal } : {}),
    },
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
      token: sessions.acme.token,
    });
    const legs = (result.json?.deliveries ?? []) as Array<{ id: string; channel: string; status: string }>;
    if (legs.length === count && legs.every((leg) => leg.status === "DELIVRD" || leg.status === "SENT")) return legs;
    if (Date.now() > deadline) throw new Error(`legs of ${notificationId} did not settle: ${JSON.stringify(legs)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for the job to finish, so the owner's view of it no longer moves. */
async function finishedJob(jobId: string) {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const result = await request("GET", `/herald/v2/${ACME_ID}/jobs/${jobId}`, { token: sessions.acme.token });
    if (result.json?.status === "completed") return;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish: ${result.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What account 12345678's objects look like to their owner; compared again after every wrong caller has tried. */
export async function acmeView(): Promise<Record<string, unknown>> {
  const base = `/herald/v2/${ACME_ID}`;
  const reads = {
    integration: `${base}/integrations/${acme.integrationId}`,
    secret: `${base}/integrations/${acme.integrationId}/secret`,
    subscription: `${base}/subscriptions/${acme.subscriptionId}`,
    subscribers: `${base}/subscriptions/${acme.subscriptionId}/subscribers`,
    notification: `${base}/notifications/${acme.notificationId}`,
    delivery: `${base}/deliveries/${acme.deliveryId}`,
    job: `${base}/jobs/${acme.jobId}`,
    user: `${base}/users/${acme.userId}`,
  };
  const view: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(reads)) {
    const result = await request("GET", path, { token: sessions.acme.token });
    expect(result.status, `${name} of account ${ACME_ID}`).toBe(200);
    view[name] = result.json;
  }
  return view;
}

export const tally = {
  routes: 0,
  cells: 0,
  statuses: {} as Record<number, number>,
  leaks: [] as string[],
  failures: [] as string[],
};

/** One cell: the request, the statuses it may answer, and the leak check for callers outside account 12345678. */
export async function cell(
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
    const stored = init?.token ? storedBy.get(init.token) : undefined;
    for (const needle of leaked(requestText, result.text, stored)) tally.leaks.push(`${name} shows ${needle}`);
    if (init?.token && method !== "GET") remember(init.token, requestText, result);
  }
  return result;
}

/**
 * Logs in every caller the matrix tries, and makes account 12345678's objects: a user, an integration (with a
 * credential header) on a fake receiver, a subscription of both, and a notification delivered to both. Answers the
 * sessions.
 */
export function useIsolationFixture(): typeof sessions {
  sessions = signedIn({ acme: ACME, reader: ACME_READER, writer: ACME_WRITER, globex: GLOBEX, platform: PLATFORM });
  beforeAll(async () => {
    const headers = (token: string) => ({ token });
    const base = `/herald/v2/${ACME_ID}`;

    acme.userId = crypto.randomUUID().toUpperCase();
    const userName = unique("Ursula");
    const email = `${unique("ursula")}@acme.example`;
    fixture.acmeEmail = email;
    const user = await request("PUT", `${base}/users/${acme.userId}`, {
      ...headers(sessions.acme.token),
      body: { name: userName, email },
    });
    expect(user.status).toBe(201);

    const target = await receiver();
    fixture.acmeReceiverCalls = target.calls;
    const integrationName = unique("acme-hook");
    const credential = `acme-credential-${crypto.randomUUID()}`;
    const integration = await request("POST", `${base}/integrations`, {
      ...headers(sessions.acme.token),
      body: { name: integrationName, target_url: target.url, headers: { Authorization: `Bearer ${credential}` } },
    });
    expect(integration.status).toBe(201);
    acme.integrationId = integration.json?.id as string;
    const signingSecret = (
      await request("GET", `${base}/integrations/${acme.integrationId}/secret`, headers(sessions.acme.token))
    ).json?.key as string;
    expect(signingSecret).toMatch(/^whsec_./);

    acme.type = await freshType(sessions.platform.token);
    const subscriptionName = unique("acme-sub");
    const subscription = await request("POST", `${base}/subscriptions`, {
      ...headers(sessions.acme.token),
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
      ...headers(sessions.acme.token),
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
    const job = await request("POST", `${base}/integrations/${acme.integrationId}/recover`, {
      ...headers(sessions.acme.token),
      body: { since: nowSeconds() - 60 },
    });
    expect(job.status).toBe(202);
    acme.jobId = job.json?.id as string;
    await finishedJob(acme.jobId);

    const globexHook = await request("POST", `/herald/v2/${GLOBEX_ID}/integrations`, {
      ...headers(sessions.globex.token),
      body: { name: unique("globex-hook"), target_url: "https://hooks.example.com/globex" },
    });
    expect(globexHook.status).toBe(201);
    fixture.globexSecret = (
      await request(
        "GET",
        `/herald/v2/${GLOBEX_ID}/integrations/${globexHook.json?.id}/secret`,
        headers(sessions.globex.token),
      )
    ).json?.key as string;

    fixture.needles = [
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
    fixture.snapshot = await acmeView();
  }, 40_000);
  return sessions;
}
