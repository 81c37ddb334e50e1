// The jq sandbox on Node: the same checks as inside workerd (test/scenarios/jq-sandbox.scenarios.ts), here where the
// wall clock moves during a run, so the time limit holds in milliseconds as well as in interrupt checks.
import { describe, expect, it } from "vitest";
import { JQ_LIMITS, runJq } from "../../src/delivery/jq/sandbox";
import { defineJqSandboxScenarios, SAMPLE_DOCUMENT } from "../scenarios/jq-sandbox.scenarios";

describe("jq sandbox on Node", () => {
  defineJqSandboxScenarios(() => performance.now());

  it("stops a time-bound program by the clock when the check budget is large", async () => {
    const started = performance.now();
    const result = await runJq("last(while(true; .))", SAMPLE_DOCUMENT, {
      ...JQ_LIMITS,
      timeMs: 100,
      interruptChecks: 1_000_000,
    });
    expect(result).toMatchObject({ ok: false, limit: "time" });
    expect(performance.now() - started).toBeLessThan(100 + 3_000);
  });
});
