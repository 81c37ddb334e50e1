import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type NodeRuntime, StartupError, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { ACME, PLATFORM } from "../common";
import { NODE_TEST_ENV, nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import { deliveryTools } from "../scenarios/harness";

// Herald's metrics and traces on the Node runtime: Prometheus scrapes /metrics around real deliveries, and a local
// OTLP/HTTP receiver (what an OpenTelemetry Collector listens with) gets the spans of both threads.

const METRICS_TOKEN = "metrics-token-0123456789abcdef";
const PRODUCER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PRODUCER_SPAN = "00f067aa0ba902b7";

interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  resource: Record<string, unknown>;
}

/** An OTLP/HTTP receiver: every span POSTed to /v1/traces, with its resource's attributes, and the headers sent. */
async function startOtlpReceiver() {
  const spans: ExportedSpan[] = [];
  const headers: string[] = [];
  const server: Server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    if (request.url !== "/v1/traces" || request.method !== "POST") return response.writeHead(404).end();
    headers.push(String(request.headers["x-collector-key"]));
    const document = JSON.parse(body) as {
      resourceSpans: Array<{
        resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
        scopeSpans: Array<{ spans: Omit<ExportedSpan, "resource">[] }>;
      }>;
    };
    for (const { resource, scopeSpans } of document.resourceSpans) {
      const attributes = Object.fromEntries(resource.attributes.map(({ key, value }) => [key, value.stringValue]));
      for (const scope of scopeSpans) for (const span of scope.spans) spans.push({ ...span, resource: attributes });
    }
    response.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    headers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of one series of a Prometheus text exposition (0 when absent: a counter not yet incremented). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key, value]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return 0;
}

const attribute = (span: ExportedSpan, key: string) => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value === undefined ? undefined : Object.values(value)[0];
};

let dbPath: string;
let receivers: ReceiverServer;
let collector: Awaited<ReturnType<typeof startOtlpReceiver>>;
let runtime: NodeRuntime;
/** Herald's delivery tools over the file's runtime and receivers, read when used (they start in beforeAll). */
const tools = deliveryTools(
  nodeHarness(
    () => runtime.url,
    () => receivers,
  ),
);

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-observability-")), "herald.db");
  await prepareLocalDb(dbPath);
  receivers = await startReceiverServer();
  collector = await startOtlpReceiver();
  runtime = await startNodeRuntime({
    port: 0,
    env: {
      ...NODE_TEST_ENV,
      LIBSQL_URL: `file:${dbPath}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: "x-collector-key=sesame%20open",
      OTEL_SERVICE_NAME: "herald-under-test",
      OTEL_BSP_SCHEDULE_DELAY: "50",
    },
    metrics: { token: METRICS_TOKEN, port: 0 },
  });
});

afterAll(async () => {
  await runtime?.close();
  await collector?.close();
  await receivers?.close();
  if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
});

const scrape = async () => {
  const response = await fetch(`${runtime.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
};

describe("Prometheus metrics", () => {
  it("count a send, its fan-out, each attempt, the delivery and its latency, across both threads", async () => {
    const { login, webhookScenario, settled } = tools;
    const token = await login(ACME);
    const platform = await login(PLATFORM);
    const before = await scrape();

    const { type, notification } = await webhookScenario(token, platform, [{ status: 500 }, { status: 200 }]);
    await settled(token, notification.id, 1);
    const after = await scrape();

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(sample(after, "herald_notifications_total", { type })).toBe(1);
    expect(moved("herald_fanout_notifications_total")).toBeGreaterThanOrEqual(1);
    expect(moved("herald_fanout_legs_total")).toBeGreaterThanOrEqual(1);
    expect(moved("herald_delivery_attempts_total", { channel: "webhook", outcome: "retry" })).toBeGreaterThanOrEqual(1);
    expect(
      moved("herald_delivery_attempts_total", { channel: "webhook", outcome: "delivered" }),
    ).toBeGreaterThanOrEqual(1);
    expect(moved("herald_deliveries_total", { channel: "webhook", status: "DELIVRD" })).toBeGreaterThanOrEqual(1);
    expect(moved("herald_delivery_latency_seconds_count", { channel: "webhook" })).toBeGreaterThanOrEqual(1);
    // The retry waited a second (DELIVERY_RETRY_SCHEDULE 1,1,1): the latency histogram saw it.
    expect(moved("herald_delivery_latency_seconds_sum", { channel: "webhook" })).toBeGreaterThanOrEqual(1);
    const send = { method: "POST", route: "/herald/v2/:account_id/notifications", status: "202" };
    expect(moved("herald_http_request_duration_seconds_count", send)).toBe(1);
    // Read at each scrape: the queues' depths (pipeline thread), the database's backlog, the process (HTTP thread).
    expect(after).toMatch(/^herald_queue_messages\{queue="herald-deliveries-dlq"\} 0$/m);
    expect(after).toMatch(/^herald_backlog\{kind="due_deliveries"\} \d+$/m);
    expect(sample(after, "process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("counts requests by route template, never by raw path, and unmatched paths under one label", async () => {
    const before = await scrape();
    await fetch(`${runtime.url}/herald/v2/12345678/notifications/NOPE`);
    await fetch(`${runtime.url}/no/such/${Date.now()}`);
    const after = await scrape();
    const moved = (labels: Record<string, string>) =>
      sample(after, "herald_http_request_duration_seconds_count", labels) -
      sample(before, "herald_http_request_duration_seconds_count", labels);
    expect(
      moved({ method: "GET", route: "/herald/v2/:account_id/notifications/:notification_id", status: "401" }),
    ).toBe(1);
    expect(moved({ method: "GET", route: "unmatched", status: "404" })).toBe(1);
    expect(after).not.toMatch(/no\/such/);
  });

  it("answer /metrics only with the bearer token on the API's port, and without one on their own port", async () => {
    expect((await fetch(`${runtime.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${runtime.url}/metrics`, { headers: { authorization: "Bearer not-the-token" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const own = await fetch(runtime.metricsUrl as string);
    expect(own.status).toBe(200);
    expect(await own.text()).toMatch(/^# TYPE herald_deliveries_total counter$/m);
  });

  it("include every series the Grafana dashboard in docs/ queries", async () => {
    const dashboard = JSON.parse(
      readFileSync(fileURLToPath(new URL("../../../../docs/grafana/herald-dashboard.json", import.meta.url)), "utf8"),
    ) as { panels: Array<{ targets: Array<{ expr: string }> }> };
    const queried = new Set(
      dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap(({ expr }) => [...expr.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map((match) => match[1])),
      ),
    );
    expect(queried.size).toBeGreaterThan(10);
    const exposed = new Set([...(await scrape()).matchAll(/^# TYPE (\S+) (\w+)$/gm)].map((match) => match[1]));
    for (const name of queried) expect(exposed, name).toContain(name?.replace(/_(bucket|count|sum)$/, ""));
  });

  it("are not served unless asked for", async () => {
    const bare = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}` } });
    try {
      expect((await fetch(`${bare.url}/metrics`)).status).toBe(404);
      expect(bare.metricsUrl).toBeUndefined();
    } finally {
      await bare.close();
    }
  });
});

describe("OpenTelemetry traces", () => {
  it("export the send's request, its database calls and each attempt, in the producer's trace", async () => {
    const { login, createIntegration, freshType, subscribe, send, settled } = tools;
    const token = await login(ACME);
    const platform = await login(PLATFORM);
    const target = await receivers.receiver([{ status: 200 }]);
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await send(token, type, {}, { traceparent: `00-${PRODUCER_TRACE}-${PRODUCER_SPAN}-01` });
    await settled(token, notification.id, 1);

    const [received] = await target.calls();
    const webhookSpan = received?.headers.traceparent?.split("-")[2];
    const inTrace = () => collector.spans.filter((span) => span.traceId === PRODUCER_TRACE);
    const spans = await vi.waitFor(
      () => {
        const found = inTrace();
        expect(found.some((span) => span.name === "herald.attempt")).toBe(true);
        return found;
      },
      { timeout: 10_000, interval: 50 },
    );

    const request = spans.find((span) => span.name === "POST /herald/v2/:account_id/notifications");
    expect(request?.parentSpanId).toBe(PRODUCER_SPAN);
    expect(attribute(request as ExportedSpan, "http.response.status_code")).toBe(202);
    expect(request?.resource).toMatchObject({ "service.name": "herald-under-test", "thread.name": "http" });
    // The send's database calls are its children.
    const database = spans.filter((span) => span.name.startsWith("db.") && span.parentSpanId === request?.spanId);
    expect(database.length).toBeGreaterThan(0);
    // The attempt ran in the pipeline thread, as a child of the send's request, and is what the target was told.
    const attempt = spans.find((span) => span.name === "herald.attempt");
    expect(attempt?.parentSpanId).toBe(request?.spanId);
    expect(attempt?.resource).toMatchObject({ "thread.name": "pipeline" });
    expect(attribute(attempt as ExportedSpan, "herald.delivery_id")).toBeTypeOf("string");
    expect(attempt?.spanId).toBe(webhookSpan);
    expect(collector.headers).toContain("sesame open");
  });
});

describe("start-up", () => {
  const start = (env: Record<string, string>, metrics?: { token?: string; port?: number }) =>
    startNodeRuntime({
      port: 0,
      env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}`, ...env },
      ...(metrics ? { metrics } : {}),
    });

  it("refuses OTEL_* settings it cannot honour, and a short metrics token, with one line", async () => {
    await expect(
      start({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_TRACES_SAMPLER: "jaeger_remote" }),
    ).rejects.toThrow(new StartupError("OTEL_TRACES_SAMPLER=jaeger_remote is not supported"));
    await expect(start({ OTEL_TRACES_EXPORTER: "zipkin" })).rejects.toThrow(/OTEL_TRACES_EXPORTER=zipkin/);
    await expect(
      start({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }),
    ).rejects.toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported/);
    await expect(start({}, { token: "short" })).rejects.toThrow(/HERALD_METRICS_TOKEN must be at least 16/);
  });

  it("names HERALD_METRICS_PORT when the metrics port is taken", async () => {
    const taken = Number(new URL(runtime.metricsUrl as string).port);
    await expect(start({}, { port: taken })).rejects.toThrow(
      new StartupError(`cannot listen on 127.0.0.1:${taken} (in use); choose another with HERALD_METRICS_PORT`),
    );
  });
});
