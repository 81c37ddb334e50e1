import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVendorFakes, type VendorFakesServer } from "../fakes/serve.node";

// The vendor fakes on a real loopback port (fakes/serve.node.ts), as the Node runtime's tests reach them.

let server: VendorFakesServer;

beforeAll(async () => {
  server = await startVendorFakes();
});

afterAll(async () => {
  await server?.close();
});

const postJson = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("the vendor fakes on loopback", () => {
  it("serves each vendor under its integration type, with the vendor's answers", async () => {
    const slack = server.loopbackUrl("https://hooks.slack.com/services/T1/B1/node");
    expect(slack).toBe(`${server.origin}/slack/services/T1/B1/node`);
    const answer = await postJson(slack, { text: "over loopback" });
    expect([answer.status, await answer.text()]).toEqual([200, "ok"]);

    const routingKey = "0123456789abcdef0123456789abcdef";
    const event = {
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key: "node-1",
      payload: { summary: "s", source: "node", severity: "info" },
    };
    expect((await postJson(`${server.origin}/pagerduty/v2/enqueue`, event)).status).toBe(202);
    const incidents = await (await fetch(`${server.origin}/pagerduty/__incidents/${routingKey}`)).json();
    expect(incidents).toMatchObject([{ dedupKey: "node-1", status: "triggered" }]);

    const discord = await postJson(`${server.origin}/discord/api/webhooks/1180000000000000999/tok`, { content: "" });
    expect([discord.status, await discord.json()]).toEqual([
      400,
      { message: "Cannot send an empty message", code: 50006 },
    ]);
  });

  it("answers 404 to a path naming no vendor", async () => {
    expect((await fetch(`${server.origin}/hook-1`)).status).toBe(404);
  });

  it("closes the connection for a scripted drop", async () => {
    const key = "T1/B1/dropped";
    await postJson(`${server.origin}/slack/__script/${encodeURIComponent(key)}`, [{ drop: true }]);
    await expect(postJson(`${server.origin}/slack/services/${key}`, { text: "x" })).rejects.toThrow(/fetch failed/);
    const calls = (await (
      await fetch(`${server.origin}/slack/__requests/${encodeURIComponent(key)}`)
    ).json()) as unknown[];
    expect(calls).toHaveLength(1);
  });
});
