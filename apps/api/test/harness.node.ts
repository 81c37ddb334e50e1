// The Node runtime's harness for the shared scenarios (scenarios/harness.ts): calls to Herald over loopback, and a real
// webhook receiver, one node:http server on 127.0.0.1 with one bucket per receiver (http://127.0.0.1:<port>/<bucket>),
// answering with the same scripted steps as the hooks.test fake.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type CallOptions, callWith, heraldThrough, unique } from "./common";
import type { Harness, Receiver } from "./scenarios/harness";
import { ScriptedBuckets, type Step } from "./scenarios/scripted-receiver";

export interface ReceiverServer {
  receiver(steps?: Step[]): Promise<Receiver>;
  close(): Promise<void>;
}

export async function startReceiverServer(): Promise<ReceiverServer> {
  const buckets = new ScriptedBuckets();
  const server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    const path = request.url ?? "/";
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : value]),
    ) as Record<string, string>;
    const answer = await buckets.answer(path.split(/[/?]/)[1] ?? "", {
      method: request.method ?? "GET",
      path,
      headers,
      body,
      at: Date.now(),
    });
    // A caller that gave up (a timeout) has closed the socket already: there is no one to answer.
    if (request.socket.destroyed) return;
    if (answer.drop) {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, answer.headers).end(answer.body ?? undefined);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    async receiver(steps = [{ status: 200 }]) {
      const bucket = unique("hook");
      buckets.script(bucket, steps);
      return { url: `${base}/${bucket}`, calls: async () => buckets.calls(bucket) };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Variables for a Node runtime under test, matching the workerd suite's bindings (vitest.config.ts) where scenarios
 * depend on them; loopback targets are allowed, so the runtime can reach this file's receivers.
 */
export const NODE_TEST_ENV = {
  AUTH_TOKEN_SECRET: "node-runtime-test-secret",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  ENCRYPTION_KEY_ID: "test",
  ALLOW_LOOPBACK_TARGETS: "true",
  DELIVERY_RETRY_SCHEDULE: "1,1,1",
  WEBHOOK_TIMEOUT_MS: "1000",
};

/**
 * The harness over Herald at `baseUrl()` with receivers from `receivers()`, both read on every use: they are started
 * in beforeAll, after the scenarios are declared, and a test may restart the runtime in between.
 */
export function nodeHarness(baseUrl: () => string, receivers: () => ReceiverServer): Harness {
  return {
    call: (method: string, path: string, options?: CallOptions) => callWith(fetch, baseUrl(), method, path, options),
    herald: (who) => heraldThrough(fetch, baseUrl(), who),
    receiver: (steps) => receivers().receiver(steps),
    // Node's fetch (undici) reports a socket closed before the answer as "fetch failed" caused by "other side closed".
    connectionLost: /other side closed/,
  };
}
