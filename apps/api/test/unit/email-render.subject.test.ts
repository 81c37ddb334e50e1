import { describe, expect, it } from "vitest";
import { MAX_SUBJECT_LENGTH } from "../../src/delivery/email/render";
import { INCIDENT_SUBJECT, render, withPayload } from "./email-render.setup";

// The subject line: one line, cut to length, with its fall-backs.

describe("subject", () => {
  it("is not HTML-escaped", () => {
    const view = withPayload({ threat: "High & <Critical>", attack_summary: `"quoted" 'single'` });
    expect(render({ view }).subject).toBe(`High & <Critical> Threat Incident : "quoted" 'single'`);
  });

  it.each([
    ["CR/LF in a value", { attack_summary: "first\r\nBcc: victim@example.com" }, INCIDENT_SUBJECT],
    ["LF in a value", { attack_summary: "first\nBcc: victim@example.com" }, INCIDENT_SUBJECT],
    ["a bare CR", { attack_summary: "first\rBcc: victim@example.com" }, INCIDENT_SUBJECT],
    ["Unicode line separators", { attack_summary: "first\u2028Bcc: victim@example.com\u0085" }, INCIDENT_SUBJECT],
    ["CR/LF in the template", {}, "{{payload.threat}} Threat Incident : first\r\nBcc: victim@example.com"],
  ])("stays on one line with %s", (_name, payload, subjectTemplate) => {
    const { subject } = render({ view: withPayload(payload), subjectTemplate });
    expect(subject).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
    expect(subject).toBe("Medium Threat Incident : first Bcc: victim@example.com");
  });

  it("collapses tabs and runs of spaces, and trims", () => {
    const view = withPayload({ attack_summary: "\t lots   of\tspace \n" });
    expect(render({ view, subjectTemplate: "  {{payload.attack_summary}}  " }).subject).toBe("lots of space");
  });

  it(`is at most ${MAX_SUBJECT_LENGTH} characters, cut on a character boundary`, () => {
    const view = withPayload({ attack_summary: "🔥".repeat(400) });
    const { subject } = render({ view });
    expect(Array.from(subject)).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(subject.endsWith("…")).toBe(true);
    expect(subject).not.toMatch(/[\ud800-\udbff]…$/);
    const exact = "x".repeat(MAX_SUBJECT_LENGTH);
    expect(render({ subjectTemplate: exact }).subject).toBe(exact);
  });

  it.each([
    ["renders empty", "{{payload.nothing}}", "Incidents"],
    ["is only whitespace", " \r\n ", "Incidents"],
    ["has an unclosed section", "{{#payload.threat}} Threat", "Incidents"],
    ["has an unclosed tag", "{{payload.threat", "Incidents"],
    ["has a mismatched section", "{{#a}}{{/b}}", "Incidents"],
  ])("falls back to fallbackSubject when the template %s", (_name, subjectTemplate, expected) => {
    expect(render({ subjectTemplate }).subject).toBe(expected);
  });

  it("falls back to the notification type without a fallbackSubject", () => {
    expect(render({ subjectTemplate: "", fallbackSubject: undefined }).subject).toBe("incidents/alerts");
    expect(render({ subjectTemplate: "", fallbackSubject: " \n " }).subject).toBe("incidents/alerts");
  });

  it("cleans the fallback subject like any other", () => {
    expect(render({ subjectTemplate: "", fallbackSubject: "Incidents\r\nBcc: x@example.com" }).subject).toBe(
      "Incidents Bcc: x@example.com",
    );
  });

  it("can read every part of the view", () => {
    const subjectTemplate =
      "{{account.name}}|{{notification.type}}|{{notification_data.threat_level}}|{{asset_data.deployment_id}}|{{notification_data.targets}}|{{payload.cid}}";
    expect(render({ subjectTemplate }).subject).toBe(
      "Albert Conglomerate|incidents/alerts|high|1E20CE42-0BED-44A1-943F-EAE900C01741|192.0.0.0, 192.0.0.1, 192.0.0.02|68450188",
    );
  });
});
