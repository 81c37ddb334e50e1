import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/delivery/email/html-to-text";
import { type EmailView, MAX_SUBJECT_LENGTH, renderEmail } from "../../src/delivery/email/render";
import {
  exampleView,
  expectEachToContain,
  INCIDENT_SUBJECT,
  render,
  TEMPLATE_KEYS,
  withPayload,
} from "./email-render.setup";

// E-mails as the templates render them: Alert Logic's example notification in every template, attachments, the
// generic template's fall-back, and the investigation report's HTML as text.

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
    expectEachToContain(
      [email.html, email.text],
      [
        "Albert Conglomerate",
        "12345678",
        "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102",
        "2018-01-30 00:51:52 UTC",
        "Web server recon attack from 13.13.13.13",
        "Manual deployment",
        "filename.png",
        "https://example.com/callback/url/info.png",
      ],
    );
    expect(email.html).not.toContain("{{");
    expect(email.text).not.toContain("{{");
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain(`<title>${email.subject}</title>`);
  });

  it("incidents_template shows threat, incident, attackers, targets, deployment and the investigation report", () => {
    const { html, text } = render();
    expectEachToContain(
      [html, text],
      [
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
      ],
    );
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
    expectEachToContain(
      [withAttachments.html, withAttachments.text],
      ["This is an optional description for the attachment"],
    );
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

describe("template keys", () => {
  it.each(["unknown_template", "Incidents Template", "", "constructor", "__proto__", "toString"])(
    "%j falls back to the generic template",
    (templateKey) => {
      const { html, text } = render({ templateKey });
      expect(html).toContain("incidents/alerts notification</h1>");
      expect(text).toMatch(/^incidents\/alerts notification\n/);
      expectEachToContain(
        [html, text],
        [
          "Threat level",
          "web_attack_recon",
          "Customer name",
          "Deployment id",
          "Targeted Website: www.respectmyconglomerate.com",
          "filename.png",
        ],
      );
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
