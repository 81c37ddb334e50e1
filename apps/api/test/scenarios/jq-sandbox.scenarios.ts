// The jq sandbox, written once and run by both suites: inside workerd (test/jq-sandbox.test.ts), where the clock stands
// still during a run, and on Node (test/node/jq-sandbox.test.ts), where it moves. Hostile programs must end within
// their limit with a clear reason, and leave the sandbox usable.
import { expect, it } from "vitest";
import { JQ_LIMITS, type JqLimits, runJq } from "../../src/delivery/jq/sandbox";

interface HostileCase {
  name: string;
  program: string;
  /** Words the failure reason must hold. */
  reason: RegExp;
}

const HOSTILE_PROGRAMS: HostileCase[] = [
  { name: "unbounded recursion (def f: f; f)", program: "def f: f; f", reason: /stack limit/ },
  { name: "recursion that builds (def f: [f]; f)", program: "def f: [f]; f", reason: /stack limit/ },
  { name: "repeat(.)", program: "[repeat(.)]", reason: /stack limit|time limit|memory limit/ },
  { name: "while(true; .)", program: "last(while(true; .))", reason: /time limit/ },
  {
    name: "a loop whose interruption error suppression would swallow",
    program: "[range(1e9) | (last(while(true; .)))?] | length",
    reason: /time limit/,
  },
  { name: "a loop on the left of //", program: "last(while(true; .)) // 1", reason: /time limit/ },
  { name: "a loop that never yields", program: "reduce range(1e9) as $x (0; . + $x)", reason: /time limit/ },
  { name: "[range(1e8)]", program: "[range(1e8)]", reason: /time limit|memory limit/ },
  { name: "a string repeated into megabytes", program: '"x" * 100000000', reason: /memory limit|time limit/ },
  { name: "output over the size cap", program: '"x" * 300000', reason: /over 262144 bytes/ },
];

/** A limit reached must end the run within its budget and a margin for the engine's load and a slow, shared CPU. */
function withinLimit(limits: JqLimits): number {
  return limits.timeMs + 3_000;
}

export const SAMPLE_DOCUMENT = JSON.stringify({
  id: "6D1F4C32-9C34-4F64-8E41-7C7CF2D1B4A1",
  account_id: "2",
  type: "incidents/alerts",
  notification_data: { threat_level: "high" },
  asset_data: {},
  payload: { long_incident_id: "longeyeisid", cid: "68450188" },
});

/** The checks both runtimes share; `clock` reads milliseconds as the runtime lets time be read. */
export function defineJqSandboxScenarios(clock: () => number) {
  it("runs a program on a notification document", async () => {
    const result = await runJq(
      "{incident: .payload.long_incident_id, level: .notification_data.threat_level}",
      SAMPLE_DOCUMENT,
    );
    expect(result).toEqual({ ok: true, body: '{"incident":"longeyeisid","level":"high"}' });
  });

  for (const hostile of HOSTILE_PROGRAMS) {
    it(`stops ${hostile.name} with a clear reason`, async () => {
      const started = clock();
      const result = await runJq(hostile.program, SAMPLE_DOCUMENT);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toMatch(hostile.reason);
      expect(clock() - started).toBeLessThan(withinLimit(JQ_LIMITS));
      // The sandbox is usable right after.
      expect(await runJq(".payload.cid", SAMPLE_DOCUMENT)).toEqual({ ok: true, body: '"68450188"' });
    });
  }

  it("gives each run a fresh engine: a def in one program does not reach the next", async () => {
    // jqjs registers a program's `def` in its function table; a shared engine would let one program redefine map/1.
    expect(await runJq("def map(f): 42; map(.)", "[1]")).toEqual({ ok: true, body: "42" });
    expect(await runJq("map(. + 1)", "[1]")).toEqual({ ok: true, body: "[2]" });
  });
}
