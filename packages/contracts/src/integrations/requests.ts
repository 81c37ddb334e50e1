// The requests that create, update and test integrations.
import { AccountIdParam, HttpUrl, pathParam } from "../common";
import { z } from "../zod";
import { controlFields } from "./controls";
import {
  aliasAgrees,
  aliasConflict,
  foldHeaderAlias,
  headerAlias,
  IntegrationType,
  integrationName,
  MASKED,
  WebhookHeaders,
} from "./fields";
import {
  apiToken,
  emailConfig,
  issueType,
  jiraConfig,
  jiraDomain,
  jiraProject,
  jsdConfig,
  jsmId,
  reporterId,
  snowAuthGiven,
  snowAuthMessage,
  snowConfig,
  snowInstance,
  snowPassword,
  snowUsername,
  subjectTemplate,
  ticketingAddress,
} from "./ticketing-fields";
import {
  discordConfig,
  hecField,
  hecToken,
  msteamsConfig,
  PagerDutySeverityMap,
  pagerDutyConfig,
  pagerDutyRegion,
  ResolveWhen,
  routingKey,
  slackConfig,
  splunkHecConfig,
} from "./vendor-fields";
import {
  authHeader,
  PayloadConversionType,
  payloadTemplate,
  SignatureScheme,
  webhookConfig,
  webhookMethod,
} from "./webhook-fields";

export function createSchema<Type extends IntegrationType, Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return z.object({ name: integrationName, type: z.literal(type), ...shape, ...controlFields });
}

// Alert Logic's clients send webhooks without a type: a body with no `type` is a webhook.
export const webhookRequest = z.object({
  name: integrationName,
  type: z.literal("webhook").optional(),
  ...webhookConfig,
  ...controlFields,
});
export const CreateWebhook = webhookRequest
  .refine(aliasAgrees, aliasConflict)
  .transform((body) => ({ ...foldHeaderAlias(body), type: "webhook" as const }))
  .openapi("Create-Integration-Webhook", {
    description:
      "A webhook: Standard Webhooks-signed JSON calls with each notification, as it is or converted by a " +
      "`payload_template`.",
  });
export const CreateSlack = createSchema("slack", slackConfig).openapi("Create-Integration-Slack", {
  description: "Posts each notification to a Slack channel as a Block Kit message.",
});
export const CreateMsTeams = createSchema("msteams", msteamsConfig).openapi("Create-Integration-MsTeams", {
  description: "Posts each notification to a Teams channel or chat as an Adaptive Card (Workflows webhook).",
});
export const CreatePagerDuty = createSchema("pagerduty", pagerDutyConfig).openapi("Create-Integration-PagerDuty", {
  description:
    "Triggers (and resolves) PagerDuty incidents, one per Herald incident: `dedup_key` is the notification's " +
    "incident key (`payload.long_incident_id`), so repeats update one PagerDuty incident.",
});
export const CreateDiscord = createSchema("discord", discordConfig).openapi("Create-Integration-Discord", {
  description: "Posts each notification to a Discord channel as an embed.",
});
export const CreateSplunkHec = createSchema("splunk_hec", splunkHecConfig).openapi("Create-Integration-Splunk-Hec", {
  description: "Sends each whole notification to a Splunk HTTP Event Collector as one event.",
});

export const CreateJira = createSchema("jira", jiraConfig).openapi("Create-Integration-Jira", {
  description:
    "Opens one Jira Cloud issue per incident (REST API v3, HTTP Basic with the account's e-mail and API token); " +
    "later notifications about the incident (`payload.long_incident_id`, else `payload.incident_id`) comment on it. " +
    "An issue deleted in Jira is opened again.",
});
export const CreateJsd = createSchema("jsd", jsdConfig).openapi("Create-Integration-Jsd", {
  description:
    "Raises one Jira Service Management request per incident in a service desk, with a request type; later " +
    "notifications about the incident comment on it.",
});
export const snowRequest = createSchema("snow", snowConfig);
export const CreateSnow = snowRequest.refine(snowAuthGiven, snowAuthMessage).openapi("Create-Integration-Snow", {
  description:
    "Opens one ServiceNow incident per incident (Table API); later notifications add work notes to it and a closing " +
    "one (`status` closed or resolved) resolves it. HTTP Basic (`username`, `password`) or `auth_header`.",
});
export const CreateEmail = createSchema("email", emailConfig).openapi("Create-Integration-Email", {
  description:
    "E-mail ticketing: each notification rendered as users' e-mails are (the subscription's template) and sent to " +
    "`email` through Herald's e-mail transport.",
});

export const CreateIntegrationRequest = z
  .discriminatedUnion("type", [
    CreateWebhook,
    CreateSlack,
    CreateMsTeams,
    CreatePagerDuty,
    CreateDiscord,
    CreateSplunkHec,
    CreateJira,
    CreateJsd,
    CreateSnow,
    CreateEmail,
  ])
  .openapi("Create-Integration-Request", {
    description: "One configuration per `type`; `type` defaults to `webhook`.",
    example: {
      name: "My Webhook",
      type: "webhook",
      target_url: "https://www.example.com/webhook",
      headers: { "X-Header": "HeaderValue" },
    },
  });
export type CreateIntegrationRequest = z.infer<typeof CreateIntegrationRequest>;

/** A credential as an update may send it: a new value, or the masked one the last answer showed (kept). */
export const credentialOrMask = <T extends z.ZodType<string>>(schema: T) => z.union([z.string().regex(MASKED), schema]);

export const UpdateIntegrationRequest = z
  .object({
    name: integrationName.optional(),
    type: IntegrationType.optional().openapi({ description: "Cannot change: an integration keeps its type." }),
    target_url: z.union([HttpUrl, z.string().regex(/^https?:\/\/[^\s]*\*{4}[^\s]{0,4}$/)]).optional(),
    headers: WebhookHeaders.optional(),
    header: headerAlias,
    payload_conversion_type: PayloadConversionType.optional(),
    payload_template: payloadTemplate.optional(),
    method: webhookMethod.optional(),
    auth_header: credentialOrMask(authHeader).optional(),
    routing_key: credentialOrMask(routingKey).optional(),
    region: pagerDutyRegion.optional(),
    severity_map: PagerDutySeverityMap.optional(),
    resolve_when: ResolveWhen.optional(),
    token: credentialOrMask(hecToken).optional(),
    index: hecField("index").optional(),
    source: hecField("source").optional(),
    sourcetype: hecField("sourcetype").optional(),
    jira_domain: jiraDomain.optional(),
    // `jira`/`jsd`: the Atlassian account; `email`: the mailbox. Checked as the stored type's at update.
    email: ticketingAddress.optional(),
    api_token: credentialOrMask(apiToken).optional(),
    project: jiraProject.optional(),
    reporter_id: reporterId.optional(),
    issue_type: issueType.optional(),
    service_desk_id: jsmId("service desk", "4").optional(),
    request_type_id: jsmId("request type", "25").optional(),
    instance_name: snowInstance.optional(),
    username: snowUsername.optional(),
    password: credentialOrMask(snowPassword).optional(),
    subject_template: subjectTemplate.optional(),
    signature_scheme: SignatureScheme.optional(),
    ...controlFields,
  })
  .refine(aliasAgrees, aliasConflict)
  .transform(foldHeaderAlias)
  .openapi("Update-Integration-Request", {
    description:
      "Partial update: only the properties sent change, and only those of the integration's type apply (the " +
      "others are a 400). `headers` replaces the whole set. A masked credential sent back keeps the stored one.",
    example: { target_url: "https://www.example.com/webhook/v2" },
  });
export type UpdateIntegrationRequest = z.infer<typeof UpdateIntegrationRequest>;

/** The request schema of each type, for `get_integration_types` to describe as JSON Schema. */
export const INTEGRATION_CONFIG_SCHEMAS = {
  webhook: webhookRequest,
  slack: CreateSlack,
  msteams: CreateMsTeams,
  pagerduty: CreatePagerDuty,
  discord: CreateDiscord,
  splunk_hec: CreateSplunkHec,
  jira: CreateJira,
  jsd: CreateJsd,
  snow: snowRequest,
  email: CreateEmail,
} satisfies Record<IntegrationType, z.ZodType>;
export const IntegrationTestRequest = z
  .object({
    notification_type: z.string().min(1).max(255).default("incidents/alerts").openapi({
      description: "Which notification type's sample to send (`incidents/alerts` by default).",
      example: "incidents/alerts",
    }),
  })
  .openapi("Integration-Test-Request", { example: { notification_type: "report/scheduled" } });
export type IntegrationTestRequest = z.infer<typeof IntegrationTestRequest>;

// ---- Alert Logic's console client (@al/herald) names the type in the path: POST /{account_id}/integrations/{type}
// and POST /{account_id}/{type}/test. The body is checked against the path's type by the service.

export const IntegrationTypeParam = AccountIdParam.extend({
  type: pathParam(
    "type",
    z.string().min(1).max(64),
    "An integration type (`get_integration_types`); one Herald does not have yet (`ms_power_automate`, ...) is a 400.",
  ),
});
export type IntegrationTypeParam = z.infer<typeof IntegrationTypeParam>;

export const CreateIntegrationOfTypeRequest = z
  .looseObject({
    name: integrationName,
    type: z.string().optional().openapi({ description: "May be left out; if sent it must equal the path's type." }),
  })
  .openapi("Create-Integration-Of-Type-Request", {
    description:
      "The create request of the path's type (see Create-Integration-Request: `target_url`, `routing_key`, " +
      "`token`...), checked as that type's.",
    example: { name: "SOC channel", target_url: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX" },
  });
export type CreateIntegrationOfTypeRequest = z.infer<typeof CreateIntegrationOfTypeRequest>;

export const IntegrationConfigurationTestRequest = z
  .looseObject({
    name: integrationName.optional(),
    type: z.string().optional().openapi({ description: "May be left out; if sent it must equal the path's type." }),
    notification_type: IntegrationTestRequest.shape.notification_type,
  })
  .openapi("Integration-Configuration-Test-Request", {
    description:
      "An integration's configuration as its create request takes it (`target_url`, `routing_key`, `token`...; " +
      "`name` may be left out), and which notification type's sample to send. Nothing is stored.",
    example: { target_url: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXX" },
  });
export type IntegrationConfigurationTestRequest = z.infer<typeof IntegrationConfigurationTestRequest>;
