import { notification } from "@herald/contracts/alertlogic-examples";
import { describe, expect, it } from "vitest";
import {
  convertPayload,
  jsonTemplate,
  MAX_CONVERTED_BYTES,
  MAX_TEMPLATE_LENGTH,
  TemplateError,
} from "../../src/delivery/payload-conversion";
import { documentOf, healthView, reportView } from "./channel-views";

// Golden files fix what receivers get for the seed's notification types; the checks below hold the escaping and
// the limits, so a regression fails even when the goldens are re-recorded.

const incident = { ...structuredClone(notification), type: "incidents/alerts" };

const INCIDENT_TEMPLATE = `{
  "title": "{{notification_data.threat_level}} threat incident: {{payload.attack_summary}}",
  "incident": {{payload.long_incident_id}},
  "customer": {"id": {{payload.cid}}, "name": "{{payload.customer_name}}"},
  "attackers": {{notification_data.attackers}},
  "first_target": "{{notification_data.targets.0}}",
  "report": "{{payload.investigation_report}}",
  "tags": {{asset_data.tags}},
  "account": "{{account_id}}",
  "notification": "{{id}} ({{type}})",
  "ticket": null
}`;
const REPORT_TEMPLATE =
  '{"text": "Report {{payload.report_name}} ({{payload.cadence}}) is ready", ' +
  '"link": "{{attachments.0.url}}", "files": {{attachments}}, "schedule": "{{notification_data.schedule_id}}"}';
const HEALTH_TEMPLATE =
  '[{"summary": {{payload.summary}}, "status": "{{notification_data.status}}", ' +
  '"deployment": "{{asset_data.deployment_id}} / {{payload.deployment_name}}", "created_at": {{created.at}}}]';

function render(template: string, document: unknown): string {
  const result = jsonTemplate(template).render(document);
  if (!result.ok) throw new Error(result.reason);
  return result.body;
}

function compileError(template: string): string {
  try {
    jsonTemplate(template);
  } catch (error) {
    if (error instanceof TemplateError) return error.message;
    throw error;
  }
  throw new Error("compiled");
}

describe("golden conversions of the seed's notification types", () => {
  it("incidents/alerts (Alert Logic's example payload)", async () => {
    const body = render(INCIDENT_TEMPLATE, incident);
    await expect(body).toMatchFileSnapshot("./__golden__/payload-conversion/incidents-alerts.json");
    const parsed = JSON.parse(body);
    expect(parsed.title).toBe(`high threat incident: ${notification.payload.attack_summary}`);
    expect(parsed.incident).toBe("longeyeisid");
    expect(parsed.customer).toEqual({ id: 68450188, name: "Albert Conglomerate" });
    expect(parsed.attackers).toEqual(["78.0.0.0"]);
    expect(parsed.first_target).toBe("192.0.0.0");
    expect(parsed.report).toBe(notification.payload.investigation_report);
    expect(parsed.tags).toEqual([{ key: "value" }]);
    expect(parsed.notification).toBe(`${notification.id} (incidents/alerts)`);
  });

  it("report/scheduled", async () => {
    const body = render(REPORT_TEMPLATE, documentOf(reportView()));
    await expect(body).toMatchFileSnapshot("./__golden__/payload-conversion/report-scheduled.json");
    const parsed = JSON.parse(body);
    expect(parsed.text).toBe("Report Weekly threat summary (weekly) is ready");
    expect(parsed.link).toBe("https://reports.example.com/r/F6103D82/weekly-threat-summary.pdf");
    expect(parsed.files).toHaveLength(2);
  });

  it("health/alerts", async () => {
    const body = render(HEALTH_TEMPLATE, documentOf(healthView()));
    await expect(body).toMatchFileSnapshot("./__golden__/payload-conversion/health-alerts.json");
    expect(JSON.parse(body)).toEqual([
      {
        summary: "Appliance ids-appliance-01 has sent no data for 15 minutes",
        status: "offline",
        deployment: "1E20CE42-0BED-44A1-943F-EAE900C01741 / Production AWS",
        created_at: Math.floor(Date.parse("2026-03-02T09:15:30.250Z") / 1000),
      },
    ]);
  });
});

describe("the README's example", () => {
  it("renders Alert Logic's example incident as the README says", () => {
    const template =
      '{"title": "{{notification_data.threat_level}} incident: {{payload.attack_summary}}", ' +
      '"key": {{payload.long_incident_id}}, "attackers": {{notification_data.attackers}}, "account": "{{account_id}}"}';
    expect(render(template, incident)).toBe(
      '{"title": "high incident: Web server recon attack from 13.13.13.13\\n", "key": "longeyeisid", ' +
        '"attackers": ["78.0.0.0"], "account": "12345678"}',
    );
  });
});

describe("placeholder semantics", () => {
  const document = {
    id: "N1",
    type: "incidents/alerts",
    payload: { n: 3, yes: true, none: null, list: [1, "a"], obj: { k: "v" }, text: "hi" },
  };

  it("a whole value becomes the value's JSON; a missing field becomes null", () => {
    const body = render(
      '{"n": {{payload.n}}, "b": {{payload.yes}}, "z": {{payload.none}}, "l": {{payload.list}}, ' +
        '"o": {{payload.obj}}, "t": {{payload.text}}, "m": {{payload.missing}}, "deep": {{payload.text.x.y}}}',
      document,
    );
    expect(JSON.parse(body)).toEqual({
      n: 3,
      b: true,
      z: null,
      l: [1, "a"],
      o: { k: "v" },
      t: "hi",
      m: null,
      deep: null,
    });
  });

  it("inside a string: text as written, objects as their JSON, missing and null as nothing", () => {
    const body = render(
      '{"s": "{{payload.n}}|{{payload.yes}}|{{payload.none}}|{{payload.list}}|{{payload.obj}}|{{payload.text}}|{{payload.missing}}"}',
      document,
    );
    expect(JSON.parse(body).s).toBe('3|true||[1,"a"]|{"k":"v"}|hi|');
  });

  it("placeholders may be written with spaces and index arrays", () => {
    expect(JSON.parse(render('{"a": {{ payload.list.1 }}, "b": "{{  payload.list.0}}"}', document))).toEqual({
      a: "a",
      b: "1",
    });
  });

  it("reads own properties only: prototype names are missing fields", () => {
    const body = render(
      '{"a": {{payload.constructor}}, "b": "{{payload.__proto__}}", "c": {{payload.text.length}}}',
      document,
    );
    expect(JSON.parse(body)).toEqual({ a: null, b: "", c: null });
  });

  it("a template without placeholders is sent as written", () => {
    expect(render('{"fixed": [1, 2]}', document)).toBe('{"fixed": [1, 2]}');
  });

  it("escaped quotes in the template's strings do not confuse where placeholders stand", () => {
    const body = render('{"a": "say \\"{{payload.text}}\\" \\\\", "b": {{payload.n}}}', document);
    expect(JSON.parse(body)).toEqual({ a: 'say "hi" \\', b: 3 });
  });
});

describe("hostile data cannot break or inject into the JSON", () => {
  const hostile = [
    'quote " and "}, "admin": true, "x": "',
    "back\\slash \\u0041 \\",
    "new\nline\r\ttab \u0000 nul \u2028 separator",
    "braces }} {{id}} {{{payload.x}}}",
    "lone \uD800 surrogate and \uDFFF low",
    "emoji 🚨 and accents é",
  ];

  it.each(hostile)("a string value %j stays one string, as it was", (value) => {
    const document = { payload: { v: value, o: { v: value } } };
    const body = render(
      '{"in": "<{{payload.v}}>", "whole": {{payload.v}}, "obj": {{payload.o}}, "s": "{{payload.o}}"}',
      document,
    );
    const parsed = JSON.parse(body);
    expect(Object.keys(parsed)).toEqual(["in", "whole", "obj", "s"]);
    // Lone surrogates travel as \uXXXX escapes, so they come back as they were.
    expect(parsed.in).toBe(`<${value}>`);
    expect(parsed.whole).toBe(value);
    expect(parsed.obj).toEqual({ v: value });
    expect(JSON.parse(parsed.s)).toEqual({ v: value });
    // Placeholders in data are never expanded.
    if (value.includes("{{id}}")) expect(body).toContain("{{id}}");
  });

  it("a lone surrogate in data is sent as an escape, so the body is valid UTF-8", () => {
    const body = render('{"v": "{{payload.v}}"}', { payload: { v: "a\uD800b" } });
    expect(body).toBe('{"v": "a\\ud800b"}');
    expect(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(new TextEncoder().encode(body))).toBe(
      body,
    );
  });

  it("a huge value fails with a clear reason instead of a huge body", () => {
    const big = "x".repeat(100_000);
    const result = jsonTemplate('{"a": [{{payload.big}}, {{payload.big}}, {{payload.big}}]}').render({
      payload: { big },
    });
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(
        new RegExp(`payload_template: the converted body is over ${MAX_CONVERTED_BYTES} bytes`),
      ),
    });
  });

  it("counts bytes, not characters: multi-byte text over the cap fails too", () => {
    const wide = "é".repeat(MAX_CONVERTED_BYTES / 2); // 2 bytes each: exactly the cap, plus the braces
    const result = jsonTemplate('{"a": {{payload.w}}}').render({ payload: { w: wide } });
    expect(result.ok).toBe(false);
    const fits = jsonTemplate('{"a": {{payload.w}}}').render({
      payload: { w: "é".repeat(MAX_CONVERTED_BYTES / 2 - 10) },
    });
    expect(fits.ok).toBe(true);
  });

  it("stops rendering once over the cap: a thousand huge placeholders do not build a huge string", () => {
    const template = `[${Array.from({ length: 1_000 }, () => "{{payload.big}}").join(",")}]`;
    const started = performance.now();
    const result = jsonTemplate(template).render({ payload: { big: "y".repeat(200_000) } });
    expect(result.ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("templates refused when saved", () => {
  it.each([
    ['{"a": {{payload.x}}', "not valid JSON"],
    ['{"a": "{{payload.x}}"', "not valid JSON"],
    ["{{payload.x}}: 1", "not valid JSON"],
    ["{ {{payload.key}}: 1 }", "not valid JSON"],
    ['{"a": "raw\nnewline"}', "not valid JSON"],
    ['{"a": {{payload.x}', "has no closing }}"],
    ['{"a": {{}}}', "is not a field path"],
    ['{"a": {{payload x}}}', "is not a field path"],
    ['{"a": {{#payload.list}}1{{/payload.list}}}', "is not a field path"],
    ['{"a": {{{payload.x}}}}', "is not a field path"],
    ['{"a": {{payload..x}}}', "is not a field path"],
    ['{"a": "\uD800"}', "lone surrogate"],
    ['{"a": "\uDC00x"}', "lone surrogate"],
    ["", "not valid JSON"],
  ])("%j: %s", (template, problem) => {
    expect(compileError(template)).toContain(problem);
  });

  it("refuses a template over the length limit and one with too many placeholders", () => {
    expect(compileError(`"${"x".repeat(MAX_TEMPLATE_LENGTH)}"`)).toContain("characters long");
    expect(compileError(`[${Array.from({ length: 1_001 }, () => "{{id}}").join(",")}]`)).toContain("placeholders");
  });

  it("a well-formed surrogate pair in the template is fine", () => {
    expect(JSON.parse(render('{"a": "🚨 {{id}}"}', { id: "X" }))).toEqual({ a: "🚨 X" });
  });
});

describe("convertPayload", () => {
  it("without json conversion sends the default body", async () => {
    const result = await convertPayload({}, incident, () => "DEFAULT");
    expect(result).toEqual({ ok: true, body: "DEFAULT" });
    expect(await convertPayload({ payload_conversion_type: "default" }, incident, () => "D")).toEqual({
      ok: true,
      body: "D",
    });
  });

  it("with json conversion sends the template's rendering", async () => {
    const result = await convertPayload(
      { payload_conversion_type: "json", payload_template: '{"id": {{id}}}' },
      incident,
      () => "DEFAULT",
    );
    expect(result).toEqual({ ok: true, body: `{"id": "${notification.id}"}` });
  });

  it("a stored template that does not compile fails permanently with the reason", async () => {
    const result = await convertPayload(
      { payload_conversion_type: "json", payload_template: "{" },
      incident,
      () => "D",
    );
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("payload_template is not valid JSON") });
  });

  it("with jq conversion sends the program's one value", async () => {
    const result = await convertPayload(
      { payload_conversion_type: "jq", payload_template: "{id, type}" },
      incident,
      () => "DEFAULT",
    );
    expect(result).toEqual({ ok: true, body: JSON.stringify({ id: notification.id, type: "incidents/alerts" }) });
  });

  it("a stored jq program that fails says why, permanently", async () => {
    const result = await convertPayload({ payload_conversion_type: "jq", payload_template: "{" }, incident, () => "D");
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(/^payload_template: unexpected <end-of-program>/),
    });
  });
});
