import { workerd } from "./delivery-helpers";
import { defineStormScenarios } from "./scenarios/storm.scenarios";

// Alert storms (scenarios/storm.scenarios.ts) on the Worker in workerd.
defineStormScenarios(workerd, { notifications: 500 });
