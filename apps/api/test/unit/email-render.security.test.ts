import { describe, expect, it } from "vitest";
import type { EmailView } from "../../src/delivery/email/render";
import { render, TEMPLATE_KEYS, withPayload } from "./email-render.setup";

// A producer's hostile values: escaped in HTML, never read as Mustache, and no template reaching beyond the data.

describe("HTML escaping", () => {
  const attack = "<script>alert('x')</script>";
  const hostileView = (): EmailView => {
    const view = withPayload({
      customer_name: attack,
      attack_summary: `${attack} & "quoted"`,
      incident_id: '"><img src=x onerror=alert(1)>',
      investigation_report: `<p>before</p>${attack}<p>after &lt;b&gt;</p>`,
    });
    view.account.name = attack;
    view.notification_data.attackers = [attack];
    view.attachments = [{ name: attack, description: attack, url: `https://example.com/"onmouseover="alert(1)` }];
    return view;
  };

  it.each([...TEMPLATE_KEYS, "unknown"])("%s escapes every value from the producer", (templateKey) => {
    const { html } = render({ templateKey, view: hostileView() });
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain('"onmouseover');
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
  });

  it("turns the investigation report's HTML into text, so markup the producer escaped reads as written", () => {
    const { html, text } = render({ view: hostileView() });
    expect(text).toContain("Investigation report:\nbefore\nafter <b>");
    expect(html).toContain("before\nafter &lt;b&gt;</div>");
  });

  it("keeps the plain-text part unescaped, as text", () => {
    const { text } = render({ view: hostileView() });
    expect(text).toContain(`Customer: ${attack}`);
    expect(text).toContain(`${attack} & "quoted"`);
    expect(text).not.toContain("&lt;");
  });
});

describe("template injection", () => {
  it("renders a value that looks like Mustache literally, in the subject and both bodies", () => {
    const view = withPayload({
      attack_summary: "{{account.id}} {{#payload}}x{{/payload}} {{> html_open}}",
      customer_name: "{{{payload.investigation_report}}}",
    });
    const email = render({ view });
    expect(email.subject).toBe("Medium Threat Incident : {{account.id}} {{#payload}}x{{/payload}} {{> html_open}}");
    expect(email.text).toContain("{{account.id}} {{#payload}}x{{/payload}} {{> html_open}}");
    expect(email.text).toContain("Customer: {{{payload.investigation_report}}}");
    expect(email.html).toContain("{{account.id}}");
    expect(email.html).toContain("{{{payload.investigation_report}}}");
    expect(email.html.match(/<!DOCTYPE html>/g)).toHaveLength(1);
  });

  it.each([
    "{{payload.constructor}}",
    "{{payload.constructor.constructor}}",
    "{{#payload.constructor}}x{{/payload.constructor}}",
    "{{#payload.hasOwnProperty}}x{{/payload.hasOwnProperty}}",
    "{{payload.__proto__}}",
    "{{payload.toString}}",
    "{{notification_data.attackers.map}}",
    "{{#notification_data.attackers.filter}}x{{/notification_data.attackers.filter}}",
    "{{#notification_data.attackers.constructor}}x{{/notification_data.attackers.constructor}}",
    "{{payload.customer_name.length}}",
    "{{constructor}}",
    "{{> html_open}}",
    "{{> constructor}}",
  ])("a subject template cannot reach beyond the data: %s", (subjectTemplate) => {
    expect(render({ subjectTemplate }).subject).toBe("Incidents");
  });

  it("reads arrays by index and length, and data fields named like Object methods", () => {
    const view = withPayload({ constructor: "own field", toString: "also own" });
    const subjectTemplate =
      "{{notification_data.targets.0}} of {{notification_data.targets.length}} {{payload.constructor}} {{payload.toString}}";
    expect(render({ view, subjectTemplate }).subject).toBe("192.0.0.0 of 3 own field also own");
  });
});
