import { ContinuationIdQuery, EpochSeconds, EpochSecondsQuery, LimitQuery, pageFields, SortQuery } from "./common";
import { z } from "./zod";

// Herald extension: the audit log of every change to an account's configuration (README "Audit log").

export const AUDIT_TARGET_TYPES = [
  "subscription",
  "integration",
  "user",
  "notification_type",
  "access_key",
  "portal_link",
] as const;

export const AuditTargetType = z.enum(AUDIT_TARGET_TYPES).openapi("Audit-Target-Type", {
  description:
    "What kind of object the change was made to. Subscriber changes are changes to their subscription; access keys " +
    "are created by the operator CLI (`admin provision-account`).",
  example: "integration",
});
export type AuditTargetType = z.infer<typeof AuditTargetType>;

export const AUDIT_ACTIONS = [
  "subscription.created",
  "subscription.updated",
  "subscription.deleted",
  "subscription.subscriber_added",
  "subscription.subscriber_removed",
  "subscription.subscribers_updated",
  "integration.created",
  "integration.updated",
  "integration.deleted",
  "integration.secret_rotated",
  "integration.paused",
  "integration.resumed",
  "user.created",
  "user.updated",
  "user.deleted",
  "notification_type.created",
  "notification_type.updated",
  "notification_type.deleted",
  "access_key.created",
  "portal_link.created",
] as const;

export const AuditAction = z.enum(AUDIT_ACTIONS).openapi("Audit-Action", {
  description: "`<target type>.<what happened>`.",
  example: "integration.secret_rotated",
});
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditChanges = z
  .object({
    before: z.record(z.string(), z.unknown()).optional().openapi({
      description: "The target before the change (for updates, only the fields that changed). Absent for creations.",
    }),
    after: z.record(z.string(), z.unknown()).optional().openapi({
      description: "The target after the change (for updates, only the fields that changed). Absent for deletions.",
    }),
  })
  .openapi("Audit-Changes", {
    description:
      "What changed, in the target's wire form. Credentials are masked as answers mask them (`****abcd`); signing " +
      "secrets appear only masked.",
    example: { before: { name: "Ops hook" }, after: { name: "Ops webhook" } },
  });
export type AuditChanges = z.infer<typeof AuditChanges>;

export const AuditEvent = z
  .object({
    id: z.string(),
    account_id: z.string(),
    seq: z.number().int().positive().openapi({ description: "1, 2, 3... per account, without gaps." }),
    occurred_at: EpochSeconds,
    actor: z.string().openapi({ description: "The user the token acted as, or `system` for an operator command." }),
    access_key_id: z.string().optional().openapi({ description: "The access key the token was issued for." }),
    token_id: z
      .string()
      .optional()
      .openapi({ description: "The id (`jti`) of the token that made the call; never the token itself." }),
    action: AuditAction,
    target_type: AuditTargetType,
    target_id: z.string(),
    changes: AuditChanges,
    prev_hash: z
      .string()
      .openapi({ description: "The hash of the account's entry before this one (64 zeros for the first)." }),
    hash: z.string().openapi({
      description: "SHA-256 (hex) over this entry and `prev_hash`: `admin verify-audit` checks the chain.",
    }),
  })
  .openapi("Audit-Event", {
    example: {
      id: "0B5AE1A4-3D5C-4E5B-9C1F-7A3C2B1D0E9F",
      account_id: "12345678",
      seq: 7,
      occurred_at: 1517314312,
      actor: "28122406-177B-4C5C-B6E6-4A947EA324EF",
      access_key_id: "devkey12345678",
      token_id: "6C0B3E4A-1F2D-4A5B-8C7D-9E0F1A2B3C4D",
      action: "integration.updated",
      target_type: "integration",
      target_id: "95470F2D-59AA-485F-AE4B-A844D81A53C6",
      changes: {
        before: { headers: { Authorization: "****abcd" } },
        after: { headers: { Authorization: "****wxyz" } },
      },
      prev_hash: "5d41402abc4b2a76b9719d911017c592ae1b3f6c5e1d8a7f0e9c2b1a0f9e8d7c",
      hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    },
  });
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditEventPage = z
  .object({
    audit_events: z.array(AuditEvent),
    ...pageFields("entries"),
  })
  .openapi("Audit-Event-Page");
export type AuditEventPage = z.infer<typeof AuditEventPage>;

export const AuditEventsQuery = z
  .object({
    sort: SortQuery,
    continuation_id: ContinuationIdQuery.optional(),
    limit: LimitQuery,
    action: AuditAction.optional(),
    target_type: AuditTargetType.optional(),
    target_id: z.string().min(1).max(256).optional().openapi({ description: "Only changes to this object." }),
    actor: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .openapi({ description: "Only changes made by this user (or `system`)." }),
    since: EpochSecondsQuery.optional().openapi({ description: "Only entries recorded at or after this time." }),
    until: EpochSecondsQuery.optional().openapi({ description: "Only entries recorded before this time (exclusive)." }),
  })
  .refine((query) => query.since === undefined || query.until === undefined || query.since <= query.until, {
    path: ["until"],
    message: "until must not be before since",
  });
export type AuditEventsQuery = z.infer<typeof AuditEventsQuery>;
