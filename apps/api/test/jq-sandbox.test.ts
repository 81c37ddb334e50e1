// The jq sandbox inside workerd: the limits hold where the clock stands still during a run (see sandbox.ts); a request
// that does I/O meanwhile lets the clock move, and the run itself is measured by its budget.
import { describe, expect, it } from "vitest";
import { runJq } from "../src/delivery/jq/sandbox";
import { defineJqSandboxScenarios, SAMPLE_DOCUMENT } from "./scenarios/jq-sandbox.scenarios";

describe("jq sandbox in workerd", () => {
  defineJqSandboxScenarios(() => Date.now());

  it("keeps the start of an error that quotes a lot of data", async () => {
    const result = await runJq('[1] | .["x" * 5000]', SAMPLE_DOCUMENT);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^Cannot index array with string "xxx/) });
    if (!result.ok) expect(result.reason.length).toBeLessThanOrEqual(501);
  });
});
