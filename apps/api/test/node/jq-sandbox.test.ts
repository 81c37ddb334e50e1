// The jq sandbox on Node: the same hostile programs as inside workerd (test/jq-sandbox.test.ts), here where the
// wall clock moves during a run, so the time limit holds in milliseconds as well as in interrupt checks.
import { describe, expect, it } from "vitest";
import { JQ_LIMITS, runJq } from "../../src/delivery/jq/sandbox";
import { HOSTILE_PROGRAMS, SAMPLE_DOCUMENT, withinLimit } from "../jq-hostile-cases";

describe("jq sandbox on Node", () => {
  it("runs a program on a notification document", async () => {
    const result = await runJq(
      "{incident: .payload.long_incident_id, level: .notification_data.threat_level}",
      SAMPLE_DOCUMENT,
    );
    expect(result).toEqual({ ok: true, body: '{"incident":"longeyeisid","level":"high"}' });
  });

  for (const hostile of HOSTILE_PROGRAMS) {
    it(`stops ${hostile.name} with a clear reason`, async () => {
      const started = performance.now();
      const result = await runJq(hostile.program, SAMPLE_DOCUMENT);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toMatch(hostile.reason);
      expect(performance.now() - started).toBeLessThan(withinLimit(JQ_LIMITS));
      expect(await runJq(".payload.cid", SAMPLE_DOCUMENT)).toEqual({ ok: true, body: '"68450188"' });
    });
  }

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

  it("gives each run a fresh engine: a def in one program does not reach the next", async () => {
    // jqjs registers a program's `def` in its function table; a shared engine would let one program redefine map/1.
    expect(await runJq("def map(f): 42; map(.)", "[1]")).toEqual({ ok: true, body: "42" });
    expect(await runJq("map(. + 1)", "[1]")).toEqual({ ok: true, body: "[2]" });
  });
});
