// What every integration type shares: the type names, the webhook headers (and Alert Logic's `header` alias), the
// name, a target URL, and how credentials are answered masked.
import { HttpUrl } from "../common";
import { z } from "../zod";
import { INTEGRATION_TYPES } from "./types";

export { INTEGRATION_TYPES };

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
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 field values in US-ASCII: visible characters, spaces and tabs. A CR or LF would inject headers; other
// control characters and non-ASCII text are refused by HTTP stacks when the call is made, so never stored.
export const HEADER_VALUE = /^[\t\x20-\x7E]*$/;
export const MAX_HEADERS = 50;

export function hasDistinctNames(headers: Record<string, string>): boolean {
  const names = Object.keys(headers).map((name) => name.toLowerCase());
  return new Set(names).size === names.length;
}

export const headersSchema = z
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

export const headersDescription =
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
export const headerAlias = headersSchema.optional().openapi({
  description: "Deprecated alias of `headers`. If both are sent they must be equal.",
  deprecated: true,
});

export type HeaderFields = { headers?: WebhookHeaders; header?: WebhookHeaders };

export function sameHeaders(a: WebhookHeaders, b: WebhookHeaders): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => b[name] === a[name]);
}

export function aliasAgrees({ headers, header }: HeaderFields): boolean {
  return headers === undefined || header === undefined || sameHeaders(headers, header);
}
export const aliasConflict = { path: ["header"], message: "header and headers differ; send only headers" };

export function foldHeaderAlias<T extends HeaderFields>({ header, ...body }: T): Omit<T, "header"> {
  const headers = body.headers ?? header;
  return headers === undefined ? body : { ...body, headers };
}

export const integrationName = z.string().min(1).max(255).openapi({ example: "My Webhook" });
export const targetUrl = HttpUrl.openapi({
  description: "Where calls are POSTed: an absolute http(s) URL of at most 2048 characters, on a public address.",
  example: "https://www.example.com/webhook",
});

// ---- Per-type configuration. Credentials (vendor webhook URLs, routing keys, tokens) are sealed at rest and come
// back masked: `****` and their last four characters. Sending a masked value back in an update keeps the credential.

export const MASKED = /^\*{4}.{0,4}$/;
export const masked = (description: string) =>
  z.string().openapi({ description: `${description} Answers show it masked.`, example: "****a1b2" });
