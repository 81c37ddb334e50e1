import { AccountIdParam, Actor, HttpUrl, Id, pathParam } from "./common";
import { z } from "./zod";

export const INTEGRATION_TYPES = [
  "webhook",
  "slack",
  "msteams",
  "pagerduty",
  "discord",
  "splunk_hec",
  "jira",
  "jsd",
  "snow",
  "email",
] as const;

export const IntegrationType = z.enum(INTEGRATION_TYPES).openapi("Integration-Type-Name", {
  description:
    "Kind of integration: `webhook` (signed JSON POSTs to any public URL), `slack` (a Slack incoming webhook), " +
    "`msteams` (a Microsoft Teams Workflows webhook), `pagerduty` (PagerDuty Events API v2), `discord` (a Discord " +
    "webhook), `splunk_hec` (a Splunk HTTP Event Collector), `jira` (Jira Cloud issues), `jsd` (Jira Service " +
    "Management requests), `snow` (ServiceNow incidents) or `email` (e-mail ticketing: each notification e-mailed " +
    "to one fixed address, such as a ticketing system's mailbox).",
  example: "webhook",
});
export type IntegrationType = z.infer<typeof IntegrationType>;

// RFC 9110 token characters.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 field values in US-ASCII: visible characters, spaces and tabs. A CR or LF would inject headers; other
// control characters and non-ASCII text are refused by HTTP stacks when the call is made, so never stored.
const HEADER_VALUE = /^[\t\x20-\x7E]*$/;
const MAX_HEADERS = 50;

function hasDistinctNames(headers: Record<string, string>): boolean {
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  return new Set(names).size === names.length;
}

const headersSchema = z
  .record(
    z.string().regex(HEADER_NAME, "must be an HTTP header name (RFC 9110 token characters)"),
    z
      .string()
      .max(4096)
      .regex(
        HEADER_VALUE,
        "must be printable ASCII, spaces or tabs: no CR, LF, NUL, other control or non-ASCII characters",
      ),
  )
  .refine((headers) => Object.keys(headers).length <= MAX_HEADERS, `at most ${MAX_HEADERS} headers`)
  .refine(hasDistinctNames, "header names must differ other than in case");

const headersDescription =
  "Extra HTTP headers sent with every call: name to value. Names are HTTP tokens (RFC 9110), unique ignoring " +
  `case; values have at most 4096 printable ASCII characters, spaces or tabs (no CR, LF, NUL or other control ` +
  `characters); at most ${MAX_HEADERS} headers.`;

export const WebhookHeaders = headersSchema.openapi("Webhook-Headers", {
  description: headersDescription,
  maxProperties: MAX_HEADERS,
  example: { "X-Header": "HeaderValue" },
});
export type WebhookHeaders = z.infer<typeof WebhookHeaders>;

// Alert Logic's schema names the property `header` while its example says `headers`: requests may use either.
const headerAlias = headersSchema.optional().openapi({
  description: "Deprecated alias of `headers`. If both are sent they must be equal.",
  deprecated: true,
});

type HeaderFields = { headers?: WebhookHeaders; header?: WebhookHeaders };

function sameHeaders(a: WebhookHeaders, b: WebhookHeaders): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => b[name] === a[name]);
}

function aliasAgrees({ headers, header }: HeaderFields): boolean {
  return headers === undefined || header === undefined || sameHeaders(headers, header);
}
const aliasConflict = { path: ["header"], message: "header and headers differ; send only headers" };

function foldHeaderAlias<T extends HeaderFields>({ header, ...body }: T): Omit<T, "header"> {
  const headers = body.headers ?? header;
  return headers === undefined ? body : { ...body, headers };
}

const integrationName = z.string().min(1).max(255).openapi({ example: "My Webhook" });
const targetUrl = HttpUrl.openapi({
  description: "Where calls are POSTed: an absolute http(s) URL of at most 2048 characters, on a public address.",
  example: "https://www.example.com/webhook",
});

// ---- Per-type configuration. Credentials (vendor webhook URLs, routing keys, tokens) are sealed at rest and come
// back masked: `****` and their last four characters. Sending a masked value back in an update keeps the credential.

const MASKED = /^\*{4}.{0,4}$/;
const masked = (description: string) =>
  z.string().openapi({ description: `${description} Answers show it masked.`, example: "****a1b2" });

function vendorUrl(vendor: string, hosts: string, example: string) {
  return HttpUrl.openapi({
    description:
      `The ${vendor} webhook URL: https on ${hosts}. It is a credential: sealed at rest, answered masked ` +
      "(its origin, `****` and its last four characters).",
    example,
  });
}

const SLACK_URL = vendorUrl(
  "Slack incoming",
  "`hooks.slack.com`",
  "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
);
const MSTEAMS_URL = vendorUrl(
  "Microsoft Teams Workflows (Power Automate)",
  "a `*.logic.azure.com` or `*.api.powerplatform.com` host",
  "https://prod-00.westus.logic.azure.com:443/workflows/0000/triggers/manual/paths/invoke?api-version=2016-06-01&sig=XXXX",
);
const DISCORD_URL = vendorUrl(
  "Discord",
  "`discord.com` (or `discordapp.com`), path `/api/webhooks/{id}/{token}`",
  "https://discord.com/api/webhooks/000000000000000000/XXXXXXXX",
);

export const PAGERDUTY_SEVERITIES = ["critical", "error", "warning", "info"] as const;
const PagerDutySeverity = z.enum(PAGERDUTY_SEVERITIES);

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

const ROUTING_KEY = /^[A-Za-z0-9]{32}$/;
const routingKey = z
  .string()
  .regex(ROUTING_KEY, "must be a PagerDuty integration (routing) key: 32 letters and digits")
  .openapi({
    description: "The Events API v2 integration key of a PagerDuty service (32 characters). A credential.",
    example: "R0123456789ABCDEF0123456789ABCDE",
  });
const pagerDutyRegion = z.enum(["us", "eu"]).openapi({
  description: "Which PagerDuty service region receives the events: `us` (events.pagerduty.com) or `eu`.",
  example: "us",
});
const pagerDutyUrl = HttpUrl.openapi({
  description:
    "The Events API endpoint; by default the region's (`https://events.pagerduty.com/v2/enqueue`, " +
    "`https://events.eu.pagerduty.com/v2/enqueue`). Only PagerDuty's event hosts are accepted.",
});

// HEC tokens are GUIDs; any printable token Splunk accepts is kept.
const hecToken = z
  .string()
  .regex(/^[\x21-\x7E]{1,256}$/, "must be a Splunk HEC token: 1 to 256 printable characters without spaces")
  .openapi({
    description: "The HTTP Event Collector token. A credential.",
    example: "11111111-2222-3333-4444-555555555555",
  });
const hecField = (what: string) =>
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x20-\x7E]+$/, "must be printable ASCII")
    .openapi({ description: `The events' ${what}; the token's default when absent.` });

const headerFields = { headers: WebhookHeaders.optional(), header: headerAlias };

// ---- Webhook payload conversion and call settings (Alert Logic's connection fields of the same names).

export const PAYLOAD_CONVERSION_TYPES = ["default", "json", "jq"] as const;
export const PayloadConversionType = z.enum(PAYLOAD_CONVERSION_TYPES).openapi("Payload-Conversion-Type", {
  description:
    "What a webhook sends: `default`, the notification document as it is; `json`, the `payload_template` with " +
    "its `{{field_path}}` placeholders filled from the notification document; `jq`, the one JSON value the jq " +
    "program in `payload_template` makes of the notification document (run with time, memory and output limits).",
  example: "json",
});
export type PayloadConversionType = z.infer<typeof PayloadConversionType>;

export const MAX_PAYLOAD_TEMPLATE_LENGTH = 65_536;
const payloadTemplate = z
  .string()
  .max(MAX_PAYLOAD_TEMPLATE_LENGTH)
  .openapi({
    description:
      "For `json` conversion: JSON text with `{{field_path}}` placeholders (dotted paths into the notification " +
      "document: `id`, `type`, `account_id`, `payload.x`, `notification_data.y`, `asset_data.z`, numeric segments " +
      "index arrays). A placeholder standing for a whole value becomes that value's JSON (a missing field is " +
      "`null`); one inside a JSON string becomes its text, escaped (a missing field or null is empty, objects and " +
      "arrays their JSON). For `jq` conversion: a jq program whose input is the notification document and whose " +
      'one output value is the body (e.g. `{text: "Incident \\(.payload.long_incident_id)"}`). Checked when saved.',
    example: '{"title": "Incident {{payload.incident_id}}", "severity": {{notification_data.threat_level}}}',
  });

export const WEBHOOK_METHODS = ["POST", "PUT", "PATCH"] as const;
const webhookMethod = z.enum(WEBHOOK_METHODS).openapi({
  description: "The HTTP method of each call; `POST` by default.",
  example: "POST",
});

const authHeader = z
  .string()
  .max(4096)
  .regex(HEADER_VALUE, "must be printable ASCII, spaces or tabs: no CR, LF, NUL, other control or non-ASCII characters")
  .openapi({
    description:
      "The `Authorization` header value sent with every call (e.g. `Basic dXNlcjpwYXNz` or `Bearer ...`: encode it " +
      "as the target requires). A credential: sealed at rest, answered masked. An empty string removes it.",
    example: "Bearer 0123456789abcdef",
  });

export const SIGNATURE_SCHEMES = ["hmac-sha256", "ed25519"] as const;
export const SignatureScheme = z.enum(SIGNATURE_SCHEMES).openapi("Signature-Scheme", {
  description:
    "How a webhook's calls are signed (Standard Webhooks): `hmac-sha256` (the default), `v1,` entries made with a " +
    "shared `whsec_` secret; or `ed25519`, `v1a,` entries made with a secret key only Herald holds, verified with its " +
    "`whpk_` public key. Changing it replaces the signing key; the previous one keeps signing for the rotation overlap.",
  example: "ed25519",
});
export type SignatureScheme = z.infer<typeof SignatureScheme>;

const conversionFields = {
  payload_conversion_type: PayloadConversionType.optional(),
  payload_template: payloadTemplate.optional(),
  method: webhookMethod.optional(),
  auth_header: authHeader.optional(),
  signature_scheme: SignatureScheme.optional(),
};

const webhookConfig = { target_url: targetUrl, ...headerFields, ...conversionFields };
const slackConfig = { target_url: SLACK_URL };
const msteamsConfig = { target_url: MSTEAMS_URL };
const discordConfig = { target_url: DISCORD_URL };
const pagerDutyConfig = {
  routing_key: routingKey,
  region: pagerDutyRegion.default("us"),
  target_url: pagerDutyUrl.optional(),
  severity_map: PagerDutySeverityMap.optional(),
  resolve_when: ResolveWhen.optional(),
};
const splunkHecConfig = {
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

// ---- Ticketing (Jira Cloud, Jira Service Management, ServiceNow): one ticket per incident, commented on or updated by
// later notifications about it. Field names are Alert Logic's (its console's Jira connection: jira_domain, email,
// api_token, project, reporter_id; its connectors' ServiceNow target: instance_name, auth_header).

const PRINTABLE_TOKEN = /^[\x21-\x7E]{1,1024}$/;
const jiraDomain = z
  .string()
  .min(1)
  .max(255)
  .openapi({
    description:
      "The Jira Cloud site: its host (`acme.atlassian.net`) or origin (`https://acme.atlassian.net`). Only " +
      "`*.atlassian.net` hosts over https are accepted.",
    example: "acme.atlassian.net",
  });
const jiraEmail = z.email().max(320).openapi({
  description: "The Atlassian account's e-mail address: with `api_token`, the HTTP Basic credentials of every call.",
  example: "soc-bot@example.com",
});
const apiToken = z
  .string()
  .regex(PRINTABLE_TOKEN, "must be an Atlassian API token: 1 to 1024 printable characters without spaces")
  .openapi({
    description: "An Atlassian API token of that account (id.atlassian.com → Security → API tokens). A credential.",
    example: "ATATT3xFfGF0aBcDeFgHiJkLmNoPqRsTuVwXyZ",
  });
const jiraProject = z
  .string()
  .regex(/^([A-Za-z][A-Za-z0-9_]{0,254}|\d{1,18})$/, "must be a Jira project key (SEC) or numeric project id")
  .openapi({ description: "The project issues are opened in: its key (`SEC`) or numeric id.", example: "SEC" });
const reporterId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9:_-]+$/, "must be an Atlassian account id")
  .openapi({
    description: "The Atlassian account id issues are reported as (`reporter`); the token's account when absent.",
    example: "5b10ac8d82e05b22cc7d4ef5",
  });
const issueType = z
  .string()
  .min(1)
  .max(255)
  .openapi({ description: "The issue type's name in the project; `Task` by default.", example: "Task" });
const jsmId = (what: string, example: string) =>
  z
    .string()
    .regex(/^\d{1,18}$/, `must be a numeric ${what} id`)
    .openapi({ description: `The ${what} id (a number, as text).`, example });
const snowInstance = z
  .string()
  .min(1)
  .max(255)
  .openapi({
    description:
      "The ServiceNow instance: its name (`acme` for `https://acme.service-now.com`) or origin. Only " +
      "`*.service-now.com` hosts over https are accepted.",
    example: "acme",
  });
const snowUsername = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^:\p{Cc}]+$/u, "must not contain ':' or control characters")
  .openapi({
    description: "A ServiceNow user for HTTP Basic authentication (with `password`), or send `auth_header` instead.",
    example: "herald.integration",
  });
const snowPassword = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^\P{Cc}+$/u, "must not contain control characters")
  .openapi({
    description: "That user's password. A credential.",
    example: "correct horse battery staple",
  });

const jiraConfig = {
  jira_domain: jiraDomain,
  email: jiraEmail,
  api_token: apiToken,
  project: jiraProject,
  reporter_id: reporterId.optional(),
  issue_type: issueType.optional(),
};
const jsdConfig = {
  jira_domain: jiraDomain,
  email: jiraEmail,
  api_token: apiToken,
  service_desk_id: jsmId("service desk", "4"),
  request_type_id: jsmId("request type", "25"),
};
const snowConfig = {
  instance_name: snowInstance,
  username: snowUsername.optional(),
  password: snowPassword.optional(),
  auth_header: authHeader.optional(),
};

type SnowAuth = { username?: string | undefined; password?: string | undefined; auth_header?: string | undefined };
const snowAuthGiven = (body: SnowAuth) =>
  (body.username !== undefined && body.password !== undefined) !==
  (body.auth_header !== undefined && body.auth_header !== "");
const snowAuthMessage = {
  path: ["auth_header"],
  message: "send either username and password (HTTP Basic) or auth_header (e.g. a Bearer token), not both",
};
// ---- E-mail ticketing (Alert Logic's `email` connection): the rendered notification e-mailed to one mailbox.

const MAX_SUBJECT_TEMPLATE_LENGTH = 1000;
const ticketingAddress = z
  .email("must be one e-mail address, such as tickets@example.com (no name, list or angle brackets)")
  .max(320)
  .openapi({
    description: "The one address every notification is e-mailed to, e.g. a ticketing system's mailbox.",
    example: "tickets@example.com",
  });
const subjectTemplate = z
  .string()
  .max(MAX_SUBJECT_TEMPLATE_LENGTH)
  .openapi({
    description:
      "Mustache template of the e-mail's subject, rendered like a subscription's `options.email_subject` (which it " +
      "overrides, as it does the notification type's `default_email_subject`) against `notification`, " +
      "`notification_data`, `asset_data`, `payload`, `account` and `display`. Checked when saved; an empty string " +
      "removes it.",
    example: "[Herald] {{display.threat}} incident {{payload.long_incident_id}}: {{display.summary}}",
  });
const emailConfig = { email: ticketingAddress, subject_template: subjectTemplate.optional() };

// ---- Delivery controls, for every type: how fast and how many at once Herald calls the integration.

export const MAX_RATE_PER_SECOND = 10_000;
export const ORDERINGS = ["none", "incident"] as const;
export const RateLimit = z
  .strictObject({
    per_second: z
      .number()
      .positive()
      .max(MAX_RATE_PER_SECOND)
      .openapi({ description: "Calls per second, sustained (e.g. 0.5 for one call every two seconds).", example: 5 }),
    burst: z.int().min(1).max(MAX_RATE_PER_SECOND).default(1).openapi({
      description:
        "Calls that may go at once after a quiet spell (a token bucket's size); 1 by default: every call spaced.",
      example: 10,
    }),
  })
  .openapi("Rate-Limit", {
    description:
      "The most calls Herald makes to the integration, across all its consumers: `per_second` sustained, up to " +
      "`burst` at once. Legs over it wait for their turn; they are not attempts and never fail for it.",
    example: { per_second: 5, burst: 10 },
  });
export type RateLimit = z.infer<typeof RateLimit>;

const MaxInFlight = z.int().min(1).max(1000).openapi({
  description: "The most calls to the integration at once, across all Herald's consumers.",
  example: 4,
});

const controlFields = {
  rate_limit: RateLimit.nullable()
    .optional()
    .openapi({
      description:
        "Herald's pace for this integration; null (or absent) for its type's default: Slack 1, Discord 2.5, Teams 4, " +
        "PagerDuty 2 calls per second, no limit for the other types.",
    }),
  max_in_flight: MaxInFlight.nullable()
    .optional()
    .openapi({ description: "Calls at once across all consumers; null (or absent) for no limit." }),
  ordering: z
    .enum(ORDERINGS)
    .optional()
    .openapi({
      description:
        "`incident`: the legs of one incident (`payload.long_incident_id`) reach the integration one at a time, in the " +
        "order their notifications were sent, while other incidents flow beside them; `none` (the default): no order.",
      example: "incident",
    }),
};

function createSchema<Type extends IntegrationType, Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return z.object({ name: integrationName, type: z.literal(type), ...shape, ...controlFields });
}

// Alert Logic's clients send webhooks without a type: a body with no `type` is a webhook.
const webhookRequest = z.object({
  name: integrationName,
  type: z.literal("webhook").optional(),
  ...webhookConfig,
  ...controlFields,
});
const CreateWebhook = webhookRequest
  .refine(aliasAgrees, aliasConflict)
  .transform((body) => ({ ...foldHeaderAlias(body), type: "webhook" as const }))
  .openapi("Create-Integration-Webhook", {
    description:
      "A webhook: Standard Webhooks-signed JSON calls with each notification, as it is or converted by a " +
      "`payload_template`.",
  });
const CreateSlack = createSchema("slack", slackConfig).openapi("Create-Integration-Slack", {
  description: "Posts each notification to a Slack channel as a Block Kit message.",
});
const CreateMsTeams = createSchema("msteams", msteamsConfig).openapi("Create-Integration-MsTeams", {
  description: "Posts each notification to a Teams channel or chat as an Adaptive Card (Workflows webhook).",
});
const CreatePagerDuty = createSchema("pagerduty", pagerDutyConfig).openapi("Create-Integration-PagerDuty", {
  description:
    "Triggers (and resolves) PagerDuty incidents, one per Herald incident: `dedup_key` is the notification's " +
    "incident key (`payload.long_incident_id`), so repeats update one PagerDuty incident.",
});
const CreateDiscord = createSchema("discord", discordConfig).openapi("Create-Integration-Discord", {
  description: "Posts each notification to a Discord channel as an embed.",
});
const CreateSplunkHec = createSchema("splunk_hec", splunkHecConfig).openapi("Create-Integration-Splunk-Hec", {
  description: "Sends each whole notification to a Splunk HTTP Event Collector as one event.",
});

const CreateJira = createSchema("jira", jiraConfig).openapi("Create-Integration-Jira", {
  description:
    "Opens one Jira Cloud issue per incident (REST API v3, HTTP Basic with the account's e-mail and API token); " +
    "later notifications about the incident (`payload.long_incident_id`, else `payload.incident_id`) comment on it. " +
    "An issue deleted in Jira is opened again.",
});
const CreateJsd = createSchema("jsd", jsdConfig).openapi("Create-Integration-Jsd", {
  description:
    "Raises one Jira Service Management request per incident in a service desk, with a request type; later " +
    "notifications about the incident comment on it.",
});
const snowRequest = createSchema("snow", snowConfig);
const CreateSnow = snowRequest.refine(snowAuthGiven, snowAuthMessage).openapi("Create-Integration-Snow", {
  description:
    "Opens one ServiceNow incident per incident (Table API); later notifications add work notes to it and a closing " +
    "one (`status` closed or resolved) resolves it. HTTP Basic (`username`, `password`) or `auth_header`.",
});
const CreateEmail = createSchema("email", emailConfig).openapi("Create-Integration-Email", {
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
const credentialOrMask = <T extends z.ZodType<string>>(schema: T) => z.union([z.string().regex(MASKED), schema]);

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

const answerCommon = {
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
const stampExample = {
  created: { at: 1517452871, by: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102" },
  modified: { at: 1517452871, by: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102" },
};
const maskedUrl = z.string().openapi({
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

const SlackIntegration = z
  .object({ ...answerCommon, type: z.literal("slack"), target_url: maskedUrl })
  .openapi("Integration-Slack");
const MsTeamsIntegration = z
  .object({ ...answerCommon, type: z.literal("msteams"), target_url: maskedUrl })
  .openapi("Integration-MsTeams");
const DiscordIntegration = z
  .object({ ...answerCommon, type: z.literal("discord"), target_url: maskedUrl })
  .openapi("Integration-Discord");
const PagerDutyIntegration = z
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
const SplunkHecIntegration = z
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
const EmailIntegration = z
  .object({
    ...answerCommon,
    type: z.literal("email"),
    email: z.string().openapi({ description: "Where each notification is e-mailed." }),
    subject_template: z.string().optional(),
  })
  .openapi("Integration-Email");

const jiraSite = z.string().openapi({ description: "The Jira Cloud site's host.", example: "acme.atlassian.net" });
const JiraIntegration = z
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
const JsdIntegration = z
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
const SnowIntegration = z
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

export const IntegrationTestRequest = z
  .object({
    notification_type: z.string().min(1).max(255).default("incidents/alerts").openapi({
      description: "Which notification type's sample to send (`incidents/alerts` by default).",
      example: "incidents/alerts",
    }),
  })
  .openapi("Integration-Test-Request", { example: { notification_type: "report/scheduled" } });
export type IntegrationTestRequest = z.infer<typeof IntegrationTestRequest>;

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
