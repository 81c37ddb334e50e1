import { describe } from "vitest";
import { defineJobScenarios } from "../scenarios/jobs.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// Recover and replay jobs on the Node runtime: its in-process queues carry the job's pages on the fan-out queue.
const { harness } = useNodeRuntime("jobs");

describe.concurrent("recover and replay jobs on the Node runtime", () => {
  defineJobScenarios(harness);
});
