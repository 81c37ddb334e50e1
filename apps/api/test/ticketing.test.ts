import { describe } from "vitest";
import { workerd } from "./delivery-helpers";
import { defineTicketingScenarios } from "./scenarios/ticketing.scenarios";

// The ticketing scenarios in workerd: the Jira and ServiceNow fakes answer at the vendors' own hosts (fakes.node.ts),
// so integrations name real *.atlassian.net and *.service-now.com sites and pass the vendor host rules.
describe.concurrent("ticketing in workerd", () => {
  defineTicketingScenarios({ ...workerd, vendorUrl: (url) => url });
});
