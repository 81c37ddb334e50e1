import { describe } from "vitest";
import { defineEmailIntegrationScenarios } from "../scenarios/email-integration.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// The `email` integration scenarios on the Node runtime, with the capture transport (NODE_TEST_ENV), as in workerd.

const { harness } = useNodeRuntime("email");

describe.concurrent("email integrations on the Node runtime", () => {
  defineEmailIntegrationScenarios(harness);
});
