import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { callWith } from "./common";
import { ACCOUNT, createIntegration, freshType, receiver, send, settled, subscribe } from "./delivery-helpers";
import { ACME, BASE, login, PLATFORM } from "./helpers";

// Herald's events on Workers: one structured JSON log line per group of like events (Workers Logs indexes their
// fields) and an Analytics Engine data point each when the ANALYTICS binding is set. Analytics Engine cannot be read
// back locally, so its binding is a recorder here, at the binding's boundary; everything else is the real Worker.

interface DataPoint {
  indexes?: string[];
  blobs?: string[];
  doubles?: number[];
}

function recordingDataset() {
  const points: DataPoint[] = [];
  const dataset = { writeDataPoint: (point: DataPoint) => points.push(structuredClone(point)) };
  return { dataset: dataset as unknown as AnalyticsEngineDataset, points };
}

/** The structured lines Herald logged while `work` ran, parsed. */
function logLines(spy: { mock: { calls: unknown[][] } }): Array<Record<string, unknown>> {
  return spy.mock.calls.flatMap(([line]) => {
    try {
      const parsed = typeof line === "string" ? JSON.parse(line) : undefined;
      return parsed && typeof parsed === "object" ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

let token: string;
let platform: string;
beforeAll(async () => {
  token = await login(ACME);
  platform = await login(PLATFORM);
});
afterEach(() => vi.restoreAllMocks());

describe("telemetry on Workers", () => {
  it("counts a send by route and type, in a log line and an Analytics Engine data point", async () => {
    const type = await freshType(platform);
    const { dataset, points } = recordingDataset();
    const bindings = { ...env, ANALYTICS: dataset };
    const log = vi.spyOn(console, "log");
    const result = await callWith(
      async (url, init) => worker.fetch(new Request(url, init), bindings, createExecutionContext()),
      BASE,
      "POST",
      `/herald/v2/${ACCOUNT}/notifications`,
      { token, body: { type, notification_data: {}, asset_data: {}, payload: {} } },
    );
    expect(result.status).toBe(202);

    const route = "/herald/v2/:account_id/notifications";
    expect(points).toContainEqual({
      indexes: ["request"],
      blobs: ["request", "POST", route, "202"],
      doubles: [1, expect.any(Number), expect.any(Number)],
    });
    expect(points).toContainEqual({ indexes: ["notifications"], blobs: ["notifications", type], doubles: [1, 0, 0] });
    const lines = logLines(log);
    expect(lines).toContainEqual(
      expect.objectContaining({ event: "herald.request", method: "POST", route, status: 202, count: 1 }),
    );
    expect(lines).toContainEqual(expect.objectContaining({ event: "herald.notifications", type, count: 1 }));
  });

  it("logs each delivery's attempts and final status, grouped per batch", async () => {
    const log = vi.spyOn(console, "log");
    const target = await receiver([{ status: 503 }, { status: 200 }]);
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const sent = await send(token, type);
    await settled(token, sent.id, 1);

    const lines = logLines(log);
    expect(lines).toContainEqual(expect.objectContaining({ event: "herald.fanout" }));
    expect(lines).toContainEqual(
      expect.objectContaining({ event: "herald.attempt", channel: "webhook", outcome: "retry" }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ event: "herald.attempt", channel: "webhook", outcome: "delivered" }),
    );
    const delivered = lines.find(
      (line) => line.event === "herald.settled" && line.channel === "webhook" && line.status === "DELIVRD",
    );
    // Its latency (send to delivery) is the line's sum: at least the retry's wait of one second.
    expect(delivered).toMatchObject({ count: 1, sum: expect.any(Number) });
    expect(delivered?.sum as number).toBeGreaterThanOrEqual(1000);
  });
});
