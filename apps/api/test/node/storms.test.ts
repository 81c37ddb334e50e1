import { describe } from "vitest";
import { defineStormScenarios } from "../scenarios/storm.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// Alert storms (scenarios/storm.scenarios.ts) on the Node runtime, with receivers in a thread of their own: the
// test's thread is busy serving and sending the burst, and a receiver there would stamp arrivals late and bunched.
const { harness } = useNodeRuntime("storms", { receiversInThread: true });

describe("on the Node runtime", () => {
  defineStormScenarios(harness, { notifications: 500 });
});
