import type { LookupAddress } from "node:dns";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { createTargetFetcher, guardedLookup, type Resolver } from "../../node/target-fetch";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { checkTargetUrl } from "../../src/security/target-url";

// DNS rebinding on the Node runtime: a name that passes the URL check at creation may resolve to a private address
// when Herald connects. The resolver is faked at the DNS boundary (no public DNS here); the sockets and the receiver
// are real.

const addressFamily = (address: string) => (address.includes(":") ? 6 : 4);

/** Answers every name with `addresses`, counting lookups. */
function fakeResolver(addresses: string[]): Resolver & { lookups: string[] } {
  const lookups: string[] = [];
  const resolve = async (hostname: string): Promise<LookupAddress[]> => {
    lookups.push(hostname);
    return addresses.map((address) => ({ address, family: addressFamily(address) }));
  };
  return Object.assign(resolve, { lookups });
}

function lookupOnce(resolver: Resolver, allowLoopback: boolean, all = false) {
  return new Promise<{ error: Error | null; result: unknown }>((resolve) =>
    guardedLookup({ allowLoopback }, resolver)("rebind.example.com", { all }, (error, address) =>
      resolve({ error, result: address }),
    ),
  );
}

// Every range a public name must never lead to, as its DNS answer would spell it.
const REFUSED_ANSWERS = [
  ["private 10/8", "10.0.0.1"],
  ["private 172.16/12", "172.16.5.4"],
  ["private 192.168/16", "192.168.1.1"],
  ["loopback", "127.0.0.1"],
  ["loopback elsewhere in 127/8", "127.1.2.3"],
  ["cloud metadata (link-local)", "169.254.169.254"],
  ["CGNAT", "100.64.0.1"],
  ["unspecified", "0.0.0.0"],
  ["multicast", "224.0.0.1"],
  ["broadcast", "255.255.255.255"],
  ["documentation", "192.0.2.10"],
  ["reserved 240/4", "240.0.0.1"],
  ["IPv6 loopback", "::1"],
  ["IPv6 unique local", "fd00::1"],
  ["IPv6 link-local", "fe80::1"],
  ["IPv6 unspecified", "::"],
  ["IPv4-mapped private", "::ffff:10.0.0.1"],
  ["IPv4-mapped loopback", "::ffff:127.0.0.1"],
  ["IPv4-compatible private", "::10.0.0.1"],
  ["IPv6 multicast", "ff02::1"],
] as const;

describe("the connect-time address check", () => {
  it.each(REFUSED_ANSWERS)("refuses a name that resolves to a %s address (%s)", async (_range, address) => {
    const { error } = await lookupOnce(fakeResolver([address]), false);
    expect(error?.name).toBe("BlockedAddressError");
    expect(error?.message).toContain(`(${address})`);
  });

  it("refuses a name when any one of its addresses is refused", async () => {
    const { error } = await lookupOnce(fakeResolver(["93.184.215.14", "10.0.0.1"]), false, true);
    expect(error?.name).toBe("BlockedAddressError");
  });

  it("passes public addresses, in the form the socket asked for", async () => {
    const resolver = fakeResolver(["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]);
    expect(await lookupOnce(resolver, false)).toEqual({ error: null, result: "93.184.215.14" });
    const all = await lookupOnce(resolver, false, true);
    expect(all.error).toBeNull();
    expect(all.result).toEqual([
      { address: "93.184.215.14", family: 4 },
      { address: "2606:2800:21f:cb07:6820:80da:af6b:8b2c", family: 6 },
    ]);
  });

  it("passes loopback only where loopback targets are allowed (local development)", async () => {
    expect((await lookupOnce(fakeResolver(["127.0.0.1"]), true)).error).toBeNull();
    expect((await lookupOnce(fakeResolver(["10.0.0.1"]), true)).error?.name).toBe("BlockedAddressError");
  });
});

interface Receiver {
  server: Server;
  port: number;
  calls: number;
}

async function startReceiver(): Promise<Receiver> {
  const receiver: Receiver = { server: createServer(), port: 0, calls: 0 };
  receiver.server.on("request", (request, response) => {
    receiver.calls += 1;
    request.resume();
    response.writeHead(200).end("ok");
  });
  receiver.server.listen(0, "127.0.0.1");
  await once(receiver.server, "listening");
  receiver.port = (receiver.server.address() as AddressInfo).port;
  return receiver;
}

describe("the target fetcher", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.server.close());

  it("never connects to a name that rebinds to a private address after passing the URL check", async () => {
    const url = `http://hooks.rebind.example.com:${receiver.port}/hook`;
    expect(checkTargetUrl(url, { allowLoopback: false }).ok).toBe(true);
    const resolver = fakeResolver(["127.0.0.1"]);
    const fetcher = createTargetFetcher({ allowLoopback: false }, resolver);
    const before = receiver.calls;
    const failure = await fetcher.fetch(url, { method: "POST", body: "{}" }).catch((error: Error) => error);
    await fetcher.close();
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error & { cause?: Error }).cause?.name).toBe("BlockedAddressError");
    expect(resolver.lookups).toEqual(["hooks.rebind.example.com"]);
    expect(receiver.calls).toBe(before);
  });

  it("connects to the address it checked", async () => {
    const resolver = fakeResolver(["127.0.0.1"]);
    const fetcher = createTargetFetcher({ allowLoopback: true }, resolver);
    const before = receiver.calls;
    const response = await fetcher.fetch(`http://hooks.rebind.example.com:${receiver.port}/hook`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    await fetcher.close();
    expect(receiver.calls).toBe(before + 1);
  });
});

describe("the Node runtime, with a target that rebinds", () => {
  let receiver: Receiver;
  let runtime: NodeRuntime;
  let token: string;
  const resolver = fakeResolver(["127.0.0.1"]);

  beforeAll(async () => {
    receiver = await startReceiver();
    const dbPath = join(mkdtempSync(join(tmpdir(), "herald-rebind-")), "herald.db");
    await prepareLocalDb(dbPath);
    runtime = await startNodeRuntime({
      port: 0,
      resolver,
      env: {
        LIBSQL_URL: `file:${dbPath}`,
        AUTH_TOKEN_SECRET: "node-rebind-test-secret",
        ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
        ENCRYPTION_KEY_ID: "test",
        DELIVERY_RETRY_SCHEDULE: "1,1",
      },
    });
    const login = await fetch(`${runtime.url}/aims/v1/authenticate`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("devkey12345678:devsecret12345678").toString("base64")}` },
    });
    token = ((await login.json()) as { authentication: { token: string } }).authentication.token;
  });
  afterAll(async () => {
    await runtime.close();
    receiver.server.close();
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${runtime.url}/herald/v2/12345678${path}`, {
      method,
      headers: { "x-aims-auth-token": token, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it("fails the leg at once, without a call, and says which address was refused", async () => {
    const target = `http://hooks.rebind.example.com:${receiver.port}/hook`;
    const integration = await api("POST", "/integrations", { name: "rebinding", target_url: target });
    expect(integration.status).toBe(201);
    const subscription = await api("POST", "/subscriptions", {
      name: "rebinding",
      class: "event",
      notification_type: "incidents/alerts",
      subscribers: [{ subscriber: integration.body.id, subscriber_type: "connection" }],
    });
    expect(subscription.status).toBe(201);
    const sent = await api("POST", "/notifications", {
      type: "incidents/alerts",
      notification_data: {},
      asset_data: {},
      payload: { long_incident_id: "rebind-1" },
    });
    expect(sent.status).toBe(202);

    let leg: any;
    await expect
      .poll(
        async () => {
          leg = (await api("GET", `/deliveries?notification_id=${sent.body.id}`)).body.deliveries[0];
          return leg?.status;
        },
        { timeout: 10_000 },
      )
      .toBe("FAILED");
    expect(leg.attempts).toHaveLength(1);
    expect(leg.last_error).toBe("the target host hooks.rebind.example.com resolves to a loopback address (127.0.0.1)");
    expect(receiver.calls).toBe(0);
  });

  it("answers a webhook test with the refusal instead of calling", async () => {
    const result = await api("POST", "/webhook/test", {
      url: `http://hooks.rebind.example.com:${receiver.port}/hook`,
      method: "POST",
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      code: 0,
      rawbody: "not sent: the target host hooks.rebind.example.com resolves to a loopback address (127.0.0.1)",
    });
    expect(receiver.calls).toBe(0);
  });
});
