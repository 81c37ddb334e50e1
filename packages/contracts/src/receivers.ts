import { DeliveryStatus } from "./notifications";
import { z } from "./zod";

// What Herald receives from outside without a token: delivery events from the e-mail provider, and receivers'
// acknowledgements of webhooks. Both are authenticated by their Standard Webhooks signature.

export const StandardWebhookHeaders = z.object({
  "webhook-id": z.string().openapi({ description: "`msg_<delivery id>`: the id of the webhook being acknowledged." }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds, within 5 minutes of Herald's clock." }),
  "webhook-signature": z.string().openapi({
    description: "`v1,<base64 HMAC-SHA256 of {id}.{timestamp}.{body}>` with the integration's signing secret.",
  }),
});
export type StandardWebhookHeaders = z.infer<typeof StandardWebhookHeaders>;

export const SvixWebhookHeaders = z.object({
  "svix-id": z.string(),
  "svix-timestamp": z.string(),
  "svix-signature": z.string().openapi({ description: "Signed with `RESEND_WEBHOOK_SECRET`." }),
});
export type SvixWebhookHeaders = z.infer<typeof SvixWebhookHeaders>;

export const ResendEvent = z
  .looseObject({
    type: z.string().openapi({ example: "email.delivered" }),
    created_at: z.string().optional(),
    data: z
      .looseObject({
        email_id: z
          .string()
          .optional()
          .openapi({ description: "Resend's id of the e-mail, answered when it was sent." }),
        to: z.array(z.string()).optional(),
        bounce: z.looseObject({ message: z.string().optional() }).optional(),
        failed: z.looseObject({ reason: z.string().optional() }).optional(),
      })
      .optional(),
  })
  .openapi("Resend-Event", {
    description:
      "A Resend webhook event. `email.delivered`, `email.opened`, `email.bounced` and `email.failed` move the delivery " +
      "forward; other types are acknowledged and ignored.",
    example: {
      type: "email.delivered",
      created_at: "2026-04-20T12:00:00.000Z",
      data: { email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c", to: ["ada@example.com"] },
    },
  });
export type ResendEvent = z.infer<typeof ResendEvent>;

export const WebhookAcknowledgement = z
  .record(z.string(), z.unknown())
  .openapi("Webhook-Acknowledgement", { description: "Any JSON body: it is signed, not read.", example: {} });
export type WebhookAcknowledgement = z.infer<typeof WebhookAcknowledgement>;

export const ReceiptResult = z
  .object({
    outcome: z.enum(["advanced", "unchanged", "ignored", "unknown"]).openapi({
      description:
        "`advanced`: the delivery moved to `status`; `unchanged`: it was there or further already (a replay); " +
        "`ignored`: an event Herald does not track; `unknown`: no delivery has this provider id.",
    }),
    delivery_id: z.string().optional(),
    status: DeliveryStatus.optional().openapi({ description: "The delivery's status after the receipt." }),
  })
  .openapi("Receipt-Result", {
    example: { outcome: "advanced", delivery_id: "0E9C6B0A-2C55-4F0B-9B64-6F6B3B3E2A11", status: "READ" },
  });
export type ReceiptResult = z.infer<typeof ReceiptResult>;
