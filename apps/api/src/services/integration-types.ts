// What `get_integration_types` says of each type: a line of description and the JSON Schema of its configuration,
// derived from the same zod schemas that validate create requests, so the two cannot disagree.
import { INTEGRATION_CONFIG_SCHEMAS, type IntegrationType } from "@herald/contracts";
import { z } from "zod";

export const INTEGRATION_TYPE_DESCRIPTIONS: Record<IntegrationType, string> = {
  webhook: "Standard Webhooks-signed JSON POSTs of each notification to any public URL, with custom headers.",
  slack: "A Block Kit message in a Slack channel, through a Slack incoming webhook.",
  msteams: "An Adaptive Card in a Microsoft Teams channel or chat, through a Teams Workflows webhook.",
  pagerduty:
    "PagerDuty Events API v2: one PagerDuty incident per Herald incident (dedup_key), triggered, updated and resolved.",
  discord: "An embed in a Discord channel, through a Discord webhook.",
  splunk_hec: "The whole notification as one event in Splunk, through an HTTP Event Collector.",
  jira: "Jira Cloud: one issue per incident (REST API v3), commented on by later notifications about it.",
  jsd: "Jira Service Management: one request per incident in a service desk, commented on by later notifications.",
  snow: "ServiceNow: one incident per incident (Table API), with work notes from later notifications, resolved on close.",
  email:
    "E-mail ticketing: each notification rendered as users' e-mails are and sent to one address (a ticketing " +
    "system's mailbox) through Herald's e-mail transport, with an optional subject template.",
};

const schemas = new Map<IntegrationType, Record<string, unknown>>();

export function configurationSchema(type: IntegrationType): Record<string, unknown> {
  let schema = schemas.get(type);
  if (!schema) {
    schema = z.toJSONSchema(INTEGRATION_CONFIG_SCHEMAS[type], { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    schemas.set(type, schema);
  }
  return schema;
}
