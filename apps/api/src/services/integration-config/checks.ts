// The checks a saved configuration passes: target URLs and ticketing sites against each vendor's hosts, ServiceNow's
// one way to authenticate, a webhook's custom and authorization headers, and its payload conversion.
import type { IntegrationKind } from "@herald/db";
import { checkJqProgram, TemplateError } from "../../delivery/payload-conversion";
import { RESERVED_WEBHOOK_HEADERS } from "../../delivery/webhook";
import { ApiError } from "../../errors";
import type { TargetUrlPolicy } from "../../security/target-url";
import { checkIntegrationUrl, siteBaseUrl } from "../../security/vendor-urls";

export function requireUrl(type: IntegrationKind, url: string, policy: TargetUrlPolicy, field = "target_url"): string {
  const verdict = checkIntegrationUrl(type, url, policy);
  if (!verdict.ok)
    throw ApiError.invalid(field, `the ${field === "target_url" ? "target URL" : field} ${verdict.reason}`);
  return url;
}

type TicketingType = "jira" | "jsd" | "snow";
const SITE_FIELD: Record<TicketingType, string> = { jira: "jira_domain", jsd: "jira_domain", snow: "instance_name" };

/** A ticketing site as stored (its base URL), checked against its vendor's hosts. */
export function requireSite(type: TicketingType, typed: string, policy: TargetUrlPolicy): string {
  return requireUrl(type, siteBaseUrl(type, typed), policy, SITE_FIELD[type]);
}

/** ServiceNow takes HTTP Basic or an Authorization header: exactly one of the two, after an update as on create. */
export function requireSnowAuth(config: Record<string, unknown>, secrets: Record<string, string>): void {
  const basic = typeof config.username === "string" && secrets.password !== undefined;
  const header = secrets.auth_header !== undefined;
  if (basic === header)
    throw ApiError.invalid(
      "auth_header",
      "send either username and password (HTTP Basic) or auth_header (e.g. a Bearer token), not both",
    );
}

/** Custom headers may not replace the ones Herald signs and sets itself. */
export function requireCustomHeaders(headers: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(headers).find((name) => RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase()));
  if (reserved)
    throw ApiError.invalid(`headers.${reserved}`, `'${reserved}' is set by Herald and cannot be overridden`);
  return headers;
}

/** `auth_header` is the Authorization header: a custom one as well would make two. */
export function requireOneAuthorization(headers: Record<string, string>, authHeader: string | undefined): void {
  if (authHeader === undefined) return;
  const custom = Object.keys(headers).find((name) => name.toLowerCase() === "authorization");
  if (custom)
    throw ApiError.invalid("auth_header", `headers already has '${custom}': send the credential in one of the two`);
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
