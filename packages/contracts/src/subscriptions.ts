import { AccountIdParam, Actor, Id, pathParam, QueryBoolean } from "./common";
import { FailedSubscriber } from "./errors";
import { NotificationTypeKey, TemplateKey } from "./notification-types";
import { Subscriber, SubscriberRequest } from "./subscribers";
import { z } from "./zod";

export const SuppressionInterval = z
  .number()
  .int()
  .min(0)
  .max(10080)
  .openapi("Subscription-Request-Field-Suppression-Interval", {
    description: "Minutes during which repeats of a notification are not sent again (0 to 10080, i.e. 7 days).",
    example: 120,
  });
export type SuppressionInterval = z.infer<typeof SuppressionInterval>;

export const SubscriptionOptions = z
  .looseObject({
    include_attachments: z.boolean().optional().openapi({ description: "Attach the notification's attachments." }),
    email_subject: z.string().optional().openapi({ description: "Overrides the notification type's email subject." }),
    webhook_payload: z.string().optional().openapi({ description: "Payload template for connection subscribers." }),
    message_template: z
      .string()
      .min(1)
      .max(4000)
      .optional()
      .openapi({
        description:
          "Mustache template of the line Slack, Teams and Discord messages lead with and of PagerDuty's summary, " +
          "rendered against `notification`, `notification_data`, `asset_data`, `payload` and `account` (as e-mail " +
          "subjects are). Checked when saved. Splunk HEC events and webhooks always carry the whole notification.",
        example: "{{payload.threat}} incident on {{account.name}}: {{payload.attack_summary}}",
      }),
  })
  .openapi("Subscription-Request-Field-Options", {
    description: "Delivery options. Other properties are accepted and returned unchanged.",
    example: { include_attachments: true },
  });
export type SubscriptionOptions = z.infer<typeof SubscriptionOptions>;

export const SubscriptionFilters = z.record(z.string(), z.unknown()).openapi("Subscription-Request-Field-Filters", {
  description: [
    "Expression a notification must satisfy to reach this subscription; without one, every notification of the type does.",
    'Comparisons: `{"=": [a, b]}`, `{"!=": [a, b]}`, `{"in": [a, [v1, v2]]}`.',
    'Logic: `{"and": [e1, e2]}`, `{"or": [e1, e2]}`, `{"not": e}`.',
    'An operand is a JSON value or `{"source": "<path>"}`: `notification.<key>` reads the key of the',
    "notification's notification_data (e.g. notification.threat_level, notification.escalated,",
    "notification.schedule_id, notification.correlation_id); `account.id` is the notification's account.",
  ].join(" "),
  example: { "=": [{ source: "notification.schedule_id" }, "F6103D82-A358-1005-8001-0242AC110020"] },
});
export type SubscriptionFilters = z.infer<typeof SubscriptionFilters>;

const subscriptionName = z.string().min(1).max(255).openapi({ example: "Incident Alert Test" });
const subscriptionClass = z
  .string()
  .min(1)
  .openapi({
    description:
      "`event` (incident, observation and health alerts) or `schedule` (scheduled reports and searches, tied to the " +
      "schedule by external_id). Other values are stored as sent.",
    example: "event",
  });
const externalId = z.string().min(1).openapi({
  description:
    "Id of the object the subscription belongs to: a report schedule (class schedule) or a correlation rule.",
  example: "8BBC2DE2-A331-1005-8001-0242AC110002",
});
const active = z.boolean().openapi({ description: "Inactive subscriptions receive nothing.", example: true });

export const CreateSubscriptionRequest = z
  .object({
    name: subscriptionName,
    class: subscriptionClass,
    notification_type: NotificationTypeKey,
    external_id: externalId.optional(),
    subscribers: z.array(SubscriberRequest).max(1000).optional().openapi({ description: "Initial subscribers." }),
    active: active.default(true),
    options: SubscriptionOptions.optional(),
    filters: SubscriptionFilters.optional(),
    template: TemplateKey.optional(),
    suppression_interval: SuppressionInterval.optional(),
  })
  .openapi("Create-Subscription-Request", {
    example: {
      name: "Notification Test",
      class: "schedule",
      notification_type: "report/scheduled",
      external_id: "8BBC2DE2-A331-1005-8001-0242AC110002",
      subscribers: [{ subscriber: "CD1D0C0A-7D83-469C-A752-C23FBD2BDA46", subscriber_type: "user" }],
      active: true,
      options: { include_attachments: true },
      filters: { "=": [{ source: "notification.schedule_id" }, "F6103D82-A358-1005-8001-0242AC110020"] },
      template: "scheduled_report_template",
      suppression_interval: 2400,
    },
  });
export type CreateSubscriptionRequest = z.infer<typeof CreateSubscriptionRequest>;

// Unknown properties are stripped, not rejected: the console sends `class` on update.
export const UpdateSubscriptionRequest = z
  .object({
    name: subscriptionName.optional(),
    notification_type: NotificationTypeKey.optional(),
    external_id: externalId.optional(),
    active: active.optional(),
    options: SubscriptionOptions.optional(),
    filters: SubscriptionFilters.optional(),
    template: TemplateKey.optional(),
    suppression_interval: SuppressionInterval.optional(),
  })
  .openapi("Update-Subscription-Request", {
    description:
      "Partial update: only the properties sent change. `class` and `subscribers` cannot change here and are " +
      "ignored if sent; manage subscribers through the subscriber operations.",
    example: { active: false },
  });
export type UpdateSubscriptionRequest = z.infer<typeof UpdateSubscriptionRequest>;

export const Subscription = z
  .object({
    id: z.string(),
    account_id: z.string(),
    name: z.string(),
    class: z.string(),
    notification_type: z.string(),
    active: z.boolean(),
    external_id: z.string().optional(),
    options: SubscriptionOptions.optional(),
    filters: SubscriptionFilters.optional(),
    template: TemplateKey.optional(),
    suppression_interval: SuppressionInterval.optional(),
    created: Actor,
    modified: Actor,
    subscribers: z.array(Subscriber).optional().openapi({ description: "Present when include_subscribers is true." }),
    subscriber_count: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .openapi({ description: "Present when include_subscribers is true." }),
    subscribers_failed: z
      .array(FailedSubscriber)
      .optional()
      .openapi({ description: "On create: initial subscribers that were rejected. The subscription exists anyway." }),
  })
  .openapi("Subscription", {
    example: {
      id: "95470F2D-59AA-485F-AE4B-A844D81A53C6",
      account_id: "12345678",
      name: "Incidents",
      class: "event",
      notification_type: "incidents/alerts",
      active: true,
      created: { at: 1579788887, by: "70A833AD-184F-4A45-A82B-46F5BA329D4B" },
      modified: { at: 1579788887, by: "70A833AD-184F-4A45-A82B-46F5BA329D4B" },
    },
  });
export type Subscription = z.infer<typeof Subscription>;

export const SubscriptionList = z.object({ subscriptions: z.array(Subscription) }).openapi("Subscription-List");
export type SubscriptionList = z.infer<typeof SubscriptionList>;

const includeSubscribers = QueryBoolean.openapi({
  description: 'Include `subscribers` and `subscriber_count` in each subscription: "true" or "false" (default).',
});

export const SubscriptionsQuery = z.object({
  class: z.string().min(1).optional().openapi({ description: "Only subscriptions of this class." }),
  external_id: z
    .string()
    .min(1)
    .optional()
    .openapi({ description: "Only subscriptions tied to this object. When present, class=schedule is assumed." }),
  notification_type: z.string().min(1).optional().openapi({ description: "Only subscriptions to this type." }),
  include_subscribers: includeSubscribers,
});
export type SubscriptionsQuery = z.infer<typeof SubscriptionsQuery>;

export const SubscriptionQuery = z.object({ include_subscribers: includeSubscribers });
export type SubscriptionQuery = z.infer<typeof SubscriptionQuery>;

export const BatchDeleteSubscriptionsRequest = z
  .object({ ids: z.array(Id).min(1).max(1000) })
  .openapi("Batch-Delete-Subscriptions-Request", {
    example: { ids: ["02AF2BD2-E775-4E89-BB26-4A67D73D5681", "86B8A354-0363-4FC2-82D3-0BB492DFD8B4"] },
  });
export type BatchDeleteSubscriptionsRequest = z.infer<typeof BatchDeleteSubscriptionsRequest>;

export const SubscriptionIdParam = AccountIdParam.extend({
  subscription_id: pathParam("subscription_id", Id, "Subscription id."),
});
export type SubscriptionIdParam = z.infer<typeof SubscriptionIdParam>;
