import { describe, expect, it } from "vitest";
import { workerd } from "./delivery-helpers";
import type { VendorCall } from "./fakes/vendor-kit";
import { defineChannelScenarios } from "./scenarios/channel.scenarios";

// The alert-channel scenarios in workerd: the vendor fakes answer at the vendors' own hosts (fakes.node.ts), so
// integrations carry real vendor URLs and pass the vendor host rules as in production. The burst is smaller than on
// Node (node/channels.test.ts, 100): miniflare runs one delivery batch at a time, and the pace is the same.
describe.concurrent("alert channels in workerd", () => {
  defineChannelScenarios({ ...workerd, vendorUrl: (url) => url }, { burst: 20 });
});

describe("through miniflare's outboundService (fakes.node.ts)", () => {
  it("reaches the vendor fakes at their real hosts", async () => {
    const key = `T0009/B0009/${crypto.randomUUID().replaceAll("-", "")}`;
    const answer = await fetch(`https://hooks.slack.com/services/${key}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "through workerd" }),
    });
    expect([answer.status, await answer.text()]).toEqual([200, "ok"]);
    const calls = (await (
      await fetch(`https://hooks.slack.com/__requests/${encodeURIComponent(key)}`)
    ).json()) as VendorCall[];
    expect(calls.map((c) => JSON.parse(c.body))).toEqual([{ text: "through workerd" }]);
  });
});
