// The HTTP request an integration of an alert-channel type makes for one notification: its vendor's URL, body and headers, rendered from the view. Pure: no clock, no I/O.
import type { IntegrationRow } from "@herald/db";
import Mustache from "mustache";
import { USER_AGENT } from "../webhook";
import type { NotificationView, RenderOptions } from "./message";
import { renderDiscord } from "./render-discord";
import { renderPagerDuty } from "./render-pagerduty";
import { renderSlack } from "./render-slack";
import { renderSplunkHec } from "./render-splunk-hec";
import { renderTeams } from "./render-teams";

export interface ChannelRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * The alert channels: one vendor call per notification with a rendered message. Named, not "every type but": a
 * webhook is signed (delivery/webhook.ts), an `email` integration is e-mailed, ticketing types (delivery/tickets) may
 * make two calls, and a type added later is none of these until it says so.
 */
const CHANNEL_TYPES = ["slack", "msteams", "pagerduty", "discord", "splunk_hec"] as const;
type ChannelRow = IntegrationRow & { type: (typeof CHANNEL_TYPES)[number] };

export function isChannel(integration: IntegrationRow): integration is ChannelRow {
  return (CHANNEL_TYPES as readonly string[]).includes(integration.type);
}

const JSON_HEADERS = { "content-type": "application/json", "user-agent": USER_AGENT };

/** `integration` with its secrets opened. */
export function channelRequest(
  integration: ChannelRow,
  view: NotificationView,
  options: RenderOptions,
): ChannelRequest {
  const { secrets, config } = integration;
  const json = (url: string, message: unknown, headers: Record<string, string> = {}): ChannelRequest => ({
    url,
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify(message),
  });
  switch (integration.type) {
    case "slack":
      return json(secrets.url ?? "", renderSlack(view, options));
    case "msteams":
      return json(secrets.url ?? "", renderTeams(view, options));
    case "discord":
      return json(secrets.url ?? "", renderDiscord(view, options));
    case "pagerduty":
      return json(
        integration.targetUrl,
        renderPagerDuty(
          view,
          {
            routingKey: secrets.routing_key ?? "",
            ...(config.severity_map ? { severityMap: config.severity_map as Record<string, never> } : {}),
            ...(config.resolve_when ? { resolveWhen: config.resolve_when as { field: string; values: string[] } } : {}),
          },
          options,
        ),
      );
    case "splunk_hec":
      return json(
        integration.targetUrl,
        renderSplunkHec(view, config as { index?: string; source?: string; sourcetype?: string }),
        { authorization: `Splunk ${secrets.token ?? ""}` },
      );
  }
}

/** The URL a channel integration calls (a credential for some types: never logged, never answered). */
export function channelUrl(integration: ChannelRow): string {
  return integration.secrets.url ?? integration.targetUrl;
}

/**
 * A subscription's `options.message_template` rendered against the notification: the line chat messages lead with.
 * Plain text: each renderer escapes it for its vendor, so Mustache's HTML escaping is off.
 */
export function messageText(template: unknown, view: Record<string, unknown>): string | undefined {
  if (typeof template !== "string" || template.trim() === "") return undefined;
  return Mustache.render(template, view, {}, { escape: (value: unknown) => String(value) }).trim() || undefined;
}
