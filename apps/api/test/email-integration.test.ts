import { describe } from "vitest";
import { workerd } from "./delivery-helpers";
import { defineEmailIntegrationScenarios } from "./scenarios/email-integration.scenarios";

// The `email` integration scenarios in workerd, with the capture transport the test bindings configure.
describe.concurrent("email integrations in workerd", () => {
  defineEmailIntegrationScenarios(workerd);
});
