import { describe } from "vitest";
import { definePortalScenarios } from "../scenarios/portal.scenarios";
import { useNodeRuntime } from "./shared-runtime";

// Portal links on the Node runtime: the same exchange and scope rules as in workerd, over its own database.
const { harness } = useNodeRuntime("portal-links");

describe("portal links on the Node runtime", () => {
  definePortalScenarios(harness);
});
