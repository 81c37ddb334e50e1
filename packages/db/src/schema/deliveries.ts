import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";
import { notifications } from "./notifications";

export const DELIVERY_STATUSES = ["PENDING", "SENT", "DELIVRD", "READ", "FAILED"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
export const DELIVERY_CHANNELS = ["email", "webhook"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];
/** What started a leg's current retry schedule: its fan-out, or an operator (one retry, a recover or replay job). */
export const DELIVERY_TRIGGERS = ["queue", "retry", "recover", "replay"] as const;
export type DeliveryTrigger = (typeof DELIVERY_TRIGGERS)[number];
/** Why a leg FAILED without a call: its integration was disabled (a replay job delivers such legs later). */
export const SKIP_REASONS = ["disabled"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * One leg of a notification: its delivery to one destination (a user's e-mail, an integration). The unique key on
 * (notification, channel, destination) is what makes fan-out idempotent and delivers once to a destination reached
 * through several subscriptions.
 */
export const deliveries = sqliteTable(
  "deliveries",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    notificationId: text("notification_id")
      .notNull()
      .references(() => notifications.id),
    /** The first matching subscription, whose template and options shape the message. */
    subscriptionId: text("subscription_id").notNull(),
    channel: text("channel", { enum: DELIVERY_CHANNELS }).notNull(),
    /** User id (email) or integration id (webhook). */
    destination: text("destination").notNull(),
    /** Where it went: the e-mail address or the target URL, as resolved when it was sent. */
    address: text("address"),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    subject: text("subject"),
    attempts: integer("attempts").notNull().default(0),
    /** Attempts made before the current retry schedule began: a manual retry starts the schedule again. */
    scheduleStart: integer("schedule_start").notNull().default(0),
    /** When the next attempt is due; the sweeper re-enqueues legs whose queue message was lost. */
    nextAttemptAt: epochMs("next_attempt_at"),
    /** A consumer that claims the leg holds it until then, so two copies of one message never send twice at once. */
    leaseUntil: epochMs("lease_until"),
    /**
     * The call slot this leg holds on its rate-limited integration (`integrations.paced_until`), reserved by a batch
     * that deferred it: when it comes back it is called in that slot rather than reserving another.
     */
    pacedAt: epochMs("paced_at"),
    lastError: text("last_error"),
    /** Set when the last attempt made no call because the integration was disabled; cleared when it is re-queued. */
    skipReason: text("skip_reason", { enum: SKIP_REASONS }),
    /** What started the current retry schedule, copied onto each of its attempts (null: fan-out, `queue`). */
    trigger: text("trigger", { enum: DELIVERY_TRIGGERS }),
    /** The recover or replay job that re-queued the leg, while `trigger` names one. */
    jobId: text("job_id"),
    responseCode: integer("response_code"),
    responseBody: text("response_body"),
    /** The provider's id for the message (e-mail), used to match its delivery events. */
    providerMessageId: text("provider_message_id"),
    sentAt: epochMs("sent_at"),
    deliveredAt: epochMs("delivered_at"),
    readAt: epochMs("read_at"),
    createdAt: epochMs("created_at").notNull(),
    modifiedAt: epochMs("modified_at").notNull(),
  },
  (t) => [
    uniqueIndex("deliveries_leg_uq").on(t.notificationId, t.channel, t.destination),
    index("deliveries_account_notification_idx").on(t.accountId, t.notificationId),
    index("deliveries_status_due_idx").on(t.status, t.nextAttemptAt),
    // A notification's unfinished legs, counted after every attempt: without it SQLite walks every PENDING leg of
    // every notification (deliveries_status_due_idx), which grows with the backlog.
    index("deliveries_notification_status_idx").on(t.notificationId, t.status),
    index("deliveries_provider_message_idx").on(t.providerMessageId),
    // An integration's FAILED legs by when they failed (a FAILED leg is not modified again): what recover and
    // replay jobs page through, without walking every FAILED leg of every account.
    index("deliveries_destination_status_modified_idx").on(t.destination, t.status, t.modifiedAt),
    // An account's legs by creation time: the delivery statistics read one window of them.
    index("deliveries_account_created_idx").on(t.accountId, t.createdAt),
  ],
);

export type DeliveryRow = typeof deliveries.$inferSelect;
