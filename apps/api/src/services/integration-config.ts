// Each integration type's configuration as the API takes and shows it, and as a row stores it: what is checked when it
// is saved, what is a credential (sealed in `secrets`, masked in answers), what is plain settings (`config`), and
// where calls go (`targetUrl`, never a credential). One table of types, so adding a type is one entry here.
import type {
  CreateIntegrationRequest,
  Integration,
  UpdateIntegrationRequest,
  WebhookIntegration,
} from "@herald/contracts";
import type { IntegrationKind, IntegrationRow } from "@herald/db";
import { publicKeyOf } from "@herald/webhooks";
import { effectiveRateLimit } from "../delivery/call-limits";
import { subjectTemplateProblem } from "../delivery/email/render";
import { checkJqProgram, jsonTemplate, TemplateError } from "../delivery/payload-conversion";
import { signatureSchemeOf } from "../delivery/signing";
import { RESERVED_WEBHOOK_HEADERS } from "../delivery/webhook";
import { ApiError } from "../errors";
import { stamp } from "../mappers/stamp";
import { keepMaskedCredentials, maskCredential, maskHeaders } from "../security/integration-secrets";
import type { TargetUrlPolicy } from "../security/target-url";
import { checkIntegrationUrl, maskUrl, siteBaseUrl, siteShown } from "../security/vendor-urls";

/** The parts of a row an integration's configuration decides. */
export type StoredConfig = Pick<IntegrationRow, "targetUrl" | "headers" | "config" | "secrets">;

const PAGERDUTY_EVENTS_URL = {
  us: "https://events.pagerduty.com/v2/enqueue",
  eu: "https://events.eu.pagerduty.com/v2/enqueue",
} as const;

/** The properties of update requests each type takes (besides `name`). */
const UPDATABLE: Record<IntegrationKind, readonly string[]> = {
  webhook: [
    "target_url",
    "headers",
    "payload_conversion_type",
    "payload_template",
    "method",
    "auth_header",
    "signature_scheme",
  ],
  slack: ["target_url"],
  msteams: ["target_url"],
  discord: ["target_url"],
  pagerduty: ["routing_key", "region", "target_url", "severity_map", "resolve_when"],
  splunk_hec: ["target_url", "token", "index", "source", "sourcetype"],
  jira: ["jira_domain", "email", "api_token", "project", "reporter_id", "issue_type"],
  jsd: ["jira_domain", "email", "api_token", "service_desk_id", "request_type_id"],
  snow: ["instance_name", "username", "password", "auth_header"],
  email: ["email", "subject_template"],
};

/** The delivery controls every type takes (services/integrations.ts stores them, not this table). */
const CONTROLS: readonly string[] = ["rate_limit", "max_in_flight", "ordering"];

function requireUrl(type: IntegrationKind, url: string, policy: TargetUrlPolicy, field = "target_url"): string {
  const verdict = checkIntegrationUrl(type, url, policy);
  if (!verdict.ok)
    throw ApiError.invalid(field, `the ${field === "target_url" ? "target URL" : field} ${verdict.reason}`);
  return url;
}

type TicketingType = "jira" | "jsd" | "snow";
const SITE_FIELD: Record<TicketingType, string> = { jira: "jira_domain", jsd: "jira_domain", snow: "instance_name" };

/** A ticketing site as stored (its base URL), checked against its vendor's hosts. */
function requireSite(type: TicketingType, typed: string, policy: TargetUrlPolicy): string {
  return requireUrl(type, siteBaseUrl(type, typed), policy, SITE_FIELD[type]);
}

/** ServiceNow takes HTTP Basic or an Authorization header: exactly one of the two, after an update as on create. */
function requireSnowAuth(config: Record<string, unknown>, secrets: Record<string, string>): void {
  const basic = typeof config.username === "string" && secrets.password !== undefined;
  const header = secrets.auth_header !== undefined;
  if (basic === header)
    throw ApiError.invalid(
      "auth_header",
      "send either username and password (HTTP Basic) or auth_header (e.g. a Bearer token), not both",
    );
}

/** Custom headers may not replace the ones Herald signs and sets itself. */
function requireCustomHeaders(headers: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(headers).find((name) => RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase()));
  if (reserved)
    throw ApiError.invalid(`headers.${reserved}`, `'${reserved}' is set by Herald and cannot be overridden`);
  return headers;
}

interface WebhookSettings {
  payload_conversion_type?: string | undefined;
  payload_template?: string | undefined;
  method?: string | undefined;
}

/**
 * A webhook's conversion settings as stored: only what differs from the defaults (no conversion, POST), a `json`
 * template compiled first, so one that does not compile or would not give JSON is a 400 naming the problem. A `jq`
 * program is compiled in its sandbox, which is asynchronous: checkConversion, before the row is written.
 */
function webhookConfig(settings: WebhookSettings): Record<string, unknown> {
  const conversion = settings.payload_conversion_type ?? "default";
  const template = settings.payload_template ?? "";
  if (conversion === "json" || conversion === "jq") {
    if (template.trim() === "")
      throw ApiError.invalid("payload_template", `${conversion} conversion needs a payload_template`);
    if (conversion === "json") {
      try {
        jsonTemplate(template);
      } catch (error) {
        if (error instanceof TemplateError) throw ApiError.invalid("payload_template", `the template ${error.message}`);
        throw error;
      }
    }
  } else if (template !== "") {
    throw ApiError.invalid(
      "payload_template",
      "a payload_template applies only with payload_conversion_type json or jq",
    );
  }
  return defined({
    payload_conversion_type: conversion === "default" ? undefined : conversion,
    payload_template: conversion === "default" ? undefined : template,
    method: settings.method === "POST" ? undefined : settings.method,
  });
}

/**
 * Compiles a `jq` program about to be stored (or test-called) in its sandbox: one that does not compile is a 400
 * naming the problem, with the engine's line and column.
 */
export async function checkConversion(config: Record<string, unknown> | undefined): Promise<void> {
  if (config?.payload_conversion_type !== "jq" || typeof config.payload_template !== "string") return;
  try {
    await checkJqProgram(config.payload_template);
  } catch (error) {
    if (error instanceof TemplateError) throw ApiError.invalid("payload_template", `the jq program ${error.message}`);
    throw error;
  }
}

/** `auth_header` is the Authorization header: a custom one as well would make two. */
function requireOneAuthorization(headers: Record<string, string>, authHeader: string | undefined): void {
  if (authHeader === undefined) return;
  const custom = Object.keys(headers).find((name) => name.toLowerCase() === "authorization");
  if (custom)
    throw ApiError.invalid("auth_header", `headers already has '${custom}': send the credential in one of the two`);
}

/**
 * An `email` integration's settings as stored: its subject template, checked as Mustache now so a broken one is a 400
 * rather than a fallback subject on every ticket. An empty template is none. The address is the row's `targetUrl`:
 * where its e-mails go, as answers and the attempts log show it (an address, not a credential).
 */
function emailConfig(subjectTemplate: string | undefined): Record<string, unknown> {
  if (subjectTemplate === undefined || subjectTemplate.trim() === "") return {};
  const problem = subjectTemplateProblem(subjectTemplate);
  if (problem) throw ApiError.invalid("subject_template", `is not a valid Mustache template: ${problem}`);
  return { subject_template: subjectTemplate };
}

/** Settings with the absent ones left out, so a row stores only what was said. */
function defined(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

/** What a create request stores, checked (wrong host for the type, reserved headers): a 400 before anything is written. */
export function storedFromCreate(body: CreateIntegrationRequest, policy: TargetUrlPolicy): StoredConfig {
  switch (body.type) {
    case "webhook": {
      const headers = requireCustomHeaders(body.headers ?? {});
      const authHeader = body.auth_header || undefined;
      requireOneAuthorization(headers, authHeader);
      return {
        targetUrl: requireUrl("webhook", body.target_url, policy),
        headers,
        config: webhookConfig(body),
        secrets: authHeader === undefined ? {} : { auth_header: authHeader },
      };
    }
    case "slack":
    case "msteams":
    case "discord": {
      const url = requireUrl(body.type, body.target_url, policy);
      return { targetUrl: maskUrl(url), headers: {}, config: {}, secrets: { url } };
    }
    case "pagerduty":
      return {
        targetUrl: requireUrl("pagerduty", body.target_url ?? PAGERDUTY_EVENTS_URL[body.region], policy),
        headers: {},
        config: defined({ region: body.region, severity_map: body.severity_map, resolve_when: body.resolve_when }),
        secrets: { routing_key: body.routing_key },
      };
    case "splunk_hec":
      return {
        targetUrl: requireUrl("splunk_hec", body.target_url, policy),
        headers: {},
        config: defined({ index: body.index, source: body.source, sourcetype: body.sourcetype }),
        secrets: { token: body.token },
      };
    case "jira":
      return {
        targetUrl: requireSite("jira", body.jira_domain, policy),
        headers: {},
        config: defined({
          email: body.email,
          project: body.project,
          reporter_id: body.reporter_id,
          issue_type: body.issue_type,
        }),
        secrets: { api_token: body.api_token },
      };
    case "jsd":
      return {
        targetUrl: requireSite("jsd", body.jira_domain, policy),
        headers: {},
        config: { email: body.email, service_desk_id: body.service_desk_id, request_type_id: body.request_type_id },
        secrets: { api_token: body.api_token },
      };
    case "snow": {
      const config = defined({ username: body.username });
      const secrets = defined({ password: body.password, auth_header: body.auth_header || undefined }) as Record<
        string,
        string
      >;
      requireSnowAuth(config, secrets);
      return { targetUrl: requireSite("snow", body.instance_name, policy), headers: {}, config, secrets };
    }
    case "email":
      return { targetUrl: body.email, headers: {}, config: emailConfig(body.subject_template), secrets: {} };
  }
}

/** A credential an update sent: the masked value the last answer showed keeps the stored one. */
function keptCredential(current: string | undefined, sent: string | undefined): string | undefined {
  if (sent === undefined || current === undefined) return sent;
  return sent === maskCredential(current) ? current : sent;
}

/**
 * What an update changes, given the integration as stored (opened): only the properties its type takes, each checked
 * as on create. Undefined parts are left as they are.
 */
export function storedFromUpdate(
  current: IntegrationRow,
  body: UpdateIntegrationRequest,
  policy: TargetUrlPolicy,
): Partial<StoredConfig> {
  const type = current.type;
  if (body.type !== undefined && body.type !== type)
    throw ApiError.invalid("type", `an integration keeps its type (${type}); create a new one instead`);
  const sent = Object.keys(body).filter(
    (key) => key !== "name" && key !== "type" && body[key as keyof typeof body] !== undefined,
  );
  const foreign = sent.find((key) => !UPDATABLE[type].includes(key) && !CONTROLS.includes(key));
  if (foreign) throw ApiError.invalid(foreign, `'${foreign}' does not apply to a ${type} integration`);

  switch (type) {
    case "webhook": {
      const headers =
        body.headers === undefined
          ? undefined
          : keepMaskedCredentials(current.headers, requireCustomHeaders(body.headers));
      const authHeader =
        body.auth_header === undefined
          ? current.secrets.auth_header
          : keptCredential(current.secrets.auth_header, body.auth_header) || undefined;
      requireOneAuthorization(headers ?? current.headers, authHeader);
      const { auth_header: _previous, ...otherSecrets } = current.secrets;
      const conversionSent = [body.payload_conversion_type, body.payload_template, body.method].some(
        (value) => value !== undefined,
      );
      const stored = current.config as WebhookSettings;
      // Switching back to `default` drops the stored template rather than keeping one that no longer applies.
      const keptTemplate = body.payload_conversion_type === "default" ? undefined : stored.payload_template;
      return defined({
        targetUrl: body.target_url === undefined ? undefined : requireUrl(type, body.target_url, policy),
        headers,
        config: conversionSent
          ? webhookConfig({
              payload_conversion_type: body.payload_conversion_type ?? stored.payload_conversion_type,
              payload_template: body.payload_template ?? keptTemplate,
              method: body.method ?? stored.method,
            })
          : undefined,
        secrets:
          body.auth_header === undefined ? undefined : { ...otherSecrets, ...defined({ auth_header: authHeader }) },
      }) as Partial<StoredConfig>;
    }
    case "slack":
    case "msteams":
    case "discord": {
      if (body.target_url === undefined || body.target_url === current.targetUrl) return {};
      const url = requireUrl(type, body.target_url, policy);
      return { targetUrl: maskUrl(url), secrets: { url } };
    }
    case "pagerduty": {
      const region = body.region ?? (current.config.region as "us" | "eu" | undefined) ?? "us";
      const targetUrl =
        body.target_url !== undefined
          ? requireUrl(type, body.target_url, policy)
          : body.region !== undefined
            ? PAGERDUTY_EVENTS_URL[region]
            : undefined;
      return defined({
        targetUrl,
        config: {
          ...current.config,
          ...defined({ region: body.region, severity_map: body.severity_map, resolve_when: body.resolve_when }),
        },
        secrets: {
          ...current.secrets,
          ...defined({ routing_key: keptCredential(current.secrets.routing_key, body.routing_key) }),
        },
      }) as Partial<StoredConfig>;
    }
    case "splunk_hec":
      return defined({
        targetUrl: body.target_url === undefined ? undefined : requireUrl(type, body.target_url, policy),
        config: {
          ...current.config,
          ...defined({ index: body.index, source: body.source, sourcetype: body.sourcetype }),
        },
        secrets: { ...current.secrets, ...defined({ token: keptCredential(current.secrets.token, body.token) }) },
      }) as Partial<StoredConfig>;
    case "jira":
    case "jsd":
      return defined({
        targetUrl: body.jira_domain === undefined ? undefined : requireSite(type, body.jira_domain, policy),
        config: {
          ...current.config,
          ...defined({
            email: body.email,
            project: body.project,
            reporter_id: body.reporter_id,
            issue_type: body.issue_type,
            service_desk_id: body.service_desk_id,
            request_type_id: body.request_type_id,
          }),
        },
        secrets: {
          ...current.secrets,
          ...defined({ api_token: keptCredential(current.secrets.api_token, body.api_token) }),
        },
      }) as Partial<StoredConfig>;
    case "snow": {
      // Sending one kind of credential replaces the other kind: a ServiceNow integration authenticates one way.
      const { password, auth_header: header, ...otherSecrets } = current.secrets;
      const { username, ...otherConfig } = current.config;
      const basicSent = body.username !== undefined || body.password !== undefined;
      const headerSent = body.auth_header !== undefined;
      const config = defined({
        ...otherConfig,
        username: headerSent && !basicSent ? undefined : (body.username ?? username),
      });
      const secrets = defined({
        ...otherSecrets,
        password: headerSent && !basicSent ? undefined : keptCredential(password, body.password ?? password),
        auth_header:
          basicSent && !headerSent ? undefined : keptCredential(header, body.auth_header ?? header) || undefined,
      }) as Record<string, string>;
      requireSnowAuth(config, secrets);
      return defined({
        targetUrl: body.instance_name === undefined ? undefined : requireSite("snow", body.instance_name, policy),
        config,
        secrets,
      }) as Partial<StoredConfig>;
    }
    case "email":
      return defined({
        targetUrl: body.email,
        config: body.subject_template === undefined ? undefined : emailConfig(body.subject_template),
      }) as Partial<StoredConfig>;
  }
}

/** How a webhook's calls are signed, and with Ed25519 the public key that verifies them: anyone who reads it may. */
function signatureFields(signingSecret: string): Pick<WebhookIntegration, "signature_scheme" | "public_key"> {
  const scheme = signatureSchemeOf(signingSecret);
  const publicKey = scheme === "ed25519" ? publicKeyOf(signingSecret) : undefined;
  return { signature_scheme: scheme, ...(publicKey === undefined ? {} : { public_key: publicKey }) };
}

/** The wire form of an opened row: credentials masked, signing secrets left out (an Ed25519 public key shown). */
export function toIntegration(row: IntegrationRow): Integration {
  const common = {
    id: row.id,
    account_id: row.accountId,
    name: row.name,
    rate_limit: effectiveRateLimit(row),
    max_in_flight: row.maxInFlight,
    ordering: row.ordering ?? ("none" as const),
    paused: row.pausedAt !== null,
    ...(row.pausedAt === null ? {} : { paused_at: Math.floor(row.pausedAt / 1000) }),
    ...(row.disabledAt === null
      ? {}
      : { disabled_at: Math.floor(row.disabledAt / 1000), disabled_reason: row.disabledReason ?? "" }),
    created: stamp(row.createdAt, row.createdBy),
    modified: stamp(row.modifiedAt, row.modifiedBy),
  };
  const credential = (name: string) => maskCredential(row.secrets[name] ?? "");
  switch (row.type) {
    case "webhook": {
      const headers = maskHeaders(row.headers);
      const settings = row.config as WebhookSettings;
      // The 2021 definition names the field `header`; its example says `headers`. Both, so either kind of client reads it.
      return {
        ...common,
        type: "webhook",
        target_url: row.targetUrl,
        headers,
        header: headers,
        payload_conversion_type:
          settings.payload_conversion_type === "json" || settings.payload_conversion_type === "jq"
            ? settings.payload_conversion_type
            : "default",
        ...(settings.payload_template === undefined ? {} : { payload_template: settings.payload_template }),
        method: (settings.method as WebhookIntegration["method"] | undefined) ?? "POST",
        ...(row.secrets.auth_header === undefined ? {} : { auth_header: credential("auth_header") }),
        ...signatureFields(row.signingSecret),
      };
    }
    case "slack":
    case "msteams":
    case "discord":
      return { ...common, type: row.type, target_url: row.targetUrl };
    case "pagerduty":
      return {
        ...common,
        type: "pagerduty",
        routing_key: credential("routing_key"),
        region: (row.config.region as "us" | "eu" | undefined) ?? "us",
        target_url: row.targetUrl,
        ...(defined({ severity_map: row.config.severity_map, resolve_when: row.config.resolve_when }) as Pick<
          Extract<Integration, { type: "pagerduty" }>,
          "severity_map" | "resolve_when"
        >),
      };
    case "splunk_hec":
      return {
        ...common,
        type: "splunk_hec",
        target_url: row.targetUrl,
        token: credential("token"),
        ...(defined({ index: row.config.index, source: row.config.source, sourcetype: row.config.sourcetype }) as {
          index?: string;
          source?: string;
          sourcetype?: string;
        }),
      };
    case "jira":
      return {
        ...common,
        type: "jira",
        jira_domain: siteShown(row.targetUrl),
        email: String(row.config.email ?? ""),
        api_token: credential("api_token"),
        project: String(row.config.project ?? ""),
        ...(typeof row.config.reporter_id === "string" ? { reporter_id: row.config.reporter_id } : {}),
        issue_type: typeof row.config.issue_type === "string" ? row.config.issue_type : "Task",
      };
    case "jsd":
      return {
        ...common,
        type: "jsd",
        jira_domain: siteShown(row.targetUrl),
        email: String(row.config.email ?? ""),
        api_token: credential("api_token"),
        service_desk_id: String(row.config.service_desk_id ?? ""),
        request_type_id: String(row.config.request_type_id ?? ""),
      };
    case "snow":
      return {
        ...common,
        type: "snow",
        instance_name: siteShown(row.targetUrl),
        ...(typeof row.config.username === "string" ? { username: row.config.username } : {}),
        ...(row.secrets.password === undefined ? {} : { password: credential("password") }),
        ...(row.secrets.auth_header === undefined ? {} : { auth_header: credential("auth_header") }),
      };
    case "email":
      return {
        ...common,
        type: "email",
        email: row.targetUrl,
        ...(typeof row.config.subject_template === "string" ? { subject_template: row.config.subject_template } : {}),
      };
  }
}
