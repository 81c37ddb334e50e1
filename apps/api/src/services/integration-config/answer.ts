// An integration as the API answers it: credentials masked, signing secrets left out.
import type { Integration, WebhookIntegration } from "@herald/contracts";
import type { IntegrationRow } from "@herald/db";
import { publicKeyOf } from "@herald/webhooks";
import { effectiveRateLimit } from "../../delivery/call-limits";
import { signatureSchemeOf } from "../../delivery/signing";
import { stamp } from "../../mappers/stamp";
import { maskCredential, maskHeaders } from "../../security/integration-secrets";
import { siteShown } from "../../security/vendor-urls";
import { defined, type WebhookSettings } from "./stored";

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
