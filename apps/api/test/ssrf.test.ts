// Where Herald may send requests: one table of targets that must never be reached, in every spelling, checked where a
// target comes in (integration create and update, the webhook test call) and again where it is used (a delivery to
// an integration row that predates the check, or was written around it). Nothing may leave for any of them: the test
// network records every request to a host no fake serves, and each case looks for its own marker there.
import { env } from "cloudflare:test";
import { deliveries, insertIntegration, newLeg } from "@herald/db";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { deliverBatch } from "../src/delivery/deliver-batch";
import { generateSigningSecret } from "../src/delivery/signing";
import { sealSigningSecret } from "../src/security/integration-secrets";
import { createServices } from "../src/services/container";
import { ACCOUNT, freshType, send, settled, subscribe } from "./delivery-helpers";
import { ACME, BASE, expectHeraldError, login, PLATFORM, unique } from "./helpers";
import { fetchWorker } from "./worker-fetch";

/** [target, what it is]. Each must be refused at every door. */
const REFUSED: Array<[string, string]> = [
  // Private (RFC 1918)
  ["http://10.0.0.1/", "private"],
  ["http://10.255.255.255/", "private"],
  ["http://172.16.0.1/", "private"],
  ["http://172.31.255.254/", "private"],
  ["http://192.168.1.1", "private"],
  ["http://[::ffff:10.0.0.1]/", "private, IPv4-mapped IPv6"],
  ["http://[::ffff:a00:1]/", "private, IPv4-mapped IPv6 in hex"],
  ["http://[::10.0.0.1]/", "private, IPv4-compatible IPv6"],
  ["http://[::ffff:192.168.1.1]/", "private, IPv4-mapped IPv6"],
  ["http://example.com@10.0.0.1/", "private, behind userinfo"],
  // Loopback
  ["http://127.0.0.1/", "loopback"],
  ["http://127.0.0.1:8080/", "loopback with a port"],
  ["http://127.1/", "loopback, short form"],
  ["http://127.0.1/", "loopback, short form"],
  ["http://127.255.255.254/", "loopback, end of 127/8"],
  ["http://2130706433/", "loopback, decimal"],
  ["http://0x7f000001/", "loopback, hex"],
  ["http://0x7f.0.0.1/", "loopback, hex octet"],
  ["http://0x7f.1/", "loopback, hex short form"],
  ["http://017700000001/", "loopback, octal"],
  ["http://0177.0.0.1/", "loopback, octal octet"],
  ["http://0177.1/", "loopback, octal short form"],
  ["http://127.000.000.001/", "loopback, zero-padded octets"],
  ["http://127.0.0.1./", "loopback, trailing dot"],
  ["http://127。0。0。1/", "loopback, ideographic full stops"],
  ["http://１２７.０.０.１/", "loopback, fullwidth digits"],
  ["http://127.0.0.1#@example.com/", "loopback, fragment posing as userinfo"],
  ["http://[::1]/", "loopback IPv6"],
  ["http://[0:0:0:0:0:0:0:1]/", "loopback IPv6, long form"],
  ["http://[::ffff:127.0.0.1]/", "loopback, IPv4-mapped IPv6"],
  ["http://[::ffff:7f00:1]/", "loopback, IPv4-mapped IPv6 in hex"],
  ["http://[0:0:0:0:0:ffff:127.0.0.1]/", "loopback, IPv4-mapped IPv6, long form"],
  ["http://[::127.0.0.1]/", "loopback, IPv4-compatible IPv6"],
  ["http://localhost/", "localhost"],
  ["http://LOCALHOST/", "localhost, upper case"],
  ["http://localhost./", "localhost, trailing dot"],
  ["http://localhost:8080/", "localhost with a port"],
  ["http://foo.localhost/", "a .localhost name"],
  ["http://%6c%6f%63%61%6c%68%6f%73%74/", "localhost, percent-encoded"],
  ["http://loc%61lhost/", "localhost, partly percent-encoded"],
  // Unspecified
  ["http://0.0.0.0/", "unspecified"],
  ["http://0.0.0.0./", "unspecified, trailing dot"],
  ["http://0/", "unspecified, short form"],
  ["http://[::]/", "unspecified IPv6"],
  ["http://[::ffff:0.0.0.0]/", "unspecified, IPv4-mapped IPv6"],
  // Link-local and cloud metadata
  ["http://169.254.169.254/latest/meta-data", "metadata (AWS, GCP, Azure)"],
  ["http://169.254.0.1/", "link-local"],
  ["http://2852039166/", "metadata, decimal"],
  ["http://0xa9fea9fe/", "metadata, hex"],
  ["http://0251.0376.0251.0376/", "metadata, octal"],
  ["http://[::ffff:169.254.169.254]/", "metadata, IPv4-mapped IPv6"],
  ["http://[::ffff:a9fe:a9fe]/", "metadata, IPv4-mapped IPv6 in hex"],
  ["http://[fe80::1]/", "link-local IPv6"],
  ["http://[fd00:ec2::254]/", "AWS metadata IPv6 (unique local)"],
  ["http://metadata.google.internal/", "GCP metadata name"],
  ["http://metadata.google.internal./", "GCP metadata name, trailing dot"],
  ["http://100.100.100.200/", "Alibaba metadata (CGNAT)"],
  // CGNAT
  ["http://100.64.0.1/", "CGNAT"],
  ["http://100.127.255.254/", "CGNAT"],
  // Multicast and broadcast
  ["http://224.0.0.1/", "multicast"],
  ["http://224.0.0.1./", "multicast, trailing dot"],
  ["http://239.255.255.250/", "multicast (SSDP)"],
  ["http://[ff02::1]/", "multicast IPv6"],
  ["http://255.255.255.255/", "broadcast"],
  // Reserved and special-purpose
  ["http://240.0.0.1/", "reserved (class E)"],
  ["http://198.18.0.1/", "benchmarking"],
  ["http://192.0.0.1/", "IETF protocol assignments"],
  ["http://192.88.99.1/", "6to4 relay anycast"],
  ["http://[100::1]/", "discard-only IPv6"],
  ["http://[2001:2::1]/", "benchmarking IPv6"],
  ["http://[2002:7f00:1::]/", "6to4 carrying 127.0.0.1"],
  ["http://[2001::1]/", "Teredo"],
  ["http://[fc00::1]/", "unique local IPv6"],
  ["http://[fec0::1]/", "site-local IPv6 (deprecated)"],
  ["http://[64:ff9b::7f00:1]/", "NAT64 carrying 127.0.0.1"],
  ["http://[64:ff9b::a9fe:a9fe]/", "NAT64 carrying the metadata address"],
  ["http://[64:ff9b:1::1]/", "local-use NAT64"],
  // Documentation
  ["http://192.0.2.1/", "documentation (TEST-NET-1)"],
  ["http://198.51.100.1/", "documentation (TEST-NET-2)"],
  ["http://203.0.113.1/", "documentation (TEST-NET-3)"],
  ["http://[2001:db8::1]/", "documentation IPv6"],
  // Internal and single-label names
  ["http://intranet/", "single label"],
  ["http://kubernetes/", "single label"],
  ["http://app.internal/", ".internal"],
  ["http://host.docker.internal/", ".internal"],
  ["http://svc.cluster.local/", ".local"],
  ["http://printer.local./", ".local, trailing dot"],
  ["http://nas.home.arpa/", ".home.arpa"],
  ["http://router.lan/", ".lan"],
  ["http://server.corp/", ".corp"],
  ["http://box.localdomain/", ".localdomain"],
  // Credentials in the URL
  ["http://user:pass@example.com/", "userinfo with a password"],
  ["http://user@example.com/", "userinfo"],
  ["http://10.0.0.1@example.com/", "userinfo that looks like an address"],
  // Not http(s), or not a URL
  ["ftp://hooks.example.com/x", "ftp"],
  ["file:///etc/passwd", "file"],
  ["gopher://example.com:70/_x", "gopher"],
  ["ws://example.com/", "WebSocket"],
  ["javascript:alert(1)", "javascript"],
  ["data:text/plain,x", "data"],
  ["http://[fe80::1%25eth0]/", "zone id"],
  ["http://localhost%00.example.com/", "NUL in the host"],
  ["http://[::1", "unclosed bracket"],
  ["http://", "no host"],
  ["not a url", "not a URL"],
  ["/relative/path", "relative"],
];

/** Public targets: refusing them would be a bug of its own. */
const ACCEPTED = [
  "https://hooks.example.com/x",
  "http://hooks.example.com:8443/path?query=1",
  "https://8.8.8.8/hook",
  "https://[2606:4700:4700::1111]/hook",
  "https://[::ffff:8.8.8.8]/hook",
  "https://example.com./hook",
];

let token = "";
let platform = "";
let updatable = "";
let notificationId = "";
let subscriptionId = "";

beforeAll(async () => {
  token = await login(ACME);
  platform = await login(PLATFORM);
  const created = await api("POST", `/herald/v2/${ACCOUNT}/integrations`, {
    name: unique("ssrf-update"),
    target_url: "https://hooks.example.com/original",
  });
  expect(created.status).toBe(201);
  updatable = created.body.id;
  // A notification and a subscription for the legs each case delivers by hand (nobody subscribes to the type).
  const type = await freshType(platform);
  const subscription = await api("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
    name: unique("ssrf"),
    class: "event",
    notification_type: type,
  });
  subscriptionId = subscription.body.id;
  notificationId = (await send(token, type)).id;
});

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetchWorker(`${BASE}${path}`, {
    method,
    headers: { "x-aims-auth-token": token, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text), headers: response.headers };
}

/**
 * The target with a unique marker where a request would carry it (the path), so that a request to it can be found
 * among every blocked request; every target gets one, the non-http ones too, since any of them might be fetched.
 */
function marked(target: string): { url: string; marker: string } {
  const marker = `ssrf-${crypto.randomUUID().slice(0, 8)}`;
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (!authority) {
    // No authority (javascript:, data:, a relative path, not a URL at all): the marker ends it.
    return { url: `${target}/${marker}`, marker };
  }
  const rest = target.slice(authority[0].length);
  return { url: `${authority[0]}/${marker}${rest.startsWith("/") ? rest : `/${rest}`}`, marker };
}

async function blockedRequests(): Promise<Array<{ url: string }>> {
  return (await (await fetch("https://control.test/outbound")).json()) as Array<{ url: string }>;
}

/** A webhook integration row written straight to the database, as an older policy or a migration might have. */
async function storedIntegration(targetUrl: string): Promise<string> {
  const services = createServices(env);
  const id = services.newId();
  const now = Date.now();
  await insertIntegration(services.db, {
    id,
    accountId: ACCOUNT,
    name: unique("stored"),
    type: "webhook",
    targetUrl,
    headers: {},
    signingSecret: await sealSigningSecret(services.secrets, id, generateSigningSecret()),
    previousSigningSecret: null,
    previousSecretExpiresAt: null,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    failingSince: null,
    createdAt: now,
    createdBy: "ssrf-test",
    modifiedAt: now,
    modifiedBy: "ssrf-test",
  });
  return id;
}

/** Delivers one leg to the integration, in this test, and answers the leg as the API shows it. */
async function deliverTo(integrationId: string) {
  const services = createServices(env);
  const now = Date.now();
  const leg = newLeg({
    id: services.newId(),
    accountId: ACCOUNT,
    notificationId,
    subscriptionId,
    channel: "webhook",
    destination: integrationId,
    createdAt: now,
    nextAttemptAt: null,
  });
  // Written around the API's checks, as a row that predates them would be.
  await services.db.insert(deliveries).values(leg);
  const disposition = (await deliverBatch(services, [leg.id])).get(leg.id);
  const shown = await api("GET", `/herald/v2/${ACCOUNT}/deliveries/${leg.id}`);
  expect(shown.status).toBe(200);
  return { disposition, leg: shown.body };
}

describe.each(REFUSED)("%s (%s)", (target) => {
  it("is refused by integration create and update and by the webhook test, and never called at send time", async () => {
    const { url, marker } = marked(target);

    const name = unique("ssrf");
    const created = await api("POST", `/herald/v2/${ACCOUNT}/integrations`, { name, target_url: url });
    expectHeraldError(created, 400, "invalid_value");
    expect(created.body.path).toBe("target_url");
    const stored = await createServices(env).db.$client.execute({
      sql: "select count(*) as n from integrations where name = ?",
      args: [name],
    });
    expect(Number(stored.rows[0]?.n)).toBe(0);

    const updated = await api("PUT", `/herald/v2/${ACCOUNT}/integrations/${updatable}`, { target_url: url });
    expectHeraldError(updated, 400, "invalid_value");
    expect(updated.body.path).toBe("target_url");
    const kept = await api("GET", `/herald/v2/${ACCOUNT}/integrations/${updatable}`);
    expect(kept.body.target_url).toBe("https://hooks.example.com/original");

    const tested = await api("POST", `/herald/v2/${ACCOUNT}/webhook/test`, { url, method: "POST" });
    expectHeraldError(tested, 400, "invalid_value");
    expect(tested.body.path).toBe("url");

    // The row predates the check (or went around it): the delivery fails at once, without a call.
    const { disposition, leg } = await deliverTo(await storedIntegration(url));
    expect(disposition).toEqual({ kind: "done" });
    expect(leg.status).toBe("FAILED");
    expect(leg.attempts).toHaveLength(1);
    expect(leg.attempts[0].error).toMatch(/^the target URL /);
    expect(leg.attempts[0].response_code).toBeUndefined();

    expect((await blockedRequests()).filter((request) => request.url.includes(marker))).toEqual([]);
  });
});

describe.each(ACCEPTED)("the public target %s", (target) => {
  it("is accepted at creation and called at send time", async () => {
    const { url, marker } = marked(target);
    const created = await api("POST", `/herald/v2/${ACCOUNT}/integrations`, {
      name: unique("public"),
      target_url: url,
    });
    expect(created.status).toBe(201);
    expect(created.body.target_url).toBe(url);
    // The call is made; the test network refuses it (599), which proves the send-time check let it through.
    const { leg } = await deliverTo(created.body.id);
    expect(leg.attempts[0]).toMatchObject({ response_code: 599 });
    expect((await blockedRequests()).some((request) => request.url.includes(marker))).toBe(true);
  });
});

describe("ALLOW_LOOPBACK_TARGETS (local development)", () => {
  const loopbackOnly = { ...env, ALLOW_LOOPBACK_TARGETS: "true" };
  const create = async (targetUrl: string) => {
    const response = await createAppRequest(loopbackOnly, targetUrl);
    return { status: response.status, body: (await response.json()) as { path?: string } };
  };

  it.each(["http://127.0.0.1:9000/hook", "http://localhost:9000/hook", "http://[::1]:9000/hook"])(
    "lets %s through",
    async (targetUrl) => {
      expect((await create(targetUrl)).status).toBe(201);
    },
  );

  it.each(REFUSED.filter(([, what]) => !/loopback|localhost/.test(what)).map(([target]) => target))(
    "still refuses %s",
    async (targetUrl) => {
      const refused = await create(targetUrl);
      expect(refused.status).toBe(400);
      expect(refused.body.path).toBe("target_url");
    },
  );
});

describe("a stored private target, end to end through the queues", () => {
  it("fails its delivery with no call, while the same notification reaches a public target", async () => {
    const { url: metadataUrl, marker } = marked("http://169.254.169.254/latest/meta-data/iam");
    const metadata = await storedIntegration(metadataUrl);
    const receiver = await api("POST", `/herald/v2/${ACCOUNT}/integrations`, {
      name: unique("public"),
      target_url: `https://hooks.test/${unique("hook")}`,
    });
    const type = await freshType(platform);
    await subscribe(token, type, [
      { subscriber: metadata, subscriber_type: "connection" },
      { subscriber: receiver.body.id, subscriber_type: "connection" },
    ]);
    const notification = await send(token, type);
    const legs = await settled(token, notification.id, 2);
    const byDestination = Object.fromEntries(legs.map((leg) => [leg.destination, leg]));
    expect(byDestination[metadata]).toMatchObject({ status: "FAILED", last_error: expect.stringMatching(/link/) });
    expect(byDestination[receiver.body.id]).toMatchObject({ status: "DELIVRD" });
    expect((await blockedRequests()).filter((request) => request.url.includes(marker))).toEqual([]);
  });
});

/** One create-integration request through a fresh app with other bindings (the Worker's own has the test ones). */
async function createAppRequest(bindings: typeof env, targetUrl: string): Promise<Response> {
  return createApp().request(
    `${BASE}/herald/v2/${ACCOUNT}/integrations`,
    {
      method: "POST",
      headers: { "x-aims-auth-token": token, "content-type": "application/json" },
      body: JSON.stringify({ name: unique("loopback"), target_url: targetUrl }),
    },
    bindings,
  );
}
