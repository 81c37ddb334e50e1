import { describe } from "vitest";
import { workerd } from "./delivery-helpers";
import { defineJobScenarios } from "./scenarios/jobs.scenarios";

// Recover and replay jobs in workerd: the Worker's queues (miniflare's) carry the job's pages and the re-sent legs.
describe.concurrent("recover and replay jobs", () => {
  defineJobScenarios(workerd);
});
