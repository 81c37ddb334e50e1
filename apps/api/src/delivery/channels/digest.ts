// What every chat rendering shows of a notification, read once from the view: the renderers only lay it out and fit
// it to their vendor's limits. Values here are plain text, not yet escaped for any vendor.

import type { NotificationView, RenderOptions, Severity } from "./message";
import { truncate } from "./truncate";

export interface Fact {
  label: string;
  value: string;
}

export interface Link {
  label: string;
  /** An absolute http(s) URL, normalised (so ASCII, with `<`, `>`, spaces and quotes percent-encoded). */
  url: string;
}

export interface Digest {
  /** One line, e.g. "High threat incident: Web server recon attack from 13.13.13.13". */
  title: string;
  severity: Severity | undefined;
  /** The subscription's message text when given (its line breaks kept), else one line derived from the data. */
  summary: string;
  facts: Fact[];
  links: Link[];
  /** What identifies the incident across notifications: `payload.long_incident_id`, else `payload.incident_id`. */
  incidentKey: string | undefined;
}

export function digest(view: NotificationView, options: RenderOptions = {}): Digest {
  const severity = severityOf(view);
  const messageText = clean(capText(options.messageText ?? "")).trim();
  return {
    title: titleOf(view, severity),
    severity,
    summary:
      messageText || firstText(view, SUMMARY_PATHS) || `${oneLine(view.typeName)} notification for ${account(view)}`,
    facts: factsOf(view, severity),
    links: linksOf(view),
    incidentKey: firstText(view, ["payload.long_incident_id", "payload.incident_id"]),
  };
}

/**
 * The summary, unless the title already says it: a derived summary is often the title's subject, and showing it twice
 * says nothing more. A title that was cut says less, so then the summary shows.
 */
export function summaryBeyondTitle(seen: Digest, titleShownWhole: boolean): string | undefined {
  return titleShownWhole && seen.title.includes(seen.summary) ? undefined : seen.summary;
}

// ---------------------------------------------------------------------------------------------------------------
// Severity

const SEVERITY_NAMES: ReadonlyMap<string, Severity> = new Map([
  ["critical", "critical"],
  ["crit", "critical"],
  ["high", "high"],
  ["medium", "medium"],
  ["med", "medium"],
  ["moderate", "medium"],
  ["low", "low"],
  ["info", "info"],
  ["informational", "info"],
  ["information", "info"],
]);

// Alert Logic producers put the level in notification_data.threat_level and, capitalised, in payload.threat.
const SEVERITY_PATHS = ["notification_data.threat_level", "payload.threat"];

function severityOf(view: NotificationView): Severity | undefined {
  for (const path of SEVERITY_PATHS) {
    const text = textAt(view, path);
    const severity = text === undefined ? undefined : SEVERITY_NAMES.get(text.trim().toLowerCase());
    if (severity) return severity;
  }
  return undefined;
}

export function severityLabel(severity: Severity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

// ---------------------------------------------------------------------------------------------------------------
// Title: "<label>: <subject>", by notification type; unknown types use their name and the summary.

const SUMMARY_PATHS = ["payload.attack_summary", "payload.summary", "payload.description", "notification_data.summary"];

interface TitleRule {
  label: (severity: Severity | undefined) => string;
  subject: readonly string[];
}

const INCIDENT_TITLE: TitleRule = {
  label: (severity) => (severity ? `${severityLabel(severity)} threat incident` : "Incident"),
  subject: [...SUMMARY_PATHS, "payload.incident_id"],
};
const REPORT_TITLE: TitleRule = {
  label: () => "Scheduled report",
  subject: ["payload.report_name", "payload.name", "payload.schedule_name", "notification_data.name"],
};

const TITLE_RULES: ReadonlyMap<string, TitleRule> = new Map([
  ["incidents/alerts", INCIDENT_TITLE],
  ["incidents/notification", INCIDENT_TITLE],
  ["observations/notification", { label: () => "Observation", subject: SUMMARY_PATHS }],
  ["health/alerts", { label: () => "Health alert", subject: ["notification_data.status", "payload.status"] }],
  ["report/scheduled", REPORT_TITLE],
  ["tableau/notifications", REPORT_TITLE],
  ["search/notifications", { label: () => "Scheduled search", subject: ["payload.search_name", "payload.name"] }],
]);

function titleOf(view: NotificationView, severity: Severity | undefined): string {
  const rule = TITLE_RULES.get(view.type);
  const label = rule ? rule.label(severity) : oneLine(view.typeName) || oneLine(view.type) || "Notification";
  const subject = firstText(view, rule ? rule.subject : SUMMARY_PATHS);
  return subject ? `${label}: ${subject}` : label;
}

// ---------------------------------------------------------------------------------------------------------------
// Facts: those present, in this order.

const FACT_PATHS: ReadonlyArray<{ label: string; paths: readonly string[] }> = [
  { label: "Status", paths: ["notification_data.status", "payload.status"] },
  { label: "Incident", paths: ["payload.incident_id"] },
  { label: "Class", paths: ["notification_data.class", "payload.class"] },
  { label: "Attackers", paths: ["notification_data.attackers"] },
  { label: "Targets", paths: ["notification_data.targets"] },
  { label: "Detection source", paths: ["notification_data.detection_source"] },
  { label: "Appliance", paths: ["notification_data.appliance"] },
  { label: "Deployment", paths: ["payload.deployment_name"] },
  { label: "Report", paths: ["payload.report_name"] },
  { label: "Schedule", paths: ["payload.schedule_id", "notification_data.schedule_id"] },
  { label: "Search", paths: ["payload.search_name"] },
];

/** Lists (attackers, targets) show this many items, then how many more there are. */
export const MAX_LIST_ITEMS = 10;

function factsOf(view: NotificationView, severity: Severity | undefined): Fact[] {
  const rawThreat = firstText(view, SEVERITY_PATHS);
  const typeName = oneLine(view.typeName);
  const facts: Array<Fact | undefined> = [
    { label: "Account", value: account(view) },
    { label: "Type", value: typeName && typeName !== view.type ? `${typeName} (${view.type})` : view.type },
    // An unrecognised level is still worth showing as sent.
    severity || rawThreat
      ? { label: "Threat level", value: severity ? severityLabel(severity) : `${rawThreat}` }
      : undefined,
    ...FACT_PATHS.map(({ label, paths }) => {
      const value = firstText(view, paths);
      return value ? { label, value } : undefined;
    }),
  ];
  return facts.filter((fact): fact is Fact => fact !== undefined && fact.value !== "");
}

function account(view: NotificationView): string {
  const name = oneLine(view.accountName);
  return name && name !== view.accountId ? `${name} (${view.accountId})` : view.accountId;
}

// ---------------------------------------------------------------------------------------------------------------
// Links: attachments whose URL is http(s); anything else (javascript:, data:, relative) is never a link.

function linksOf(view: NotificationView): Link[] {
  const links: Link[] = [];
  for (const attachment of view.attachments) {
    const url = httpUrl(attachment.url);
    if (url) links.push({ label: oneLine(attachment.name) || url, url });
  }
  return links;
}

function httpUrl(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the data

/** The value at a dotted path (`payload.status`) of the notification's data, own properties only. */
export function valueAt(view: NotificationView, path: string): unknown {
  const [root, ...rest] = path.split(".");
  let value: unknown =
    root === "notification_data"
      ? view.notificationData
      : root === "asset_data"
        ? view.assetData
        : root === "payload"
          ? view.payload
          : undefined;
  for (const segment of rest) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function textAt(view: NotificationView, path: string): string | undefined {
  const value = valueAt(view, path);
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : undefined;
}

/** The first path with something to show, as one line; lists are joined and capped at MAX_LIST_ITEMS. */
function firstText(view: NotificationView, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const text = oneLine(displayValue(valueAt(view, path)));
    if (text !== "") return text;
  }
  return undefined;
}

function displayValue(value: unknown): string {
  if (!Array.isArray(value)) return scalarText(value);
  const shown = value
    .slice(0, MAX_LIST_ITEMS)
    .map(scalarText)
    .filter((item) => item.trim() !== "");
  const more = value.length - Math.min(value.length, MAX_LIST_ITEMS);
  return more > 0 ? `${shown.join(", ")} … (+${more} more)` : shown.join(", ");
}

function scalarText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null || value === undefined) return "";
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/** No rendering shows more of one text than Discord's 4,096-character description, so longer texts are cut first. */
export const MAX_TEXT = 5_000;

function capText(text: string): string {
  // Sliced first so a 100 KB text costs no more than a short one; the cut falls inside the slice.
  return text.length <= MAX_TEXT ? text : truncate(text.slice(0, MAX_TEXT + 2), MAX_TEXT);
}

// Explicit bidirectional overrides and isolates: in data they would reorder the text around them in the message
// (a spoofing trick). Right-to-left text itself is kept.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// Control characters other than line breaks and tabs.
const CONTROLS = /(?![\n\t])\p{Cc}/gu;

function clean(text: string): string {
  return text.replace(/\r\n?/g, "\n").replace(BIDI_CONTROLS, "").replace(CONTROLS, "");
}

function oneLine(text: string): string {
  return clean(capText(text))
    .replace(/[\s\u2028\u2029]+/g, " ")
    .trim();
}

/** "2018-01-30 00:51:52 UTC", the way Herald's e-mails show times; the text as sent when it is not a date. */
export function displayTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? oneLine(iso) : `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
