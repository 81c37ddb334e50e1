import { AccountIdParam, EpochSeconds, Id, pathParam } from "./common";
import {
  INTEGRATION_CONFIG_SCHEMAS,
  IntegrationTestRequest,
  IntegrationTestResponse,
  SignatureScheme,
  WebhookHeaders,
} from "./integrations";
import { DeliveryStatus } from "./notifications";
import { z } from "./zod";

// Extensions beyond Alert Logic's definition: delivery inspection and retry, users for e-mail, test calls.

export const DeliveryAttempt = z
  .object({
    attempt: z.number().int().positive(),
    started_at: EpochSeconds,
    duration_ms: z.number().int().nonnegative(),
    response_code: z.number().int().optional().openapi({ description: "HTTP status of the target or provider." }),
    response_body: z.string().optional().openapi({ description: "The first 20 KB of the response." }),
    error: z.string().optional(),
    request_headers: z
      .record(z.string(), z.string())
      .optional()
      .openapi({
        description:
          "The HTTP request headers Herald sent (name → value), as sent, secrets masked: each `webhook-signature` " +
          "entry keeps its scheme (`v1,****`), credential-named headers (`authorization`, `cookie`, names with " +
          "`token`, `secret`, `key`, `password` or `auth`) show `****` and their last four characters. Absent when no " +
          "HTTP call was made (e-mail, a call refused before sending) and for attempts recorded before Herald kept them.",
        example: {
          "content-type": "application/json",
          "user-agent": "Herald-Webhooks/1.0",
          "webhook-id": "msg_3B8EAFA01E1A4744AB530EE45EA8B102",
          "webhook-timestamp": "1796515600",
          "webhook-signature": "v1,****",
          authorization: "****a1b2",
        },
      }),
    next_attempt_at: EpochSeconds.optional().openapi({ description: "When the next attempt is due, if any." }),
    trigger: z.enum(["queue", "retry", "recover", "replay"]).openapi({
      description:
        "What started the retry schedule this attempt belongs to: `queue` the notification's fan-out, `retry` a " +
        "manual retry of the delivery, `recover` or `replay` a job on its integration (`job_id`).",
    }),
    job_id: z.string().optional().openapi({ description: "The recover or replay job behind the attempt." }),
  })
  .openapi("Delivery-Attempt");
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

export const Delivery = z
  .object({
    id: z.string(),
    notification_id: z.string(),
    subscription_id: z.string(),
    channel: z.enum(["email", "webhook"]),
    destination: z.string().openapi({ description: "User id (email) or integration id (webhook)." }),
    address: z.string().optional().openapi({ description: "E-mail address or target URL it was sent to." }),
    status: DeliveryStatus,
    subject: z.string().optional(),
    attempts: z.array(DeliveryAttempt),
    next_attempt_at: EpochSeconds.optional(),
    last_error: z.string().optional(),
    sent_at: EpochSeconds.optional(),
    delivered_at: EpochSeconds.optional(),
    read_at: EpochSeconds.optional(),
    created: EpochSeconds,
  })
  .openapi("Delivery", { description: "One leg of a notification: its delivery to one destination." });
export type Delivery = z.infer<typeof Delivery>;

export const DeliveryList = z.object({ deliveries: z.array(Delivery) }).openapi("Delivery-List");
export type DeliveryList = z.infer<typeof DeliveryList>;

export const DeliveriesQuery = z.object({
  notification_id: z.string().min(1).openapi({ description: "The notification whose deliveries to list." }),
});
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

export const DeliveryIdParam = AccountIdParam.extend({ delivery_id: pathParam("delivery_id", Id, "Delivery id.") });
export type DeliveryIdParam = z.infer<typeof DeliveryIdParam>;

export const User = z
  .object({
    id: z.string(),
    account_id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    created: EpochSeconds,
    modified: EpochSeconds,
  })
  .openapi("User", { description: "A user of the account, as `user` subscribers name them: where e-mail goes." });
export type User = z.infer<typeof User>;

export const PutUserRequest = z
  .object({
    name: z.string().trim().min(1).max(255),
    email: z.email().max(320),
  })
  .openapi("Put-User-Request", { example: { name: "Ada Lovelace", email: "ada@example.com" } });
export type PutUserRequest = z.infer<typeof PutUserRequest>;

export const UserIdParam = AccountIdParam.extend({
  user_id: pathParam("user_id", z.string().min(1).max(255), "AIMS user id."),
});
export type UserIdParam = z.infer<typeof UserIdParam>;

export const UserList = z.object({ users: z.array(User) }).openapi("User-List");
export type UserList = z.infer<typeof UserList>;

export const WebhookTestRequest = z
  .object({
    url: z.string().min(1).max(2048),
    method: z.enum(["POST", "PUT", "PATCH", "GET"]).default("POST"),
    data: z.unknown().optional().openapi({ description: "JSON body to send; a sample notification when absent." }),
    headers: WebhookHeaders.optional(),
  })
  .openapi("Webhook-Test-Request", { example: { url: "https://hooks.example.com/herald", method: "POST" } });
export type WebhookTestRequest = z.infer<typeof WebhookTestRequest>;

export const WebhookTestResponse = z
  .object({
    rawbody: z.string().openapi({ description: "The first 20 KB of the target's answer." }),
    code: z.number().int().openapi({ description: "The target's HTTP status; 0 when it could not be reached." }),
  })
  .openapi("Webhook-Test-Response", { example: { code: 200, rawbody: "ok" } });
export type WebhookTestResponse = z.infer<typeof WebhookTestResponse>;

/** The answer of the older `POST /webhook/test` (no account in the path), as @al/herald's `testWebhook` reads it. */
export const LegacyWebhookTestResponse = z
  .object({ response: WebhookTestResponse })
  .openapi("Legacy-Webhook-Test-Response", { example: { response: { code: 200, rawbody: "ok" } } });
export type LegacyWebhookTestResponse = z.infer<typeof LegacyWebhookTestResponse>;

const emailConfiguration = INTEGRATION_CONFIG_SCHEMAS.email.shape;

/** `test_email` is the `email` integration type's configuration test (Alert Logic's console sends `{email}`). */
export const EmailTestRequest = z
  .object({
    email: emailConfiguration.email,
    subject_template: emailConfiguration.subject_template,
    name: emailConfiguration.name.optional(),
    type: z.string().optional().openapi({ description: "May be left out; if sent it must be `email`." }),
    notification_type: IntegrationTestRequest.shape.notification_type,
  })
  .openapi("Email-Test-Request", {
    description:
      "An `email` integration's configuration as its create request takes it (`name` may be left out), and which " +
      "notification type's sample to send. Nothing is stored.",
    example: { email: "tickets@example.com", subject_template: "[Herald] {{display.summary}}" },
  });
export type EmailTestRequest = z.infer<typeof EmailTestRequest>;

export const EmailTestResponse = IntegrationTestResponse.openapi("Email-Test-Response", {
  example: {
    code: 200,
    rawbody: "captured",
    delivered: true,
    to: "tickets@example.com",
    subject: "[Herald] Herald test notification: a sample incident",
    request_body: "High incident ...",
  },
});
export type EmailTestResponse = z.infer<typeof EmailTestResponse>;

export const CapturedEmail = z
  .object({
    id: z.string(),
    delivery_id: z.string().nullable(),
    to: z.string(),
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    created: EpochSeconds,
  })
  .openapi("Captured-Email", { description: "An e-mail kept by the local `capture` transport." });
export type CapturedEmail = z.infer<typeof CapturedEmail>;

export const CapturedEmailList = z.object({ emails: z.array(CapturedEmail) }).openapi("Captured-Email-List");
export type CapturedEmailList = z.infer<typeof CapturedEmailList>;

export const SigningSecret = z
  .object({
    key: z.string().openapi({
      description:
        "What verifies deliveries (Standard Webhooks): the `whsec_` secret of an `hmac-sha256` integration, the " +
        "`whpk_` public key of an `ed25519` one (its secret key never leaves Herald).",
    }),
    signature_scheme: SignatureScheme,
    previous_key_expires_at: EpochSeconds.optional().openapi({
      description: "While set, deliveries are also signed with the previous key, until then.",
    }),
  })
  .openapi("Signing-Secret");
export type SigningSecret = z.infer<typeof SigningSecret>;
