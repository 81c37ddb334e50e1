// Integrations as Herald answers them: per type, credentials masked, with the pace in force.
import { AccountIdParam, Actor, Id, pathParam } from "../common";
import { z } from "../zod";
import { MaxInFlight, ORDERINGS, RateLimit } from "./controls";
import { IntegrationType, masked, WebhookHeaders } from "./fields";
import { PagerDutySeverityMap, pagerDutyRegion, ResolveWhen } from "./vendor-fields";
import { PayloadConversionType, SignatureScheme, webhookMethod } from "./webhook-fields";

export const answerCommon = {
  id: z.string(),
  account_id: z.string(),
  name: z.string(),
  rate_limit: RateLimit.nullable().openapi({
    description: "The pace Herald holds to: the integration's own, or its type's vendor default; null for none.",
  }),
  max_in_flight: MaxInFlight.nullable(),
  ordering: z.enum(ORDERINGS).openapi({ description: "`incident` (in order per incident) or `none`." }),
  paused: z.boolean().openapi({ description: "Paused: legs wait (parked, not failed) until it is resumed." }),
  paused_at: z.int().optional().openapi({ description: "When it was paused, in epoch seconds." }),
  disabled_at: z
    .int()
    .optional()
    .openapi({
      description:
        "When Herald disabled it (its target answered 410 Gone, say), in epoch seconds; absent while enabled. " +
        "Its legs fail until it is updated, which enables it again (a replay job then delivers what it missed).",
    }),
  disabled_reason: z.string().optional().openapi({ description: "Why Herald disabled it; absent while enabled." }),
  created: Actor,
  modified: Actor,
};
export const stampExample = {
  created: { at: 1517452871, by: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102" },
  modified: { at: 1517452871, by: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102" },
};
export const maskedUrl = z.string().openapi({
  description: "The vendor webhook URL, masked: its origin, `****` and its last four characters.",
  example: "https://hooks.slack.com/****XXXX",
});

export const WebhookIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("webhook"),
    target_url: z.string(),
    headers: WebhookHeaders,
    header: WebhookHeaders,
    payload_conversion_type: PayloadConversionType,
    payload_template: z
      .string()
      .optional()
      .openapi({ description: "The `json` conversion's template or the `jq` conversion's program." }),
    method: webhookMethod,
    auth_header: masked("The `Authorization` header value.").optional(),
    signature_scheme: SignatureScheme,
    public_key: z.string().optional().openapi({
      description: "With `ed25519` signatures: the `whpk_` public key that verifies the calls' `v1a` entries.",
      example: "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
    }),
  })
  .openapi("Integration-Webhook", {
    description: "A webhook integration. `header` repeats `headers` under the name Alert Logic's schema uses.",
    example: {
      id: "E31302AE-C9B7-4A4B-BC83-85806383D3FE",
      account_id: "12345678",
      name: "My Webhook",
      type: "webhook",
      target_url: "https://www.example.com",
      headers: { "X-Header": "HeaderValue" },
      header: { "X-Header": "HeaderValue" },
      payload_conversion_type: "default",
      method: "POST",
      signature_scheme: "hmac-sha256",
      rate_limit: null,
      max_in_flight: null,
      ordering: "none",
      paused: false,
      ...stampExample,
    },
  });

export const SlackIntegration = z
  .object({ ...answerCommon, type: z.literal("slack"), target_url: maskedUrl })
  .openapi("Integration-Slack");
export const MsTeamsIntegration = z
  .object({ ...answerCommon, type: z.literal("msteams"), target_url: maskedUrl })
  .openapi("Integration-MsTeams");
export const DiscordIntegration = z
  .object({ ...answerCommon, type: z.literal("discord"), target_url: maskedUrl })
  .openapi("Integration-Discord");
export const PagerDutyIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("pagerduty"),
    routing_key: masked("The Events API v2 integration key."),
    region: pagerDutyRegion,
    target_url: z.string(),
    severity_map: PagerDutySeverityMap.optional(),
    resolve_when: ResolveWhen.optional(),
  })
  .openapi("Integration-PagerDuty");
export const SplunkHecIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("splunk_hec"),
    target_url: z.string(),
    token: masked("The HTTP Event Collector token."),
    index: z.string().optional(),
    source: z.string().optional(),
    sourcetype: z.string().optional(),
  })
  .openapi("Integration-Splunk-Hec");
export const EmailIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("email"),
    email: z.string().openapi({ description: "Where each notification is e-mailed." }),
    subject_template: z.string().optional(),
  })
  .openapi("Integration-Email");

export const jiraSite = z
  .string()
  .openapi({ description: "The Jira Cloud site's host.", example: "acme.atlassian.net" });
export const JiraIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("jira"),
    jira_domain: jiraSite,
    email: z.string(),
    api_token: masked("The Atlassian API token."),
    project: z.string(),
    reporter_id: z.string().optional(),
    issue_type: z.string(),
  })
  .openapi("Integration-Jira");
export const JsdIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("jsd"),
    jira_domain: jiraSite,
    email: z.string(),
    api_token: masked("The Atlassian API token."),
    service_desk_id: z.string(),
    request_type_id: z.string(),
  })
  .openapi("Integration-Jsd");
export const SnowIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("snow"),
    instance_name: z.string().openapi({ description: "The instance's host.", example: "acme.service-now.com" }),
    username: z.string().optional(),
    password: masked("The ServiceNow user's password.").optional(),
    auth_header: masked("The `Authorization` header value.").optional(),
  })
  .openapi("Integration-Snow");

export const Integration = z
  .discriminatedUnion("type", [
    WebhookIntegration,
    SlackIntegration,
    MsTeamsIntegration,
    PagerDutyIntegration,
    DiscordIntegration,
    SplunkHecIntegration,
    JiraIntegration,
    JsdIntegration,
    SnowIntegration,
    EmailIntegration,
  ])
  .openapi("Integration", { description: "An integration; its properties depend on its `type`." });
export type Integration = z.infer<typeof Integration>;
export type WebhookIntegration = z.infer<typeof WebhookIntegration>;

export const IntegrationList = z.object({ integrations: z.array(Integration) }).openapi("Integration-List");
export type IntegrationList = z.infer<typeof IntegrationList>;

export const IntegrationTypeInfo = z
  .object({
    name: IntegrationType,
    description: z.string().optional(),
    configuration: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: "JSON Schema (draft 2020-12) of the body that creates an integration of this type." }),
  })
  .openapi("Integration-Type", {
    example: { name: "webhook", description: "Signed JSON POSTs to any public URL." },
  });
export type IntegrationTypeInfo = z.infer<typeof IntegrationTypeInfo>;

export const IntegrationTypeList = z
  .object({ integration_types: z.array(IntegrationTypeInfo) })
  .openapi("Integration-Type-List");
export type IntegrationTypeList = z.infer<typeof IntegrationTypeList>;

export const IntegrationIdParam = AccountIdParam.extend({ id: pathParam("id", Id, "Integration id.") });
export type IntegrationIdParam = z.infer<typeof IntegrationIdParam>;

export const IntegrationTestResponse = z
  .object({
    code: z.number().int().openapi({ description: "The target's HTTP status; 0 when it could not be reached." }),
    rawbody: z.string().openapi({ description: "The first 20 KB of the target's answer." }),
    delivered: z.boolean().openapi({ description: "Whether a delivery answered so would be recorded delivered." }),
    reason: z
      .string()
      .optional()
      .openapi({ description: "Why not, as the attempts log would say (a retry or a permanent failure)." }),
    request_body: z.string().openapi({ description: "What Herald sent: the rendering of the sample notification." }),
    to: z.string().optional().openapi({ description: "`email` integrations: the address the test e-mail went to." }),
    subject: z.string().optional().openapi({ description: "`email` integrations: the test e-mail's subject." }),
  })
  .openapi("Integration-Test-Response", {
    example: { code: 200, rawbody: "ok", delivered: true, request_body: '{"text":"..."}' },
  });
export type IntegrationTestResponse = z.infer<typeof IntegrationTestResponse>;
