// Hostile jq programs: each must end within its limit with a clear reason, on workerd (test/jq-sandbox.test.ts)
// and on Node (test/node/jq-sandbox.test.ts).
import type { JqLimits } from "../src/delivery/jq/sandbox";

export interface HostileCase {
  name: string;
  program: string;
  /** Words the failure reason must hold. */
  reason: RegExp;
}

export const HOSTILE_PROGRAMS: HostileCase[] = [
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
export function withinLimit(limits: JqLimits): number {
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
