import { EpochSeconds, Id } from "./common";
import { Delivery } from "./deliveries";
import { z } from "./zod";

// Herald extension: what fan-out decided for every subscription of the account to a notification's type, recorded as
// of the moment it ran ("why was this not delivered?").

export const FilterMismatch = z
  .object({
    clause: z.string().openapi({
      description: "Path of the clause in the subscription's filter (`and.1.in`), as filter validation names paths.",
    }),
    operator: z.enum(["=", "!=", "in", "malformed"]).openapi({
      description: "The clause's operator; `malformed` when the stored filter could not be read (it matches nothing).",
    }),
    left_source: z.string().optional().openapi({ description: "The left operand's source (`notification.severity`)." }),
    right_source: z.string().optional(),
    left: z
      .unknown()
      .optional()
      .openapi({
        description:
          "The left value compared, as the notification had it; absent when the source had no value. A value whose " +
          "JSON passes 256 characters is given as its cut JSON text.",
      }),
    right: z.unknown().optional().openapi({ description: "The right value compared (for `in`: the list)." }),
    negated: z.boolean().optional().openapi({ description: "True when the clause failed by matching, under a `not`." }),
  })
  .openapi("Filter-Mismatch", { description: "A filter clause that made the notification miss the subscription." });
export type FilterMismatch = z.infer<typeof FilterMismatch>;

export const DecisionDestination = z
  .object({
    subscriber_type: z.enum(["user", "connection"]),
    subscriber: z.string().openapi({ description: "User id or integration id." }),
    outcome: z.enum(["leg", "deduplicated"]).openapi({
      description:
        "`leg`: this subscription's leg reaches the destination; `deduplicated`: an older subscription's leg does.",
    }),
    deduplicated_by: z.string().optional().openapi({ description: "The older subscription whose leg reaches it." }),
    integration_disabled_at: EpochSeconds.optional().openapi({
      description: "The integration was disabled at fan-out, since then: delivery skips the leg (FAILED, no call).",
    }),
    integration_disabled_reason: z.string().optional(),
    integration_paused_at: EpochSeconds.optional().openapi({
      description: "The integration was paused at fan-out, since then: the leg waits until it is resumed.",
    }),
    user_without_email: z.boolean().optional().openapi({
      description: "The user had no e-mail address at fan-out: delivery fails the leg without sending.",
    }),
    subscriber_missing: z.boolean().optional().openapi({
      description: "The user or integration no longer existed at fan-out.",
    }),
    delivery: Delivery.optional().openapi({
      description: "The leg that reaches the destination (whichever subscription made it), as it stands now.",
    }),
  })
  .openapi("Decision-Destination");
export type DecisionDestination = z.infer<typeof DecisionDestination>;

export const FanoutDecision = z
  .object({
    subscription_id: z.string(),
    subscription_name: z.string().optional().openapi({ description: "Its name now; absent once it is deleted." }),
    decision: z.enum(["delivered", "deduplicated", "no_subscribers", "filtered", "suppressed", "inactive"]).openapi({
      description:
        "`delivered`: legs were written to its destinations; `deduplicated`: it matched, but older subscriptions " +
        "reach all its destinations; `no_subscribers`: it matched with nobody to reach; `filtered`: its filter did " +
        "not match (`filter_mismatches`); `suppressed`: an earlier notification of the same incident holds its " +
        "suppression window (`suppressed_by`, `suppressed_until`); `inactive`: it was not active.",
    }),
    filter_mismatches: z.array(FilterMismatch).optional().openapi({
      description: "The clauses to blame: the first failing operand of an `and`, every operand of a failed `or`.",
    }),
    suppressed_by: z.string().optional().openapi({ description: "The notification that opened the window." }),
    suppressed_until: EpochSeconds.optional().openapi({ description: "When the window closes." }),
    destinations: z.array(DecisionDestination).optional(),
  })
  .openapi("Fanout-Decision", { description: "What fan-out decided for one subscription, and why." });
export type FanoutDecision = z.infer<typeof FanoutDecision>;

export const NotificationDecisions = z
  .object({
    notification_id: z.string(),
    decided_at: EpochSeconds.optional().openapi({
      description: "When fan-out ran; absent while the notification waits for it (then `decisions` is empty).",
    }),
    decisions: z.array(FanoutDecision).openapi({
      description: "One per subscription of the account to the notification's type at fan-out, oldest first.",
    }),
  })
  .openapi("Notification-Decisions");
export type NotificationDecisions = z.infer<typeof NotificationDecisions>;

export const DecisionsQuery = z.object({
  notification_id: Id.openapi({ description: "The notification whose fan-out to explain." }),
});
export type DecisionsQuery = z.infer<typeof DecisionsQuery>;
