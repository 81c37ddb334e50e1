// The alert channels' configuration: Slack, Teams and Discord webhook URLs, PagerDuty, Splunk HEC.
import { HttpUrl } from "../common";
import { z } from "../zod";

export function vendorUrl(vendor: string, hosts: string, example: string) {
  return HttpUrl.openapi({
    description:
      `The ${vendor} webhook URL: https on ${hosts}. It is a credential: sealed at rest, answered masked ` +
      "(its origin, `****` and its last four characters).",
    example,
  });
}

export const SLACK_URL = vendorUrl(
  "Slack incoming",
  "`hooks.slack.com`",
  "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
);
export const MSTEAMS_URL = vendorUrl(
  "Microsoft Teams Workflows (Power Automate)",
  "a `*.logic.azure.com` or `*.api.powerplatform.com` host",
  "https://prod-00.westus.logic.azure.com:443/workflows/0000/triggers/manual/paths/invoke?api-version=2016-06-01&sig=XXXX",
);
export const DISCORD_URL = vendorUrl(
  "Discord",
  "`discord.com` (or `discordapp.com`), path `/api/webhooks/{id}/{token}`",
  "https://discord.com/api/webhooks/000000000000000000/XXXXXXXX",
);

export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
export const PagerDutySeverity = z.enum(PAGERDUTY_SEVERITIES);

export const PagerDutySeverityMap = z
  .strictObject({
    critical: PagerDutySeverity.optional(),
    high: PagerDutySeverity.optional(),
    medium: PagerDutySeverity.optional(),
    low: PagerDutySeverity.optional(),
    info: PagerDutySeverity.optional(),
  })
  .openapi("PagerDuty-Severity-Map", {
    description:
      "PagerDuty severity per threat level, overriding the default (critical→critical, high→error, " +
      "medium→warning, low→info, info→info; no threat level→warning).",
    example: { high: "critical" },
  });
export type PagerDutySeverityMap = z.infer<typeof PagerDutySeverityMap>;

export const ResolveWhen = z
  .strictObject({
    field: z
      .string()
      .regex(
        /^(notification_data|payload|asset_data)(\.[A-Za-z0-9_-]+)+$/,
        "must be a dotted path under notification_data, payload or asset_data",
      )
      .max(200),
    values: z.array(z.string().min(1).max(200)).min(1).max(20),
  })
  .openapi("PagerDuty-Resolve-When", {
    description:
      "Which notifications close their incident and send `resolve` instead of `trigger`: those whose `field` " +
      "equals one of `values` (case-insensitive). Default: `notification_data.status` in closed, resolved, complete, " +
      "completed.",
    example: { field: "notification_data.status", values: ["closed", "resolved"] },
  });
export type ResolveWhen = z.infer<typeof ResolveWhen>;

export const ROUTING_KEY = /^[A-Za-z0-9]{32}$/;
export const routingKey = z
  .string()
  .regex(ROUTING_KEY, "must be a PagerDuty integration (routing) key: 32 letters and digits")
  .openapi({
    description: "The Events API v2 integration key of a PagerDuty service (32 characters). A credential.",
    example: "R0123456789ABCDEF0123456789ABCDE",
  });
export const pagerDutyRegion = z.enum(["us", "eu"]).openapi({
  description: "Which PagerDuty service region receives the events: `us` (events.pagerduty.com) or `eu`.",
  example: "us",
});
export const pagerDutyUrl = HttpUrl.openapi({
  description:
    "The Events API endpoint; by default the region's (`https://events.pagerduty.com/v2/enqueue`, " +
    "`https://events.eu.pagerduty.com/v2/enqueue`). Only PagerDuty's event hosts are accepted.",
});

// HEC tokens are GUIDs; any printable token Splunk accepts is kept.
export const hecToken = z
  .string()
  .regex(/^[\x21-\x7E]{1,256}$/, "must be a Splunk HEC token: 1 to 256 printable characters without spaces")
  .openapi({
    description: "The HTTP Event Collector token. A credential.",
    example: "11111111-2222-3333-4444-555555555555",
  });
export const hecField = (what: string) =>
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7E]+$/, "must be printable ASCII")
    .openapi({ description: `The events' ${what}; the token's default when absent.` });

export const slackConfig = { target_url: SLACK_URL };
export const msteamsConfig = { target_url: MSTEAMS_URL };
export const discordConfig = { target_url: DISCORD_URL };
export const pagerDutyConfig = {
  routing_key: routingKey,
  region: pagerDutyRegion.default("us"),
  target_url: pagerDutyUrl.optional(),
  severity_map: PagerDutySeverityMap.optional(),
  resolve_when: ResolveWhen.optional(),
};
export const splunkHecConfig = {
  target_url: HttpUrl.openapi({
    description:
      "The collector's event endpoint, e.g. `https://splunk.example.com:8088/services/collector/event`: any public " +
      "https or http address, checked like webhook targets.",
    example: "https://splunk.example.com:8088/services/collector/event",
  }),
  token: hecToken,
  index: hecField("index").optional(),
  source: hecField("source").optional(),
  sourcetype: hecField("sourcetype").optional(),
};
