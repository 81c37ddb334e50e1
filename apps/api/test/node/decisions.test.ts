import { describe } from "vitest";
import { defineDecisionScenarios } from "../scenarios/decisions.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// The fan-out decision scenarios (test/scenarios/decisions.scenarios.ts) on the Node runtime: the same statements on a
// libSQL file, the same answers.

const { harness } = useNodeRuntime("decisions");

describe.concurrent("on the Node runtime", () => {
  defineDecisionScenarios(harness);
});
