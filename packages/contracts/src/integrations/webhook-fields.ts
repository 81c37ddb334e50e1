// A webhook's configuration: target, headers, payload conversion, method, Authorization header and signatures
// (Alert Logic's connection fields of the same names).
import { z } from "../zod";
import { HEADER_VALUE, headerAlias, targetUrl, WebhookHeaders } from "./fields";

export const headerFields = { headers: WebhookHeaders.optional(), header: headerAlias };

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
export const payloadTemplate = z
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
export const webhookMethod = z.enum(WEBHOOK_METHODS).openapi({
  description: "The HTTP method of each call; `POST` by default.",
  example: "POST",
});

export const authHeader = z
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

export const conversionFields = {
  payload_conversion_type: PayloadConversionType.optional(),
  payload_template: payloadTemplate.optional(),
  method: webhookMethod.optional(),
  auth_header: authHeader.optional(),
  signature_scheme: SignatureScheme.optional(),
};

export const webhookConfig = { target_url: targetUrl, ...headerFields, ...conversionFields };
