// jq conversion on the seed's notification types: the README's programs and what they make of each document. The
// golden files fix the bodies receivers get; the checks beside them hold the values, so a regression fails even when
// the goldens are re-recorded.
import { notification } from "@herald/contracts/alertlogic-examples";
import { describe, expect, it } from "vitest";
import { JQ_LIMITS } from "../../src/delivery/jq/sandbox";
import { checkJqProgram, convertWithJq, JQ_STRIKES, TemplateError } from "../../src/delivery/payload-conversion";
import { documentOf, healthView, reportView } from "./channel-views";

const incident = { ...structuredClone(notification), type: "incidents/alerts" };
const report = documentOf(reportView());
const health = documentOf(healthView());

// The README's example and its table, in the same words.
const TICKET =
  '{summary: "\\(.notification_data.threat_level) incident \\(.payload.long_incident_id)", ' +
  'priority: (if .notification_data.threat_level == "high" then 1 elif .notification_data.threat_level == "medium" ' +
  'then 2 else 3 end), attackers: (.notification_data.attackers // [] | join(", ")), ' +
  "customer: {id: (.payload.cid | tonumber), name: .payload.customer_name}}";
const CHAT = '{text: "[\\(.type)] \\(.payload.attack_summary // .payload.summary // "notification \\(.id)")"}';
const RENAMED = ".payload | with_entries(.key |= ascii_upcase)";
const PER_ATTACKER =
  ".payload.long_incident_id as $incident | [.notification_data.attackers[]? | {ip: ., incident: $incident}]";
const FILES = "{report: .payload.report_name, files: [.attachments[] | {name, url}]}";
const BASE64 = "{data: (.payload | tojson | @base64)}";
const TOTALS =
  "{events: (.payload.events // [] | length), sum: (reduce (.payload.events // [])[] as $e (0; . + ($e.count // 0)))}";

async function convert(program: string, document: unknown): Promise<string> {
  const result = await convertWithJq(program, document);
  if (!result.ok) throw new Error(result.reason);
  return result.body;
}

describe("golden jq conversions of the seed's notification types", () => {
  it("incidents/alerts: the README's ticket", async () => {
    const body = await convert(TICKET, incident);
    await expect(body).toMatchFileSnapshot("./__golden__/jq-conversion/incidents-alerts-ticket.json");
    expect(JSON.parse(body)).toEqual({
      summary: "high incident longeyeisid",
      priority: 1,
      attackers: "78.0.0.0",
      customer: { id: 68450188, name: "Albert Conglomerate" },
    });
  });

  it("incidents/alerts: a chat message, one entry per attacker, base64", async () => {
    expect(JSON.parse(await convert(CHAT, incident))).toEqual({
      text: `[incidents/alerts] ${notification.payload.attack_summary}`,
    });
    expect(JSON.parse(await convert(PER_ATTACKER, incident))).toEqual([{ ip: "78.0.0.0", incident: "longeyeisid" }]);
    const encoded = JSON.parse(await convert(BASE64, incident)).data;
    expect(JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0))))).toEqual(
      notification.payload,
    );
  });

  it("report/scheduled: its files", async () => {
    const body = await convert(FILES, report);
    await expect(body).toMatchFileSnapshot("./__golden__/jq-conversion/report-scheduled-files.json");
    expect(JSON.parse(body)).toEqual({
      report: "Weekly threat summary",
      files: [
        {
          name: "weekly-threat-summary.pdf",
          url: "https://reports.example.com/r/F6103D82/weekly-threat-summary.pdf",
        },
        { name: "weekly-threat-summary.csv", url: "https://reports.example.com/r/F6103D82/weekly-threat-summary.csv" },
      ],
    });
    expect(JSON.parse(await convert(CHAT, report))).toEqual({
      text: "[report/scheduled] The weekly threat summary for 23 February to 1 March is ready.",
    });
  });

  it("health/alerts: renamed keys, and totals over a missing list", async () => {
    const body = await convert(RENAMED, health);
    await expect(body).toMatchFileSnapshot("./__golden__/jq-conversion/health-alerts-renamed.json");
    const renamed = JSON.parse(body);
    expect(renamed.SUMMARY).toBe("Appliance ids-appliance-01 has sent no data for 15 minutes");
    expect(Object.keys(renamed).every((key) => key === key.toUpperCase())).toBe(true);
    expect(JSON.parse(await convert(TOTALS, health))).toEqual({ events: 0, sum: 0 });
    expect(
      JSON.parse(await convert(TOTALS, { payload: { events: [{ count: 2 }, { count: 5 }, { other: 1 }] } })),
    ).toEqual({ events: 3, sum: 7 });
  });

  it("the other seed types: incidents/notification, observations, scheduled Tableau reports and searches", async () => {
    const at = Math.floor(Date.parse("2026-03-02T08:00:00.000Z") / 1000);
    const base = { account_id: "12345678", asset_data: {}, status: "dispatched", created: { at, by: "producer" } };
    const documents = {
      "incidents/notification": { ...structuredClone(notification), type: "incidents/notification" },
      "observations/notification": {
        ...base,
        id: "0B9F5E4C-5E1B-4B8E-9E59-2E6C1D0A7F31",
        type: "observations/notification",
        notification_data: { correlation_id: "6A4B7C2D-1E3F-4A5B-8C9D-0E1F2A3B4C5D", threat_level: "medium" },
        payload: { attack_summary: "Suspicious PowerShell from 10.0.4.17", correlation_id: "6A4B7C2D" },
        attachments: [],
      },
      "tableau/notifications": {
        ...base,
        id: "3E7A1C90-4B2D-4F6E-9A8B-7C6D5E4F3A2B",
        type: "tableau/notifications",
        notification_data: { schedule_id: "F6103D82-A358-1005-8001-0242AC110020" },
        payload: { report_name: "Weekly threat summary", cadence: "weekly, Monday 08:00 UTC" },
        attachments: [{ name: "threat-summary.pdf", url: "https://reports.example.com/threat-summary.pdf" }],
      },
      "search/notifications": {
        ...base,
        id: "8D2C4B6A-1F3E-4D5C-9B7A-6E5F4D3C2B1A",
        type: "search/notifications",
        notification_data: { schedule_id: "A1B2C3D4-0000-4000-8000-000000000001" },
        payload: { search_name: "Failed logins by host", row_count: 42 },
        attachments: [{ name: "failed-logins.csv", url: "https://reports.example.com/failed-logins.csv" }],
      },
    };
    const program =
      '{title: "\\(.type): \\(.payload.attack_summary // .payload.report_name // .payload.search_name)", ' +
      "rule: .notification_data.correlation_id, schedule: .notification_data.schedule_id, " +
      "files: [.attachments[]? | .url]}";
    const bodies: Record<string, unknown> = {};
    for (const [type, document] of Object.entries(documents))
      bodies[type] = JSON.parse(await convert(program, document));
    await expect(JSON.stringify(bodies, null, 2)).toMatchFileSnapshot(
      "./__golden__/jq-conversion/other-seed-types.json",
    );
    expect(bodies).toEqual({
      "incidents/notification": {
        title: `incidents/notification: ${notification.payload.attack_summary}`,
        rule: null,
        schedule: null,
        files: notification.attachments.map((attachment: { url: string }) => attachment.url),
      },
      "observations/notification": {
        title: "observations/notification: Suspicious PowerShell from 10.0.4.17",
        rule: "6A4B7C2D-1E3F-4A5B-8C9D-0E1F2A3B4C5D",
        schedule: null,
        files: [],
      },
      "tableau/notifications": {
        title: "tableau/notifications: Weekly threat summary",
        rule: null,
        schedule: "F6103D82-A358-1005-8001-0242AC110020",
        files: ["https://reports.example.com/threat-summary.pdf"],
      },
      "search/notifications": {
        title: "search/notifications: Failed logins by host",
        rule: null,
        schedule: "A1B2C3D4-0000-4000-8000-000000000001",
        files: ["https://reports.example.com/failed-logins.csv"],
      },
    });
  });

  it("what jq itself answers for the common forms", async () => {
    const cases: Array<[string, unknown, unknown]> = [
      ['.payload.missing // "none"', { payload: {} }, "none"],
      ["[.[] | select(. > 1)]", [1, 2, 3], [2, 3]],
      ["[.[1:], .[:1], .[-1:]]", [1, 2, 3], [[2, 3], [1], [3]]],
      ["[limit(3; range(1e8))]", null, [0, 1, 2]],
      [". as $x | reduce range(4) as $i (0; . + $i * $x)", 2, 12],
      ["tostring", { a: [1] }, '{"a":[1]}'],
      ["@base64", "héllo", "aMOpbGxv"],
      ['"\\(.a) and \\(.b)"', { a: 1, b: "two" }, "1 and two"],
      ['if . then "yes" else "no" end', false, "no"],
      ['to_entries | map("\\(.key)=\\(.value)") | join("&")', { a: 1, b: 2 }, "a=1&b=2"],
      ["[paths] | length", { a: { b: 1 } }, 2],
      ["keys", { b: 1, a: 2, B: 3 }, ["B", "a", "b"]],
      ["[.[]?]", { a: null, b: 1 }, [null, 1]],
      ["[.[] | ascii_downcase?]", ["A", 1, null], ["a"]],
    ];
    for (const [program, input, expected] of cases)
      expect(JSON.parse(await convert(program, input)), program).toEqual(expected);
  });
});

describe("checking a jq program when saved", () => {
  async function problem(program: string): Promise<string> {
    try {
      await checkJqProgram(program);
    } catch (error) {
      if (error instanceof TemplateError) return error.message;
      throw error;
    }
    throw new Error("compiled");
  }

  it("names a syntax error with its position", async () => {
    expect(await problem("{")).toBe("does not compile: unexpected <end-of-program> at 1:2 in object at 1:1");
  });

  it("names a function the engine does not have", async () => {
    expect(await problem('strftime("%Y")')).toContain("strftime/1");
  });

  it("refuses a lone surrogate and an empty program before compiling", async () => {
    expect(await problem('"\uD800"')).toContain("lone surrogate");
    expect(await problem("  ")).toBe("is empty");
  });

  it("accepts a program that compiles, even one that would loop: limits are for runs", async () => {
    await expect(checkJqProgram("def f: f; f")).resolves.toBeUndefined();
    await expect(checkJqProgram(TICKET)).resolves.toBeUndefined();
  });

  it("a jq string escape for a lone surrogate is data: the body escapes it", async () => {
    expect(await convert('{a: "\\ud800"}', null)).toBe('{"a":"\\ud800"}');
  });
});

describe("a program that keeps reaching its limits", () => {
  it("is suspended for its account after JQ_STRIKES.limit runs in a row, then runs again", async () => {
    let clock = 1_000_000;
    const now = () => clock;
    const program = `def f${crypto.randomUUID().slice(0, 8)}: [.]; def loop: loop; loop`;
    const mine = { account_id: "1111" };
    for (let run = 0; run < JQ_STRIKES.limit; run++) {
      const result = await convertWithJq(program, mine, JQ_LIMITS, now);
      expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("stack limit") });
    }
    const started = performance.now();
    const suspended = await convertWithJq(program, mine, JQ_LIMITS, now);
    expect(suspended).toEqual({
      ok: false,
      reason: expect.stringMatching(/^payload_template: not run: the jq program reached its limits 3 times in a row/),
    });
    expect(performance.now() - started).toBeLessThan(50);
    // Another account's identical program is its own.
    const theirs = await convertWithJq(program, { account_id: "2222" }, JQ_LIMITS, now);
    expect(theirs).toMatchObject({ ok: false, reason: expect.stringContaining("stack limit") });
    // After the suspension it runs (and is stopped) again.
    clock += JQ_STRIKES.suspendMs;
    const again = await convertWithJq(program, mine, JQ_LIMITS, now);
    expect(again).toMatchObject({ ok: false, reason: expect.stringContaining("stack limit") });
  });

  it("is not suspended for errors of its own (a jq error is not a limit)", async () => {
    const program = '.a - "x"';
    for (let run = 0; run <= JQ_STRIKES.limit; run++) {
      const result = await convertWithJq(program, { account_id: "3333", a: 1 }, JQ_LIMITS);
      expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("cannot be subtracted") });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).not.toContain("not run");
    }
  });
});
