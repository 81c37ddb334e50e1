import { describe } from "vitest";
import { defineFanOutScenarios } from "../scenarios/fanout.scenarios";
import { defineIntegrationCallScenarios } from "../scenarios/integration-calls.scenarios";
import { defineSigningScenarios } from "../scenarios/signing.scenarios";
import { defineWebhookScenarios } from "../scenarios/webhook.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// The delivery scenarios both runtimes share (test/scenarios/webhook, fanout, signing and integration-calls), here on
// the Node runtime: one runtime for the file on a fresh libSQL file holding the test database's extra keys, and real
// webhook receivers on loopback. The settings match the workerd suite's bindings (vitest.config.ts), so a scenario
// means the same on both.

const { harness } = useNodeRuntime("scenarios");

// Each scenario has its own notification type and receiver, so they run side by side.
describe.concurrent("on the Node runtime", () => {
  defineWebhookScenarios(harness);
  defineFanOutScenarios(harness);
  defineSigningScenarios(harness);
  defineIntegrationCallScenarios(harness);
});
