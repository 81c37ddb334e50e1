// The jq sandbox inside workerd: the limits hold where the clock stands still during a run (see sandbox.ts).
import { describe, expect, it } from "vitest";
import { JQ_LIMITS, runJq } from "../src/delivery/jq/sandbox";
import { HOSTILE_PROGRAMS, SAMPLE_DOCUMENT, withinLimit } from "./jq-hostile-cases";

describe("jq sandbox in workerd", () => {
  it("runs a program on a notification document", async () => {
    const result = await runJq(
      "{incident: .payload.long_incident_id, level: .notification_data.threat_level}",
      SAMPLE_DOCUMENT,
    );
    expect(result).toEqual({ ok: true, body: '{"incident":"longeyeisid","level":"high"}' });
  });

  for (const hostile of HOSTILE_PROGRAMS) {
    it(`stops ${hostile.name} with a clear reason`, async () => {
      const started = Date.now();
      // A request that does I/O meanwhile lets the clock move; the run itself is measured by its budget.
      const result = await runJq(hostile.program, SAMPLE_DOCUMENT);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toMatch(hostile.reason);
      expect(Date.now() - started).toBeLessThan(withinLimit(JQ_LIMITS));
      // The sandbox is usable right after.
      expect(await runJq(".payload.cid", SAMPLE_DOCUMENT)).toEqual({ ok: true, body: '"68450188"' });
    });
  }

  it("gives each run a fresh engine: a def in one program does not reach the next", async () => {
    // jqjs registers a program's `def` in its function table; a shared engine would let one program redefine map/1.
    expect(await runJq("def map(f): 42; map(.)", "[1]")).toEqual({ ok: true, body: "42" });
    expect(await runJq("map(. + 1)", "[1]")).toEqual({ ok: true, body: "[2]" });
  });

  it("keeps the start of an error that quotes a lot of data", async () => {
    const result = await runJq('[1] | .["x" * 5000]', SAMPLE_DOCUMENT);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^Cannot index array with string "xxx/) });
    if (!result.ok) expect(result.reason.length).toBeLessThanOrEqual(501);
  });
});
