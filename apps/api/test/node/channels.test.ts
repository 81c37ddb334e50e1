import { describe } from "vitest";
import { defineChannelScenarios } from "../scenarios/channel.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// The alert-channel scenarios on the Node runtime: the vendor fakes on one loopback port, which vendor types may
// target because the runtime runs with ALLOW_LOOPBACK_TARGETS (as `npm run dev` does). The burst is the 100.

const { harness, vendorUrl } = useNodeRuntime("channels", { vendors: true });

describe.concurrent("alert channels on the Node runtime", () => {
  defineChannelScenarios({ ...harness, vendorUrl }, { burst: 100 });
});
