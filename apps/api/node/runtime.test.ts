import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareLocalDb } from "../scripts/prepare-local-db";
import { type NodeRuntime, startNodeRuntime } from "./runtime";

// The Worker's app, consumers and sweeper on Node, end to end over loopback: a real libSQL file, the in-process
// queues, and a real HTTP receiver.

interface Receiver {
  url: string;
  calls: Array<{ headers: Record<string, unknown>; body: string }>;
  answers: number[];
  server: Server;
}

async function startReceiver(answers: number[]): Promise<Receiver> {
  const receiver: Receiver = { url: "", calls: [], answers, server: createServer() };
  receiver.server.on("request", async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    receiver.calls.push({ headers: request.headers, body });
    const status = answers[Math.min(receiver.calls.length - 1, answers.length - 1)] ?? 200;
    response.writeHead(status).end(status < 300 ? "ok" : "failing");
  });
  receiver.server.listen(0, "127.0.0.1");
  await once(receiver.server, "listening");
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hook`;
  return receiver;
}

let dbPath: string;
let runtimes: NodeRuntime[] = [];
const receivers: Receiver[] = [];

beforeEach(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-node-")), "herald.db");
  await prepareLocalDb(dbPath);
});

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const receiver of receivers.splice(0)) receiver.server.close();
});

async function start() {
  const runtime = await startNodeRuntime({
    port: 0,
    env: {
      LIBSQL_URL: `file:${dbPath}`,
      AUTH_TOKEN_SECRET: "node-runtime-test-secret",
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      ENCRYPTION_KEY_ID: "test",
      ALLOW_LOOPBACK_TARGETS: "true",
      DELIVERY_RETRY_SCHEDULE: "1,1",
    },
  });
  runtimes.push(runtime);
  return runtime;
}

async function api(runtime: NodeRuntime, token: string | undefined, method: string, path: string, body?: unknown) {
  const response = await fetch(`${runtime.url}${path}`, {
    method,
    headers: { ...(token ? { "x-aims-auth-token": token } : {}), "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function login(runtime: NodeRuntime): Promise<string> {
  const response = await fetch(`${runtime.url}/aims/v1/authenticate`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("devkey12345678:devsecret12345678").toString("base64")}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { authentication: { token: string } }).authentication.token;
}

async function subscribeReceiver(runtime: NodeRuntime, token: string, receiver: Receiver) {
  const integration = await api(runtime, token, "POST", "/herald/v2/12345678/integrations", {
    name: "node receiver",
    target_url: receiver.url,
  });
  expect(integration.status).toBe(201);
  const subscription = await api(runtime, token, "POST", "/herald/v2/12345678/subscriptions", {
    name: "node",
    class: "event",
    notification_type: "incidents/alerts",
    subscribers: [{ subscriber: integration.body.id, subscriber_type: "connection" }],
  });
  expect(subscription.status).toBe(201);
}

const notification = {
  type: "incidents/alerts",
  notification_data: { threat_level: "high" },
  asset_data: {},
  payload: { long_incident_id: "node-1", threat: "High", attack_summary: "node runtime" },
};

async function legStatus(runtime: NodeRuntime, token: string, id: string): Promise<string | undefined> {
  const result = await api(runtime, token, "GET", `/herald/v2/12345678/deliveries?notification_id=${id}`);
  return result.body?.deliveries?.[0]?.status;
}

describe("the Node runtime", () => {
  it("serves the API and delivers a signed webhook through its local queues", async () => {
    const receiver = await startReceiver([200]);
    receivers.push(receiver);
    const runtime = await start();
    const token = await login(runtime);
    await subscribeReceiver(runtime, token, receiver);
    const sent = await api(runtime, token, "POST", "/herald/v2/12345678/notifications", notification);
    expect(sent.status).toBe(202);

    await expect.poll(() => legStatus(runtime, token, sent.body.id), { timeout: 10_000 }).toBe("DELIVRD");
    expect(receiver.calls).toHaveLength(1);
    expect(receiver.calls[0]?.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("recovers a leg waiting for its retry when the process restarts", async () => {
    const receiver = await startReceiver([500, 200]);
    receivers.push(receiver);
    const first = await start();
    const token = await login(first);
    await subscribeReceiver(first, token, receiver);
    const sent = await api(first, token, "POST", "/herald/v2/12345678/notifications", notification);
    await expect.poll(() => receiver.calls.length, { timeout: 10_000 }).toBe(1);

    // The process stops while the leg waits for its retry: the message in memory is gone with it.
    await first.close();
    runtimes = runtimes.filter((runtime) => runtime !== first);

    const second = await start();
    await expect.poll(() => legStatus(second, token, sent.body.id), { timeout: 10_000 }).toBe("DELIVRD");
    expect(receiver.calls).toHaveLength(2);
  });
});
