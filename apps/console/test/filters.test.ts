import { describe, expect, it } from "vitest";
import { checkFilters } from "../src/filters";

describe("checkFilters", () => {
  it("accepts no filter, and every documented form", () => {
    expect(checkFilters("  ")).toEqual({ ok: true, value: undefined });
    const filter = {
      and: [
        { "=": [{ source: "notification.threat_level" }, "High"] },
        { "!=": [{ source: "account.id" }, "1"] },
        { in: [{ source: "notification.schedule_id" }, ["a", "b"]] },
        { not: { or: [{ "=": [1, 1] }, { "=": [true, { source: "notification.escalated" }] }] } },
      ],
    };
    expect(checkFilters(JSON.stringify(filter))).toEqual({ ok: true, value: filter });
  });

  it.each([
    ["{", /not JSON/],
    ["[1]", /must be a JSON object/],
    ['"x"', /must be a JSON object/],
    ['{"=": [1]}', /"=" takes \[a, b\]/],
    ['{"=": [1, 2], "!=": [1, 2]}', /one operator per object \(found 2\)/],
    ['{"in": [1, 2]}', /"in" takes \[a, \[v1, v2, \.\.\.\]\]/],
    ['{"and": []}', /"and" takes a list of expressions/],
    ['{"or": [{"=": [1, 1]}, 3]}', /filter\.or\[1\]: an expression is an object/],
    ['{"not": {"like": [1, 2]}}', /filter\.not: unknown operator "like"/],
    ['{"=": [{"source": "payload.threat"}, 1]}', /a source is "notification.<key>" or "account.id"/],
    ['{"=": [{"source": 3}, 1]}', /a source is/],
  ])("refuses %s", (text, problem) => {
    const check = checkFilters(text);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.problem).toMatch(problem);
  });
});
