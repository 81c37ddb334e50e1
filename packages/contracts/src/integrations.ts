import { AccountIdParam, Actor, HttpUrl, Id, pathParam } from "./common";
import { z } from "./zod";

export const IntegrationType = z
  .enum(["webhook"])
  .openapi("Integration-Type-Name", { description: "Kind of integration. Only webhooks so far.", example: "webhook" });
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

export const CreateIntegrationRequest = z
  .object({
    name: integrationName,
    type: IntegrationType.default("webhook"),
    target_url: targetUrl,
    headers: WebhookHeaders.optional(),
    header: headerAlias,
  })
  .refine(aliasAgrees, aliasConflict)
  .transform(foldHeaderAlias)
  .openapi("Create-Integration-Request", {
    description: "`type` defaults to `webhook`.",
    example: {
      name: "My Webhook",
      type: "webhook",
      target_url: "https://www.example.com/webhook",
      headers: { "X-Header": "HeaderValue" },
    },
  });
export type CreateIntegrationRequest = z.infer<typeof CreateIntegrationRequest>;

export const UpdateIntegrationRequest = z
  .object({
    name: integrationName.optional(),
    type: IntegrationType.optional(),
    target_url: targetUrl.optional(),
    headers: WebhookHeaders.optional(),
    header: headerAlias,
  })
  .refine(aliasAgrees, aliasConflict)
  .transform(foldHeaderAlias)
  .openapi("Update-Integration-Request", {
    description: "Partial update: only the properties sent change. `headers` replaces the whole set.",
    example: { target_url: "https://www.example.com/webhook/v2" },
  });
export type UpdateIntegrationRequest = z.infer<typeof UpdateIntegrationRequest>;

export const Integration = z
  .object({
    id: z.string(),
    account_id: z.string(),
    name: z.string(),
    type: IntegrationType,
    target_url: z.string(),
    headers: WebhookHeaders,
    header: WebhookHeaders,
    created: Actor,
    modified: Actor,
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
      created: { at: 1517452871, by: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102" },
      modified: { at: 1517452871, by: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102" },
    },
  });
export type Integration = z.infer<typeof Integration>;

export const IntegrationList = z.object({ integrations: z.array(Integration) }).openapi("Integration-List");
export type IntegrationList = z.infer<typeof IntegrationList>;

export const IntegrationTypeInfo = z.object({ name: IntegrationType }).openapi("Integration-Type", {
  example: { name: "webhook" },
});
export type IntegrationTypeInfo = z.infer<typeof IntegrationTypeInfo>;

export const IntegrationTypeList = z
  .object({ integration_types: z.array(IntegrationTypeInfo) })
  .openapi("Integration-Type-List");
export type IntegrationTypeList = z.infer<typeof IntegrationTypeList>;

export const IntegrationIdParam = AccountIdParam.extend({ id: pathParam("id", Id, "Integration id.") });
export type IntegrationIdParam = z.infer<typeof IntegrationIdParam>;
