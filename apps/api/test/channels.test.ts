import { describe } from "vitest";
import { workerd } from "./delivery-helpers";
import { defineChannelScenarios } from "./scenarios/channel.scenarios";

// The alert-channel scenarios in workerd: the vendor fakes answer at the vendors' own hosts (fakes.node.ts), so
// integrations carry real vendor URLs and pass the vendor host rules as in production. The burst is smaller than on
// Node (node/channels.test.ts, 100): miniflare runs one delivery batch at a time, and the pace is the same.
describe.concurrent("alert channels in workerd", () => {
  defineChannelScenarios({ ...workerd, vendorUrl: (url) => url }, { burst: 20 });
});
