import { sendNotificationRequest } from "@herald/contracts/alertlogic-examples";
import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/delivery/email/html-to-text";
import { type EmailView, MAX_SUBJECT_LENGTH, renderEmail } from "../../src/delivery/email/render";
import { EMAIL_TEMPLATES } from "../../src/delivery/email/templates";

// The "Send Notification Request Example" of Alert Logic's Herald definition (herald-contract.md §2.2.5), as the
// stored "Notification Example" (id, account) would be rendered.

function exampleView(): EmailView {
  return {
    account: { id: "12345678", name: "Albert Conglomerate" },
    notification: {
      id: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102",
      type: "incidents/alerts",
      created_at: "2018-01-30T00:51:52.000Z",
    },
    // Alert Logic's own send example, whose payload the incidents template was written for.
    notification_data: sendNotificationRequest.notification_data,
    asset_data: sendNotificationRequest.asset_data,
    payload: sendNotificationRequest.payload,
    attachments: sendNotificationRequest.attachments,
  };
}

const INCIDENT_SUBJECT = "{{payload.threat}} Threat Incident : {{payload.attack_summary}}";

function render(overrides: Partial<Parameters<typeof renderEmail>[0]> = {}) {
  return renderEmail({
    templateKey: "incidents_template",
    subjectTemplate: INCIDENT_SUBJECT,
    fallbackSubject: "Incidents",
    view: exampleView(),
    includeAttachments: true,
    ...overrides,
  });
}

function withPayload(payload: Record<string, unknown>, view = exampleView()): EmailView {
  return { ...view, payload: { ...view.payload, ...payload } };
}

const TEMPLATE_KEYS = Object.keys(EMAIL_TEMPLATES);

describe("renderEmail with Alert Logic's example notification", () => {
  it("has a template for each template key of the contract", () => {
    expect(TEMPLATE_KEYS.sort()).toEqual([
      "fim_report_template",
      "incidents_template",
      "log_review_created",
      "observation_template",
      "scheduled_report_template",
    ]);
  });

  it("renders the subject from the notification type's subject template", () => {
    expect(render().subject).toBe("Medium Threat Incident : Web server recon attack from 13.13.13.13");
  });

  it.each(TEMPLATE_KEYS)("%s renders the notification's key fields in HTML and text", (templateKey) => {
    const email = render({ templateKey });
    for (const body of [email.html, email.text]) {
      expect(body).toContain("Albert Conglomerate");
      expect(body).toContain("12345678");
      expect(body).toContain("3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102");
      expect(body).toContain("2018-01-30 00:51:52 UTC");
      expect(body).toContain("Web server recon attack from 13.13.13.13");
      expect(body).toContain("Manual deployment");
      expect(body).toContain("filename.png");
      expect(body).toContain("https://example.com/callback/url/info.png");
      expect(body).not.toContain("{{");
    }
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain(`<title>${email.subject}</title>`);
  });

  it("incidents_template shows threat, incident, attackers, targets, deployment and the investigation report", () => {
    const { html, text } = render();
    for (const body of [html, text]) {
      for (const expected of [
        "Medium",
        "eyeisid",
        "78.0.0.0",
        "192.0.0.0",
        "192.0.0.1",
        "192.0.0.02",
        "1E20CE42-0BED-44A1-943F-EAE900C01741",
        "network_ids",
        "Appliance Name or Id",
        "42.42.42.42",
        "31th Dec 1999 23:23:59 GMT",
        "Targeted Website: www.respectmyconglomerate.com",
        "Not XPath Injection - WebAppSec Page",
      ]) {
        expect(body).toContain(expected);
      }
    }
    expect(html).toContain("background-color:#ff8b00"); // the medium threat badge
    expect(text).toMatch(/^Medium threat incident\n\nWeb server recon attack from 13\.13\.13\.13\n/);
  });

  it("renders the investigation report's HTML as escaped text: no producer markup, no producer links", () => {
    const { html } = render();
    expect(html).not.toContain("<strong>");
    expect(html).not.toContain("<p><strong>");
    expect(html).not.toContain("jermey.broked.it");
    expect(html).toContain("XPath Injection\nLorem ipsum dolor sit amet.");
  });

  it("leaves out empty sections: no analyst notes when the list is empty, no escalation badge", () => {
    const { html, text } = render();
    expect(html).not.toContain("Analyst notes");
    expect(text).not.toContain("Analyst notes");
    expect(html).not.toContain("Escalated");
  });

  it("lists analyst notes sent as a JSON-encoded list, and marks escalated incidents", () => {
    const view = withPayload({ analyst_notes: JSON.stringify(["Blocked at the WAF", { note: "Customer informed" }]) });
    view.notification_data.escalated = true;
    const { html, text } = render({ view });
    expect(text).toContain("Analyst notes:\n- Blocked at the WAF\n- Customer informed\n");
    expect(html).toContain('<li style="margin:2px 0;">Customer informed</li>');
    expect(html).toContain("Escalated");
    expect(text).toContain("(escalated)");
  });

  it("renders a notification that carries nothing", () => {
    const view: EmailView = {
      account: { id: "1", name: "" },
      notification: { id: "n1", type: "incidents/alerts", created_at: "not a date" },
      notification_data: {},
      asset_data: {},
      payload: {},
      attachments: [],
    };
    for (const templateKey of [...TEMPLATE_KEYS, "unknown"]) {
      const email = renderEmail({ templateKey, subjectTemplate: INCIDENT_SUBJECT, view, includeAttachments: true });
      expect(email.subject).toBe("Threat Incident :");
      expect(email.html).toContain("not a date");
      expect(email.text).not.toContain("Attachments");
    }
  });
});

it("renders lists inside lists as JSON, and survives data too deep to print", () => {
  let deep: unknown = "leaf";
  for (let level = 0; level < 100_000; level++) deep = [deep];
  const view = withPayload({
    pairs: [
      ["a", 1],
      ["b", 2],
    ],
    deep,
    nested: { deep },
  });
  for (const templateKey of [...TEMPLATE_KEYS, "unknown"]) {
    const email = render({ templateKey, view, subjectTemplate: "{{payload.deep}}{{payload.nested}}" });
    expect(Array.from(email.subject).length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    if (templateKey !== "incidents_template") expect(email.text).toContain('Pairs: ["a",1], ["b",2]');
  }
});

describe("scheduled_report_template", () => {
  const report = (includeAttachments: boolean) =>
    renderEmail({
      templateKey: "scheduled_report_template",
      subjectTemplate: "Scheduled report: {{payload.report_name}}",
      view: {
        ...exampleView(),
        notification: { ...exampleView().notification, type: "tableau/notifications" },
        notification_data: { schedule_id: "F6103D82-A358-1005-8001-0242AC110020" },
        payload: { report_name: "Weekly threat summary", cadence: "weekly, Monday 08:00 UTC" },
        attachments: [
          { name: "threat-summary.pdf", url: "https://reports.example.com/threat-summary.pdf" },
          {
            name: "threat-summary.csv",
            description: "Raw data",
            url: "https://reports.example.com/threat-summary.csv",
          },
        ],
      },
      includeAttachments,
    });

  it("names the report and its cadence, and links the attachments", () => {
    const { subject, html, text } = report(true);
    expect(subject).toBe("Scheduled report: Weekly threat summary");
    expect(html).toContain("Weekly threat summary</h1>");
    expect(html).toContain("Runs weekly, Monday 08:00 UTC");
    expect(html).toContain(
      '<a href="https://reports.example.com/threat-summary.pdf" style="color:#0052cc;">threat-summary.pdf</a>',
    );
    expect(text).toContain("Scheduled report: Weekly threat summary\nRuns weekly, Monday 08:00 UTC\n");
    expect(text).toContain("- threat-summary.csv: https://reports.example.com/threat-summary.csv\n  Raw data\n");
    expect(text).toContain("Schedule id: F6103D82-A358-1005-8001-0242AC110020");
  });

  it("says the files are not included when the subscription leaves attachments out", () => {
    const { html, text } = report(false);
    expect(html).not.toContain("threat-summary.pdf");
    expect(text).not.toContain("threat-summary.pdf");
    expect(html).toContain("does not include the report files");
    expect(text).toContain("does not include the report files");
  });
});

describe("attachments", () => {
  it.each(TEMPLATE_KEYS)("%s lists them only when the subscription includes attachments", (templateKey) => {
    const withAttachments = render({ templateKey, includeAttachments: true });
    const without = render({ templateKey, includeAttachments: false });
    for (const body of [withAttachments.html, withAttachments.text]) {
      expect(body).toContain("This is an optional description for the attachment");
    }
    for (const body of [without.html, without.text]) {
      expect(body).not.toContain("filename.png");
      expect(body).not.toContain("example.com/callback");
      expect(body).not.toMatch(/Attachments/);
    }
  });

  it("links only http(s) URLs", () => {
    const view = exampleView();
    view.attachments = [
      { name: "evil", url: "javascript:alert(1)" },
      { name: "data", url: "data:text/html,<script>alert(1)</script>" },
      { name: "fine", url: "HTTPS://example.com/a.pdf" },
    ];
    const { html } = render({ view });
    expect(html).not.toContain('href="javascript');
    expect(html).not.toContain('href="data');
    expect(html).toContain("evil (javascript:alert(1))");
    expect(html).toContain('<a href="HTTPS://example.com/a.pdf"');
    expect(html).not.toContain("<script>");
  });
});

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

describe("template keys", () => {
  it.each(["unknown_template", "Incidents Template", "", "constructor", "__proto__", "toString"])(
    "%j falls back to the generic template",
    (templateKey) => {
      const { html, text } = render({ templateKey });
      expect(html).toContain("incidents/alerts notification</h1>");
      expect(text).toMatch(/^incidents\/alerts notification\n/);
      for (const body of [html, text]) {
        expect(body).toContain("Threat level");
        expect(body).toContain("web_attack_recon");
        expect(body).toContain("Customer name");
        expect(body).toContain("Deployment id");
        expect(body).toContain("Targeted Website: www.respectmyconglomerate.com");
        expect(body).toContain("filename.png");
      }
    },
  );
});

describe("htmlToText", () => {
  it.each([
    ["<p>one</p><p>two</p>", "one\ntwo"],
    ["a<br>b<br/>c<br />d", "a\nb\nc\nd"],
    ["<ul><li>x</li><li>y</li></ul>", "- x\n- y"],
    ["source\nline breaks are spaces", "source line breaks are spaces"],
    ["<b>bold</b> and <i>italic</i>", "bold and italic"],
    ["<script>alert(1)</script>kept<style>p{}</style>", "kept"],
    ["<!-- hidden -->shown", "shown"],
    ["&amp; &lt;b&gt; &quot;q&quot; &#39;s&#39; &#x41;&#66; &nbsp;x", "& <b> \"q\" 's' AB x"],
    ["&constructor; &unknown; &#0; &#x110000;", "&constructor; &unknown; &#0; &#x110000;"],
    ['<a href="https://evil.example">click</a>', "click"],
    ["<p>a</p>\n\n\n<p></p><p></p><p>b</p>", "a\n\nb"],
    ["plain text", "plain text"],
    ["", ""],
  ])("%j → %j", (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});
