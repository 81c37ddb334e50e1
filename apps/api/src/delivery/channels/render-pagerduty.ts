// A notification as a PagerDuty Events API v2 event (POST https://events.pagerduty.com/v2/enqueue). Notifications of
// one incident share a dedup key, so PagerDuty keeps one alert per incident and resolves it when the incident closes.

import { digest, valueAt } from "./digest";
import type { NotificationView, RenderOptions, Severity } from "./message";
import { capJson, truncate } from "./truncate";

export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

export interface PagerDutyConfig {
  /** The integration key of the PagerDuty service (32 characters). */
  routingKey: string;
  /** Overrides of DEFAULT_SEVERITY_MAP, per Herald severity. */
  severityMap?: Partial<Record<Severity, PagerDutySeverity>>;
  /** When the notification says its incident is over; default: `notification_data.status` closed or resolved. */
  resolveWhen?: { field: string; values: string[] };
}

export interface PagerDutyTrigger {
  routing_key: string;
  event_action: "trigger";
  dedup_key: string;
  payload: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp?: string;
    component?: string;
    group: string;
    class?: string;
    custom_details: unknown;
  };
  links: Array<{ href: string; text: string }>;
  client: "Herald";
}

/** A resolve carries only what identifies the alert, as the Events API documents. */
export interface PagerDutyResolve {
  routing_key: string;
  event_action: "resolve";
  dedup_key: string;
}

export type PagerDutyEvent = PagerDutyTrigger | PagerDutyResolve;

export const PAGERDUTY_LIMITS = {
  summary: 1_024,
  dedupKey: 255,
  /** Not a documented limit: the fields PagerDuty shows are short, and a long source or class is noise. */
  shortField: 255,
  links: 5,
  linkText: 255,
  /** Herald accepts attachment URLs up to 2,048 characters; a longer one (after normalising) is left out, not cut. */
  linkUrl: 2_048,
  /** PagerDuty refuses events over 512 KB; the custom details take at most half of that. */
  customDetailsBytes: 256 * 1024,
} as const;

export const DEFAULT_SEVERITY_MAP: Record<Severity, PagerDutySeverity> = {
  critical: "critical",
  high: "error",
  medium: "warning",
  low: "info",
  info: "info",
};
const UNKNOWN_SEVERITY: PagerDutySeverity = "warning";

export const DEFAULT_RESOLVE_WHEN = {
  field: "notification_data.status",
  values: ["closed", "resolved", "complete", "completed"],
};

export function renderPagerDuty(
  view: NotificationView,
  config: PagerDutyConfig,
  options: RenderOptions = {},
): PagerDutyEvent {
  const seen = digest(view, options);
  const dedupKey = truncate(seen.incidentKey ?? view.id, PAGERDUTY_LIMITS.dedupKey);
  if (resolves(view, config.resolveWhen ?? DEFAULT_RESOLVE_WHEN)) {
    return { routing_key: config.routingKey, event_action: "resolve", dedup_key: dedupKey };
  }
  const component = firstShortText(view, ["notification_data.appliance", "payload.deployment_name"]);
  const eventClass = firstShortText(view, ["notification_data.class", "payload.class"]);
  const timestamp = Number.isNaN(Date.parse(view.createdAt)) ? undefined : new Date(view.createdAt).toISOString();
  return {
    routing_key: config.routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      // The subscription's message text when given, else the title, which already carries the summary.
      summary: truncate(
        options.messageText?.trim() ? seen.summary.replace(/\s+/g, " ") : seen.title,
        PAGERDUTY_LIMITS.summary,
      ),
      source: truncate(view.accountName.trim() || view.accountId.trim() || "Herald", PAGERDUTY_LIMITS.shortField),
      severity: seen.severity
        ? (config.severityMap?.[seen.severity] ?? DEFAULT_SEVERITY_MAP[seen.severity])
        : UNKNOWN_SEVERITY,
      ...(timestamp ? { timestamp } : {}),
      ...(component ? { component } : {}),
      group: truncate(view.type, PAGERDUTY_LIMITS.shortField),
      ...(eventClass ? { class: eventClass } : {}),
      custom_details: capJson(
        { notification_data: view.notificationData, asset_data: view.assetData, payload: view.payload },
        PAGERDUTY_LIMITS.customDetailsBytes,
      ),
    },
    links: seen.links
      .filter((link) => link.url.length <= PAGERDUTY_LIMITS.linkUrl)
      .slice(0, PAGERDUTY_LIMITS.links)
      .map((link) => ({ href: link.url, text: truncate(link.label, PAGERDUTY_LIMITS.linkText) })),
    client: "Herald",
  };
}

function resolves(view: NotificationView, rule: { field: string; values: string[] }): boolean {
  const value = valueAt(view, rule.field);
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return false;
  const text = String(value).trim().toLowerCase();
  return rule.values.some((candidate) => candidate.trim().toLowerCase() === text);
}

function firstShortText(view: NotificationView, paths: string[]): string | undefined {
  for (const path of paths) {
    const value = valueAt(view, path);
    const text = typeof value === "string" ? value.replace(/\s+/g, " ").trim() : "";
    if (text !== "") return truncate(text, PAGERDUTY_LIMITS.shortField);
  }
  return undefined;
}
