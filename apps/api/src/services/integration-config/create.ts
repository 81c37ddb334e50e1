// A create request's configuration, checked, as a row stores it.
import type { CreateIntegrationRequest } from "@herald/contracts";
import type { TargetUrlPolicy } from "../../security/target-url";
import { maskUrl } from "../../security/vendor-urls";
import { requireCustomHeaders, requireOneAuthorization, requireSite, requireSnowAuth, requireUrl } from "./checks";
import { defined, emailConfig, PAGERDUTY_EVENTS_URL, type StoredConfig, webhookConfig } from "./stored";

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
