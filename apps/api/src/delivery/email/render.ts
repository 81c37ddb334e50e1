import Mustache from "mustache";
import { htmlToText } from "./html-to-text";
import { EMAIL_PARTIALS, EMAIL_TEMPLATES, type EmailTemplate, GENERIC_EMAIL_TEMPLATE } from "./templates";

export interface EmailView {
  account: { id: string; name: string };
  notification: { id: string; type: string; created_at: string /* ISO */ };
  notification_data: Record<string, unknown>;
  asset_data: Record<string, unknown>;
  payload: Record<string, unknown>;
  attachments: Array<{ name: string; description?: string; url: string }>;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export const MAX_SUBJECT_LENGTH = 250;

/**
 * Renders a notification e-mail. `subjectTemplate` (the type's `default_email_subject` or the subscription's
 * `options.email_subject`) is Mustache written by users: when it fails to render or renders empty, the subject is
 * `fallbackSubject` (the notification type's name), else the notification type. Never throws for bad input.
 */
export function renderEmail(input: {
  templateKey: string;
  subjectTemplate: string;
  fallbackSubject?: string;
  view: EmailView;
  includeAttachments: boolean;
}): RenderedEmail {
  const { view } = input;
  const templateView = buildTemplateView(view, input.includeAttachments);
  const subject =
    renderSubject(input.subjectTemplate, templateView) ||
    oneLine(input.fallbackSubject ?? "") ||
    oneLine(view.notification.type) ||
    "Notification";
  const template = Object.hasOwn(EMAIL_TEMPLATES, input.templateKey)
    ? EMAIL_TEMPLATES[input.templateKey as keyof typeof EMAIL_TEMPLATES]
    : GENERIC_EMAIL_TEMPLATE;
  return { subject, ...renderBody(template, { ...templateView, subject }) };
}

function renderSubject(template: string, view: TemplateView): string {
  try {
    // A fresh writer: subject templates are user input, and the shared writer would cache every one of them.
    return oneLine(new Mustache.Writer().render(template, new DataContext(view), noPartials, { escape: displayValue }));
  } catch {
    return ""; // An unclosed tag or section: fall back rather than lose the e-mail.
  }
}

/** Why a subject template would not render (an unclosed tag or section), or undefined when it is fine. */
export function subjectTemplateProblem(template: string): string | undefined {
  try {
    new Mustache.Writer().parse(template); // a fresh writer, as above: nothing user-written is cached
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const templateWriter = new Mustache.Writer();
// Lookup functions rather than objects, so that `{{> constructor}}` finds nothing on Object.prototype.
const noPartials = () => undefined;
const partials = (name: string) => (Object.hasOwn(EMAIL_PARTIALS, name) ? EMAIL_PARTIALS[name] : undefined);

function renderBody(template: EmailTemplate, view: TemplateView & { subject: string }): Omit<RenderedEmail, "subject"> {
  return {
    html: templateWriter.render(template.html, new DataContext(view), partials, {
      escape: (value: unknown) => escapeHtml(displayValue(value)),
    }),
    text: templateWriter.render(template.text, new DataContext(view), partials, { escape: displayValue }),
  };
}

/**
 * A subject is a header: no line breaks (header injection), no other control characters, one space between words,
 * at most 250 characters.
 */
function oneLine(text: string): string {
  const collapsed = text
    .replace(/[\p{Cc}\u2028\u2029]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  const characters = Array.from(collapsed); // by code point, so an emoji is never cut in half
  return characters.length <= MAX_SUBJECT_LENGTH
    ? collapsed
    : `${characters
        .slice(0, MAX_SUBJECT_LENGTH - 1)
        .join("")
        .trimEnd()}…`;
}

/**
 * Mustache's stock lookup walks prototypes and calls any function it finds, so a subject template like
 * `{{payload.constructor}}` would reach into JavaScript. This context sees only the data's own properties: keys of
 * plain objects, and indexes and `length` of arrays.
 */
class DataContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new DataContext(view, this);
  }

  override lookup(name: string): unknown {
    if (name === ".") return isData(this.view) ? this.view : undefined;
    const path = name.split(".");
    for (let context: Mustache.Context | undefined = this; context; context = context.parent) {
      const found = ownPath(context.view, path);
      if (found.hit) return found.value;
    }
    return undefined;
  }
}

function ownPath(root: unknown, path: string[]): { hit: boolean; value?: unknown } {
  let value = root;
  for (const segment of path) {
    if (Array.isArray(value) && (segment === "length" || /^\d+$/.test(segment))) {
      value = segment === "length" ? value.length : value[Number(segment)];
    } else if (isRecord(value) && Object.hasOwn(value, segment)) {
      value = value[segment];
    } else {
      return { hit: false };
    }
  }
  return isData(value) ? { hit: true, value } : { hit: false };
}

function isData(value: unknown): boolean {
  return typeof value !== "function" && typeof value !== "symbol" && typeof value !== "bigint";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a value reads in an e-mail: lists joined with commas, objects (and lists inside lists) as JSON. */
function displayValue(value: unknown): string {
  if (Array.isArray(value))
    return value.map((item) => (Array.isArray(item) ? jsonText(item) : scalarText(item))).join(", ");
  return scalarText(value);
}

function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "";
  return jsonText(value);
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return ""; // too deep to print: a producer's mistake should not cost the reader the e-mail
  }
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

// ---------------------------------------------------------------------------------------------------------------
// The view the templates render (documented in templates.ts): the notification as sent, plus `display`, the few
// values a reader needs that take code to find.

type Field = { label: string; value: string };
type TemplateView = Omit<EmailView, "attachments"> & {
  attachments: Array<{ name: string; description: string; url: string; link: boolean }>;
  display: {
    created_at: string;
    threat?: string;
    threat_color: string;
    summary?: string;
    attackers: string[];
    targets: string[];
    analyst_notes: string[];
    investigation_report?: string;
    report_name?: string;
    report_cadence?: string;
    details: Array<{ title: string; fields: Field[] }>;
  };
};

const THREAT_COLORS = new Map([
  ["critical", "#bf2600"],
  ["high", "#de350b"],
  ["medium", "#ff8b00"],
  ["low", "#0065ff"],
  ["info", "#5e6c84"],
]);
const NEUTRAL_COLOR = "#5e6c84";

// Fields whose names differ between producers; the first one present wins, and the details show them all anyway.
const SUMMARY_FIELDS = [
  "payload.attack_summary",
  "payload.summary",
  "payload.description",
  "notification_data.summary",
];
const REPORT_NAME_FIELDS = ["payload.report_name", "payload.name", "payload.schedule_name", "notification_data.name"];
const REPORT_CADENCE_FIELDS = ["payload.cadence", "payload.frequency", "payload.schedule", "notification_data.cadence"];
// Shown by a layout of their own rather than in the details.
const FIELDS_SHOWN_APART = new Set(["investigation_report", "analyst_notes"]);

function buildTemplateView(view: EmailView, includeAttachments: boolean): TemplateView {
  const { notification_data: data, payload } = view;
  const threat = firstText(view, ["payload.threat", "notification_data.threat_level"]);
  const report = typeof payload.investigation_report === "string" ? htmlToText(payload.investigation_report) : "";
  return {
    account: view.account,
    notification: view.notification,
    notification_data: data,
    asset_data: view.asset_data,
    payload,
    attachments: includeAttachments
      ? view.attachments.map((attachment) => ({
          name: attachment.name,
          description: attachment.description ?? "",
          url: attachment.url,
          link: /^https?:\/\//i.test(attachment.url),
        }))
      : [],
    display: {
      created_at: formatTimestamp(view.notification.created_at),
      threat,
      threat_color: (threat && THREAT_COLORS.get(threat.toLowerCase())) || NEUTRAL_COLOR,
      summary: firstText(view, SUMMARY_FIELDS),
      attackers: textList(data.attackers),
      targets: textList(data.targets),
      analyst_notes: analystNotes(payload.analyst_notes),
      investigation_report: report || undefined,
      report_name: firstText(view, REPORT_NAME_FIELDS),
      report_cadence: firstText(view, REPORT_CADENCE_FIELDS),
      details: [
        { title: "Notification", fields: fields(data) },
        { title: "Details", fields: fields(payload) },
        { title: "Asset", fields: fields(view.asset_data) },
      ].filter((group) => group.fields.length > 0),
    },
  };
}

function firstText(view: EmailView, paths: string[]): string | undefined {
  for (const path of paths) {
    const found = ownPath(view, path.split("."));
    const text = found.hit ? displayValue(found.value).trim() : "";
    if (text !== "") return text;
  }
  return undefined;
}

function textList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map(displayValue).filter((item) => item.trim() !== "");
}

/** Alert Logic sends analyst notes as a JSON-encoded list inside a string (`"[]"` when there are none). */
function analystNotes(value: unknown): string[] {
  if (typeof value !== "string") return textList(value).filter((note) => note !== "[]");
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return textList(parsed.map(noteText));
  } catch {
    // Not JSON: a note written as plain text.
  }
  return textList(value);
}

function noteText(note: unknown): unknown {
  if (!isRecord(note)) return note;
  return note.note ?? note.text ?? note.message ?? note;
}

function fields(record: Record<string, unknown>): Field[] {
  return Object.entries(record)
    .filter(([key]) => !FIELDS_SHOWN_APART.has(key))
    .map(([key, value]) => ({ label: humanize(key), value: displayValue(value).trim() }))
    .filter((field) => field.value !== "");
}

function humanize(key: string): string {
  const words = key.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
