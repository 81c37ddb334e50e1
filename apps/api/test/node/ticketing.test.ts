import { describe } from "vitest";
import { defineTicketingScenarios } from "../scenarios/ticketing.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// The ticketing scenarios on the Node runtime: the Jira and ServiceNow fakes on one loopback port, which ticketing
// types may target because the runtime runs with ALLOW_LOOPBACK_TARGETS (as `npm run dev` does).

const { harness, vendorUrl } = useNodeRuntime("tickets", { vendors: true });

describe.concurrent("ticketing on the Node runtime", () => {
  defineTicketingScenarios({ ...harness, vendorUrl });
});
