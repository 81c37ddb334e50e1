import { describe, expect, it } from "vitest";
import {
  checkFilter,
  explainFilter,
  type FilterContext,
  MAX_FILTER_DEPTH,
  MAX_FILTER_NODES,
  matchesFilter,
} from "../../src/delivery/filters";

const OWN_ACCOUNT = "2";

// The send example of Alert Logic's Herald definition, with the fields the console filters on.
const incident: FilterContext = {
  accountId: "134249236",
  notificationData: {
    class: "web_attack_recon",
    threat_level: "high",
    attackers: ["78.0.0.0"],
    targets: ["192.0.0.0", "192.0.0.1", "192.0.0.02"],
    status: "open",
    escalated: true,
    schedule_id: "F6103D82-A358-1005-8001-0242AC110020",
    correlation_id: 42,
    nested: { depth: { value: "deep" } },
    nothing: null,
  },
  payload: { cid: 68450188, threat: "Medium", customer_name: "Albert Conglomerate" },
  assetData: { deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741", type: "host", tags: [{ key: "value" }] },
};

const source = (path: string) => ({ source: path });

type Case = [name: string, filter: Record<string, unknown> | null | undefined, expected: boolean];

describe("matchesFilter", () => {
  it.each<Case>([
    ["null matches everything", null, true],
    ["undefined matches everything", undefined, true],
    ["{} matches everything", {}, true],
  ])("%s", (_name, filter, expected) => {
    expect(matchesFilter(filter, incident)).toBe(expected);
  });

  // Shapes the Alert Logic console writes (al-magma-console notification forms, serialised by SQXQueryBuilder).
  it.each<Case>([
    ["threat level in the selected list", { in: [source("notification.threat_level"), ["critical", "high"]] }, true],
    ["threat level not in the selected list", { in: [source("notification.threat_level"), ["low", "medium"]] }, false],
    ["escalated = true", { "=": [source("notification.escalated"), true] }, true],
    [
      "schedule_id equality",
      { "=": [source("notification.schedule_id"), "F6103D82-A358-1005-8001-0242AC110020"] },
      true,
    ],
    ["another schedule", { "=": [source("notification.schedule_id"), "8BBC2DE2-A331-1005-8001-0242AC110002"] }, false],
    ["managed accounts: not(account.id = own)", { not: { "=": [source("account.id"), OWN_ACCOUNT] } }, true],
    ["own account excluded by not(account.id = own)", { not: { "=": [source("account.id"), "134249236"] } }, false],
    ["account.id in selected accounts", { in: [source("account.id"), ["134249236", "67000001"]] }, true],
    [
      "incident form: threat levels and escalated and managed accounts",
      {
        and: [
          { in: [source("notification.threat_level"), ["critical", "high"]] },
          { "=": [source("notification.escalated"), true] },
          { not: { "=": [source("account.id"), OWN_ACCOUNT] } },
        ],
      },
      true,
    ],
    [
      "health form: status or-group, account list, asset group",
      {
        and: [
          { or: [{ in: [source("notification.agent_status"), ["offline"]] }] },
          { in: [source("account.id"), ["134249236"]] },
          {
            or: [
              {
                and: [
                  { "=": [source("asset.deployment_id"), "1E20CE42-0BED-44A1-943F-EAE900C01741"] },
                  { "=": [source("asset.type"), "host"] },
                ],
              },
            ],
          },
        ],
      },
      false,
    ],
  ])("%s", (_name, filter, expected) => {
    expect(checkFilter(filter)).toEqual({ ok: true });
    expect(matchesFilter(filter, incident)).toBe(expected);
  });

  it.each<Case>([
    ["= equal strings", { "=": [source("notification.status"), "open"] }, true],
    ["= different strings", { "=": [source("notification.status"), "closed"] }, false],
    ["= is case-sensitive", { "=": [source("notification.status"), "OPEN"] }, false],
    ["= number", { "=": [source("payload.cid"), 68450188] }, true],
    ["= never coerces: '68450188' is not 68450188", { "=": [source("payload.cid"), "68450188"] }, false],
    ["= never coerces: 'true' is not true", { "=": [source("notification.escalated"), "true"] }, false],
    ["= never coerces: 1 is not true", { "=": [source("notification.escalated"), 1] }, false],
    ["= null field equals null", { "=": [source("notification.nothing"), null] }, true],
    ["= arrays compare deeply", { "=": [source("notification.attackers"), ["78.0.0.0"]] }, true],
    [
      "= arrays compare in order",
      { "=": [source("notification.targets"), ["192.0.0.1", "192.0.0.0", "192.0.0.02"]] },
      false,
    ],
    ["= two sources", { "=": [source("payload.threat"), source("payload.threat")] }, true],
    ["= literal on the left", { "=": ["open", source("notification.status")] }, true],
    ["= two literals", { "=": [1, 1] }, true],
    ["!= different", { "!=": [source("notification.status"), "closed"] }, true],
    ["!= equal", { "!=": [source("notification.status"), "open"] }, false],
    ["!= across types", { "!=": [source("payload.cid"), "68450188"] }, true],
    ["dotted path into nested objects", { "=": [source("notification.nested.depth.value"), "deep"] }, true],
    ["array index in a path", { "=": [source("notification.targets.1"), "192.0.0.1"] }, true],
    ["payload source", { "=": [source("payload.customer_name"), "Albert Conglomerate"] }, true],
    ["asset_data source", { "=": [source("asset_data.deployment_id"), "1E20CE42-0BED-44A1-943F-EAE900C01741"] }, true],
    ["asset source (console health form) reads asset_data", { "=": [source("asset.type"), "host"] }, true],
    ["in: scalar in list", { in: [source("notification.status"), ["open", "closed"]] }, true],
    ["in: number vs string list", { in: [source("notification.correlation_id"), ["42"]] }, false],
    ["in: number in number list", { in: [source("notification.correlation_id"), [41, 42]] }, true],
    ["in: empty list", { in: [source("notification.status"), []] }, false],
    ["in: any element of an array field", { in: [source("notification.targets"), ["10.0.0.1", "192.0.0.1"]] }, true],
    ["in: no element of an array field", { in: [source("notification.attackers"), ["10.0.0.1"]] }, false],
    ["in: literal left", { in: ["a", ["a", "b"]] }, true],
    ["in: null in list", { in: [source("notification.nothing"), [null]] }, true],
    ["and: all true", { and: [{ "=": [1, 1] }, { "=": [2, 2] }] }, true],
    ["and: one false", { and: [{ "=": [1, 1] }, { "=": [1, 2] }] }, false],
    ["or: one true", { or: [{ "=": [1, 2] }, { "=": [2, 2] }] }, true],
    ["or: none true", { or: [{ "=": [1, 2] }, { "=": [2, 3] }] }, false],
    ["not: object form", { not: { "=": [1, 2] } }, true],
    ["not: array form", { not: [{ "=": [1, 2] }] }, true],
    ["not not", { not: { not: { "=": [1, 1] } } }, true],
    [
      "nested and/or/not",
      {
        or: [
          { and: [{ "=": [source("notification.status"), "closed"] }, { "=": [1, 1] }] },
          {
            and: [
              { not: { in: [source("notification.threat_level"), ["low"]] } },
              { "!=": [source("payload.cid"), 0] },
            ],
          },
        ],
      },
      true,
    ],
  ])("%s", (_name, filter, expected) => {
    expect(checkFilter(filter)).toEqual({ ok: true });
    expect(matchesFilter(filter, incident)).toBe(expected);
  });

  describe("a missing source is undefined", () => {
    it.each<Case>([
      ["= missing field is false", { "=": [source("notification.missing"), "x"] }, false],
      ["= missing field is not null", { "=": [source("notification.missing"), null] }, false],
      ["= two missing fields are not equal", { "=": [source("notification.a"), source("notification.b")] }, false],
      ["!= missing field is true", { "!=": [source("notification.missing"), "x"] }, true],
      ["in: missing field is false", { in: [source("notification.missing"), ["x", null]] }, false],
      ["path through a string", { "=": [source("notification.status.length"), 4] }, false],
      ["path past an array's end", { "=": [source("notification.attackers.5"), "78.0.0.0"] }, false],
      ["array length is not a data field", { "=": [source("notification.attackers.length"), 1] }, false],
      ["no prototype lookups", { "=": [source("notification.constructor"), source("payload.constructor")] }, false],
      ["__proto__ is not a field", { "!=": [source("notification.__proto__"), null] }, true],
      ["not of a missing comparison", { not: { "=": [source("notification.missing"), "x"] } }, true],
    ])("%s", (_name, filter, expected) => {
      expect(checkFilter(filter)).toEqual({ ok: true });
      expect(matchesFilter(filter, incident)).toBe(expected);
    });

    it("reads nothing from empty data", () => {
      const empty: FilterContext = { accountId: "1", notificationData: {}, payload: {}, assetData: {} };
      expect(matchesFilter({ in: [source("notification.threat_level"), ["high"]] }, empty)).toBe(false);
      expect(matchesFilter({ "=": [source("account.id"), "1"] }, empty)).toBe(true);
    });
  });

  it.each<[name: string, filter: unknown]>([
    ["unknown operator", { like: [source("notification.status"), "o%"] }],
    ["two operator keys", { "=": [1, 1], "!=": [1, 2] }],
    ["empty expression inside or", { or: [{}] }],
    ["string filter", "notification.status = open"],
    ["array filter", [{ "=": [1, 1] }]],
    ["bad source prefix", { "=": [source("account.name"), "x"] }],
    ["wrong arity", { "=": [source("notification.status")] }],
    ["operand that is an expression", { "=": [{ "=": [1, 1] }, true] }],
    ["not of nothing", { not: [] }],
  ])("returns false (never throws) for a malformed filter: %s", (_name, filter) => {
    expect(checkFilter(filter).ok).toBe(false);
    expect(matchesFilter(filter as Record<string, unknown>, incident)).toBe(false);
    // Not even when negated: a broken filter matches nothing rather than everything.
    expect(matchesFilter({ not: { and: [filter] } }, incident)).toBe(false);
  });
});

describe("checkFilter", () => {
  it.each<[name: string, filter: unknown]>([
    ["null", null],
    ["undefined", undefined],
    ["empty object", {}],
    ["the Herald definition's example", { "=": [source("notification.schedule_id"), "F6103D82"] }],
    ["a list of mixed scalars", { in: [source("payload.cid"), [1, "1", true, null]] }],
    ["an array literal", { "=": [source("notification.attackers"), ["78.0.0.0", ["nested"]]] }],
    ["account.id", { "=": [source("account.id"), "2"] }],
  ])("accepts %s", (_name, filter) => {
    expect(checkFilter(filter)).toEqual({ ok: true });
  });

  it.each<[name: string, filter: unknown, path: string, reason: RegExp]>([
    ["a string", "status = open", "", /one operator/],
    ["an array", [], "", /one operator/],
    ["a number", 3, "", /one operator/],
    ["two operator keys", { "=": [1, 1], in: [1, [1]] }, "", /exactly one operator key, found 2/],
    ["an empty nested expression", { and: [{ "=": [1, 1] }, {}] }, "and.1", /exactly one operator key, found 0/],
    ["an unknown operator", { and: [{ ">": [source("payload.cid"), 1] }] }, "and.0.>", /not a known operator/],
    ["= with one operand", { "=": [source("notification.status")] }, "=", /two operands/],
    ["= with three operands", { "=": [1, 2, 3] }, "=", /two operands/],
    ["!= with an object", { "!=": { a: 1 } }, "!=", /two operands/],
    ["in without a list", { in: [source("notification.status"), "open"] }, "in.1", /array of values/],
    ["in with one operand", { in: [source("notification.status")] }, "in", /operand and a list/],
    ["in with an object in the list", { in: [source("account.id"), ["1", { id: "2" }]] }, "in.1.1", /string, number/],
    ["in with a source in the list", { in: ["1", [source("account.id")]] }, "in.1.0", /string, number/],
    ["and with no operands", { and: [] }, "and", /non-empty array/],
    ["or that is not an array", { or: { "=": [1, 1] } }, "or", /non-empty array/],
    ["not with two operands", { not: [{ "=": [1, 1] }, { "=": [1, 1] }] }, "not", /one expression/],
    ["not of a scalar", { not: true }, "not", /one operator/],
    [
      "a deep wrong operand",
      { or: [{ and: [{ not: { "=": [1, source("nope.x")] } }] }] },
      "or.0.and.0.not.=.1.source",
      /must be account.id/,
    ],
    ["a source that is not a string", { "=": [{ source: 42 }, 1] }, "=.0.source", /must be a string/],
    ["a source with extra keys", { "=": [{ source: "payload.a", default: 1 }, 1] }, "=.0", /source/],
    ["an object literal", { "=": [source("payload.a"), { a: 1 }] }, "=.1", /JSON value or \{"source"/],
    ["account.<other>", { "=": [source("account.name"), "x"] }, "=.0.source", /must be account.id/],
    ["a bare prefix", { "=": [source("notification"), "x"] }, "=.0.source", /must be account.id/],
    ["an empty path after the prefix", { "=": [source("payload."), "x"] }, "=.0.source", /must be account.id|empty/],
    ["an empty path segment", { "=": [source("payload.a..b"), "x"] }, "=.0.source", /empty path segments/],
    [
      "notification_data prefix",
      { "=": [source("notification_data.status"), "x"] },
      "=.0.source",
      /must be account.id/,
    ],
  ])("rejects %s at filters.%s", (_name, filter, path, reason) => {
    const result = checkFilter(filter);
    expect(result).toMatchObject({ ok: false, path });
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it("rejects nesting deeper than the limit, at the first level too deep", () => {
    let filter: Record<string, unknown> = { "=": [1, 1] };
    for (let level = 1; level < MAX_FILTER_DEPTH; level++) filter = { not: filter };
    expect(checkFilter(filter)).toEqual({ ok: true });

    const tooDeep = { not: filter };
    const result = checkFilter(tooDeep);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/deeper than 32/) });
    if (!result.ok) expect(result.path.split(".").every((segment) => segment === "not" || segment === "=")).toBe(true);
    expect(matchesFilter(tooDeep, incident)).toBe(false);
  });

  it("rejects deeply nested array literals without overflowing the stack", () => {
    let literal: unknown = 1;
    for (let level = 0; level < 10_000; level++) literal = [literal];
    expect(checkFilter({ "=": [source("payload.cid"), literal] })).toMatchObject({ ok: false });
  });

  it("rejects filters with more nodes than the limit", () => {
    const withinLimit = { in: [source("account.id"), Array.from({ length: MAX_FILTER_NODES - 3 }, (_, i) => `${i}`)] };
    expect(checkFilter(withinLimit)).toEqual({ ok: true });
    const tooBig = { in: [source("account.id"), Array.from({ length: MAX_FILTER_NODES }, (_, i) => `${i}`)] };
    expect(checkFilter(tooBig)).toEqual({ ok: false, path: "", reason: "has more than 1000 nodes" });
    const wide = { or: Array.from({ length: 400 }, () => ({ "=": [source("account.id"), "1"] })) };
    expect(checkFilter(wide)).toMatchObject({ ok: false, path: "" });
  });

  it("accepts JSON parsed from a request body, including a __proto__ key as an unknown operator", () => {
    expect(checkFilter(JSON.parse('{"and":[{"=":[{"source":"account.id"},"1"]}]}'))).toEqual({ ok: true });
    expect(checkFilter(JSON.parse('{"__proto__":[1,1]}'))).toMatchObject({ ok: false, path: "__proto__" });
  });
});

describe("matchesFilter on data it cannot compare", () => {
  it("returns false instead of throwing on absurdly deep notification data", () => {
    let deep: unknown = "leaf";
    for (let level = 0; level < 200_000; level++) deep = [deep];
    const context: FilterContext = { ...incident, payload: { deep }, notificationData: { deep } };
    const filter = { "=": [source("payload.deep"), source("notification.deep")] };
    expect(checkFilter(filter)).toEqual({ ok: true });
    expect(() => matchesFilter(filter, context)).not.toThrow();
  });
});

describe("explainFilter", () => {
  const high = { "=": [source("notification.threat_level"), "high"] };
  const low = { "=": [source("notification.threat_level"), "low"] };
  const closed = { "=": [source("notification.status"), "closed"] };

  it.each<[string, Record<string, unknown> | null]>([
    ["no filter", null],
    ["a matching clause", high],
    ["a failing clause", low],
    ["and with a failing operand", { and: [high, low] }],
    ["or with a matching operand", { or: [low, high] }],
    ["or of failing operands", { or: [low, closed] }],
    ["not of a matching clause", { not: high }],
    ["not of an and that matches", { not: { and: [high, { in: [source("notification.attackers"), ["78.0.0.0"]] }] } }],
    ["a malformed filter", { nope: 1 }],
  ])("agrees with matchesFilter: %s", (_name, filter) => {
    expect(explainFilter(filter, incident) === undefined).toBe(matchesFilter(filter, incident));
  });

  it("names the failing clause of an and, with the values compared", () => {
    expect(
      explainFilter({ and: [high, { in: [source("notification.status"), ["closed", "resolved"]] }] }, incident),
    ).toEqual([
      {
        clause: "and.1.in",
        operator: "in",
        leftSource: "notification.status",
        left: "open",
        right: ["closed", "resolved"],
      },
    ]);
  });

  it("names every operand of a failed or, and leaves out a missing value", () => {
    expect(explainFilter({ or: [low, { "=": [source("payload.absent"), source("account.id")] }] }, incident)).toEqual([
      { clause: "or.0.=", operator: "=", leftSource: "notification.threat_level", left: "high", right: "low" },
      { clause: "or.1.=", operator: "=", leftSource: "payload.absent", rightSource: "account.id", right: "134249236" },
    ]);
  });

  it("blames the clauses that matched under a not", () => {
    expect(explainFilter({ not: { and: [high, { "!=": [source("payload.threat"), "Low"] }] } }, incident)).toEqual([
      {
        clause: "not.and.0.=",
        operator: "=",
        leftSource: "notification.threat_level",
        left: "high",
        right: "high",
        negated: true,
      },
      {
        clause: "not.and.1.!=",
        operator: "!=",
        leftSource: "payload.threat",
        left: "Medium",
        right: "Low",
        negated: true,
      },
    ]);
  });

  it("calls an unreadable filter malformed", () => {
    expect(explainFilter({ nope: 1 }, incident)).toEqual([{ clause: "", operator: "malformed" }]);
  });
});
