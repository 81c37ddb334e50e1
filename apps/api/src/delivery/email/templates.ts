import type { TemplateKey } from "@herald/contracts";

// Mustache sources for notification e-mails, one per template key of the Herald contract. They render the view that
// render.ts builds:
//
//   subject                                   the e-mail's subject, already rendered
//   account.{id,name}, notification.{id,type,created_at}
//   notification_data.*, asset_data.*, payload.*      as the producer sent them
//   attachments[]: {name, description, url, link}     empty unless the subscription includes attachments; `link` is
//                                                     true only for http(s) URLs
//   display.created_at                        "2018-01-30 00:51:52 UTC"
//   display.threat, display.threat_color      payload.threat or notification_data.threat_level, and its badge colour
//   display.summary                           the producer's one-line summary (attack_summary, summary, ...)
//   display.attackers[], display.targets[], display.analyst_notes[]      lists of strings
//   display.investigation_report              payload.investigation_report as plain text (the producer sends HTML)
//   display.report_name, display.report_cadence
//   display.details[]: {title, fields[]: {label, value}}      every other field, grouped, for types without a layout
//
// Rules: only {{double}} mustaches (escaped) on anything the producer sent, never {{{triple}}} or {{&ampersand}};
// inline styles only, because mail clients drop <style>; no links except attachments.

export interface EmailTemplate {
  html: string;
  text: string;
}

const LABEL_STYLE = "padding:4px 12px 4px 0;color:#5e6c84;white-space:nowrap;vertical-align:top;";
const VALUE_STYLE = "padding:4px 0;vertical-align:top;word-break:break-word;";
const H1_STYLE = "margin:8px 0 12px;font-size:20px;line-height:1.3;font-weight:bold;";
const H2_STYLE = "margin:20px 0 8px;font-size:15px;font-weight:bold;";
const TABLE = '<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="font-size:14px;">';
const PRE_STYLE =
  "margin:0;padding:12px;background-color:#f4f5f7;border-radius:4px;white-space:pre-wrap;word-break:break-word;";

/** A table row for `path`, left out when the value is missing or empty. */
function htmlRow(label: string, path: string): string {
  return `{{#${path}}}<tr><td style="${LABEL_STYLE}">${label}</td><td style="${VALUE_STYLE}">{{${path}}}</td></tr>{{/${path}}}`;
}

function textRow(label: string, path: string): string {
  return `{{#${path}}}\n${label}: {{${path}}}\n{{/${path}}}`;
}

function htmlList(title: string, path: string): string {
  return [
    `{{#${path}.length}}<h2 style="${H2_STYLE}">${title}</h2><ul style="margin:0;padding-left:20px;">`,
    `{{#${path}}}<li style="margin:2px 0;">{{.}}</li>{{/${path}}}</ul>{{/${path}.length}}`,
  ].join("");
}

function textList(title: string, path: string): string {
  return `{{#${path}.length}}\n\n${title}:\n{{/${path}.length}}\n{{#${path}}}\n- {{.}}\n{{/${path}}}`;
}

const htmlReport = `{{#display.investigation_report}}<h2 style="${H2_STYLE}">Investigation report</h2><div style="${PRE_STYLE}">{{display.investigation_report}}</div>{{/display.investigation_report}}`;
const textReport =
  "{{#display.investigation_report}}\n\nInvestigation report:\n{{display.investigation_report}}\n{{/display.investigation_report}}";

const htmlThreat =
  '{{#display.threat}}<span style="display:inline-block;padding:2px 8px;border-radius:3px;background-color:{{display.threat_color}};color:#ffffff;font-size:12px;font-weight:bold;text-transform:uppercase;">{{display.threat}}</span> {{/display.threat}}';
const htmlSummary = `{{#display.summary}}<p style="margin:0 0 12px;">{{display.summary}}</p>{{/display.summary}}`;
const textSummary = "{{#display.summary}}\n\n{{display.summary}}\n{{/display.summary}}";

export const EMAIL_PARTIALS: Record<string, string> = {
  html_open: [
    "<!DOCTYPE html>",
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{subject}}</title></head>',
    '<body style="margin:0;padding:0;background-color:#f4f5f7;">',
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;"><tr><td align="center" style="padding:24px 12px;">',
    '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid #dfe1e6;border-radius:6px;font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#172b4d;">',
    '<tr><td style="padding:14px 24px;border-bottom:1px solid #dfe1e6;font-size:12px;color:#5e6c84;">{{account.name}} &middot; account {{account.id}}</td></tr>',
    '<tr><td style="padding:20px 24px;">',
  ].join("\n"),
  html_close: [
    "</td></tr>",
    '<tr><td style="padding:14px 24px;border-top:1px solid #dfe1e6;font-size:12px;color:#5e6c84;">',
    "Notification {{notification.id}} ({{notification.type}}), {{display.created_at}}.<br>",
    "You receive this e-mail because you subscribe to {{notification.type}} notifications for {{account.name}}.",
    "</td></tr>",
    "</table>",
    "</td></tr></table>",
    "</body>",
    "</html>",
  ].join("\n"),
  html_details: `{{#display.details}}<h2 style="${H2_STYLE}">{{title}}</h2>${TABLE}{{#fields}}<tr><td style="${LABEL_STYLE}">{{label}}</td><td style="${VALUE_STYLE}">{{value}}</td></tr>{{/fields}}</table>{{/display.details}}`,
  html_attachments: [
    `{{#attachments.length}}<h2 style="${H2_STYLE}">Attachments</h2><ul style="margin:0;padding-left:20px;">`,
    '{{#attachments}}<li style="margin:2px 0;">{{#link}}<a href="{{url}}" style="color:#0052cc;">{{name}}</a>{{/link}}{{^link}}{{name}} ({{url}}){{/link}}',
    '{{#description}}<br><span style="color:#5e6c84;">{{description}}</span>{{/description}}</li>{{/attachments}}',
    "</ul>{{/attachments.length}}",
  ].join(""),
  text_details:
    "{{#display.details}}\n\n{{title}}:\n{{#fields}}\n  {{label}}: {{value}}\n{{/fields}}\n{{/display.details}}",
  text_attachments: [
    "{{#attachments.length}}",
    "",
    "Attachments:",
    "{{/attachments.length}}",
    "{{#attachments}}",
    "- {{name}}: {{url}}",
    "{{#description}}",
    "  {{description}}",
    "{{/description}}",
    "{{/attachments}}",
  ].join("\n"),
  text_close: [
    "",
    "--",
    "Notification {{notification.id}} ({{notification.type}}) for {{account.name}} (account {{account.id}}), {{display.created_at}}.",
    "You receive this e-mail because you subscribe to {{notification.type}} notifications.",
    "",
  ].join("\n"),
};

const incidents: EmailTemplate = {
  html: [
    "{{> html_open}}",
    `<p style="margin:0;">${htmlThreat}{{#notification_data.escalated}}<span style="display:inline-block;padding:2px 8px;border-radius:3px;background-color:#403294;color:#ffffff;font-size:12px;font-weight:bold;text-transform:uppercase;">Escalated</span>{{/notification_data.escalated}}</p>`,
    `<h1 style="${H1_STYLE}">{{#display.summary}}{{display.summary}}{{/display.summary}}{{^display.summary}}Threat incident{{/display.summary}}</h1>`,
    TABLE,
    htmlRow("Incident", "payload.incident_id"),
    htmlRow("Customer", "payload.customer_name"),
    htmlRow("Deployment", "payload.deployment_name"),
    htmlRow("Deployment ID", "asset_data.deployment_id"),
    htmlRow("Class", "payload.class"),
    htmlRow("Status", "payload.status"),
    htmlRow("Detected by", "notification_data.detection_source"),
    htmlRow("Appliance", "notification_data.appliance"),
    htmlRow("Location IP", "payload.location_ip"),
    htmlRow("Started", "payload.start_date"),
    htmlRow("Created", "payload.create_date"),
    "</table>",
    htmlList("Attackers", "display.attackers"),
    htmlList("Targets", "display.targets"),
    htmlList("Analyst notes", "display.analyst_notes"),
    htmlReport,
    "{{> html_attachments}}",
    "{{> html_close}}",
  ].join("\n"),
  text: [
    "{{#display.threat}}{{display.threat}} threat incident{{/display.threat}}{{^display.threat}}Threat incident{{/display.threat}}{{#notification_data.escalated}} (escalated){{/notification_data.escalated}}",
    textSummary,
    "",
    textRow("Incident", "payload.incident_id"),
    textRow("Customer", "payload.customer_name"),
    textRow("Deployment", "payload.deployment_name"),
    textRow("Deployment ID", "asset_data.deployment_id"),
    textRow("Class", "payload.class"),
    textRow("Status", "payload.status"),
    textRow("Detected by", "notification_data.detection_source"),
    textRow("Appliance", "notification_data.appliance"),
    textRow("Location IP", "payload.location_ip"),
    textRow("Started", "payload.start_date"),
    textRow("Created", "payload.create_date"),
    textList("Attackers", "display.attackers"),
    textList("Targets", "display.targets"),
    textList("Analyst notes", "display.analyst_notes"),
    textReport,
    "{{> text_attachments}}",
    "{{> text_close}}",
  ].join("\n"),
};

/** The layout for types whose payload Herald does not know field by field: headline, summary, then every field. */
function detailedTemplate(heading: string, textHeading: string, rows: [label: string, path: string][]): EmailTemplate {
  return {
    html: [
      "{{> html_open}}",
      `<p style="margin:0;">${htmlThreat}</p>`,
      `<h1 style="${H1_STYLE}">${heading}</h1>`,
      htmlSummary,
      rows.length > 0 ? `${TABLE}${rows.map(([label, path]) => htmlRow(label, path)).join("\n")}</table>` : "",
      htmlReport,
      "{{> html_details}}",
      "{{> html_attachments}}",
      "{{> html_close}}",
    ].join("\n"),
    text: [
      textHeading,
      "{{#display.threat}}",
      "Threat: {{display.threat}}",
      "{{/display.threat}}",
      textSummary,
      ...(rows.length > 0 ? ["", ...rows.map(([label, path]) => textRow(label, path))] : []),
      textReport,
      "{{> text_details}}",
      "{{> text_attachments}}",
      "{{> text_close}}",
    ].join("\n"),
  };
}

const observation = detailedTemplate("Observation", "Observation", [
  ["Class", "notification_data.class"],
  ["Status", "notification_data.status"],
  ["Correlation rule", "notification_data.correlation_id"],
  ["Detected by", "notification_data.detection_source"],
  ["Deployment", "payload.deployment_name"],
]);

const logReview = detailedTemplate("Log review created", "Log review created", [
  ["Customer", "payload.customer_name"],
  ["Deployment", "payload.deployment_name"],
  ["Status", "payload.status"],
]);

const fimReport = detailedTemplate("File integrity monitoring report", "File integrity monitoring report", [
  ["Deployment", "payload.deployment_name"],
  ["Deployment ID", "asset_data.deployment_id"],
]);

const scheduledReport: EmailTemplate = {
  html: [
    "{{> html_open}}",
    `<h1 style="${H1_STYLE}">{{#display.report_name}}{{display.report_name}}{{/display.report_name}}{{^display.report_name}}Scheduled report{{/display.report_name}}</h1>`,
    `{{#display.report_cadence}}<p style="margin:0 0 12px;color:#5e6c84;">Runs {{display.report_cadence}}</p>{{/display.report_cadence}}`,
    htmlSummary,
    "{{> html_attachments}}",
    `{{^attachments.length}}<p style="margin:0 0 12px;">This subscription does not include the report files in e-mails.</p>{{/attachments.length}}`,
    "{{> html_details}}",
    "{{> html_close}}",
  ].join("\n"),
  text: [
    "Scheduled report{{#display.report_name}}: {{display.report_name}}{{/display.report_name}}",
    "{{#display.report_cadence}}",
    "Runs {{display.report_cadence}}",
    "{{/display.report_cadence}}",
    textSummary,
    "{{> text_attachments}}",
    "{{^attachments.length}}",
    "",
    "This subscription does not include the report files in e-mails.",
    "{{/attachments.length}}",
    "{{> text_details}}",
    "{{> text_close}}",
  ].join("\n"),
};

export const EMAIL_TEMPLATES = {
  incidents_template: incidents,
  log_review_created: logReview,
  observation_template: observation,
  scheduled_report_template: scheduledReport,
  fim_report_template: fimReport,
} satisfies Record<TemplateKey, EmailTemplate>;

/** For a template key Herald does not know (admins may name new ones): everything the notification carries. */
export const GENERIC_EMAIL_TEMPLATE = detailedTemplate(
  "{{notification.type}} notification",
  "{{notification.type}} notification",
  [],
);
