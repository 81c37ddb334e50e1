// An update request applied to a stored configuration: only the properties its type takes, each checked as on
// create, and a credential sent back masked (as the last answer showed it) kept as stored.
import type { UpdateIntegrationRequest } from "@herald/contracts";
import type { IntegrationKind, IntegrationRow } from "@herald/db";
import { ApiError } from "../../errors";
import { keepMaskedCredentials, maskCredential } from "../../security/integration-secrets";
import type { TargetUrlPolicy } from "../../security/target-url";
import { maskUrl } from "../../security/vendor-urls";
import { requireCustomHeaders, requireOneAuthorization, requireSite, requireSnowAuth, requireUrl } from "./checks";
import {
  defined,
  emailConfig,
  PAGERDUTY_EVENTS_URL,
  type StoredConfig,
  type WebhookSettings,
  webhookConfig,
} from "./stored";

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
