import { describe } from "vitest";
import { defineStormScenarios } from "../scenarios/storm.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// Alert storms (scenarios/storm.scenarios.ts) on the Node runtime.
const { harness } = useNodeRuntime("storms");

describe("on the Node runtime", () => {
  defineStormScenarios(harness, { notifications: 500 });
});
