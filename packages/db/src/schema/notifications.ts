import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { auditColumns, epochMs } from "./columns";

export type JsonObject = Record<string, unknown>;

/**
 * A notification's stored states: `created` → `dispatched` (legs written and queued) → `completed` (every leg
 * finished); `failed` when its fan-out kept crashing Herald (the dead-letter consumer).
 */
export const NOTIFICATION_STATUS = {
  created: "created",
  dispatched: "dispatched",
  completed: "completed",
  failed: "failed",
} as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUS)[keyof typeof NOTIFICATION_STATUS];

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    type: text("type").notNull(),
    notificationData: text("notification_data", { mode: "json" }).$type<JsonObject>().notNull(),
    assetData: text("asset_data", { mode: "json" }).$type<JsonObject>().notNull(),
    payload: text("payload", { mode: "json" }).$type<JsonObject>().notNull(),
    attachments: text("attachments", { mode: "json" }).$type<JsonObject[]>(),
    status: text("status").$type<NotificationStatus>().notNull(),
    // Copied out of the payload so incident lookups use an index instead of scanning JSON.
    longIncidentId: text("long_incident_id"),
    // When the sweeper last queued the fan-out again (null: only when it was sent), so a notification whose message
    // waits in a backlog is queued again once per grace period, not on every sweep.
    requeuedAt: epochMs("requeued_at"),
    // The W3C traceparent of the send's span: each attempt is a child of it, and webhooks carry it on to the target.
    traceparent: text("traceparent"),
    ...auditColumns,
  },
  (t) => [
    index("notifications_account_type_created_idx").on(t.accountId, t.type, t.createdAt, t.id),
    index("notifications_account_incident_idx").on(t.accountId, t.longIncidentId),
    // The sweeper's search for notifications never fanned out: a few rows among all of them, once a minute.
    index("notifications_status_created_idx").on(t.status, t.createdAt),
  ],
);

export type NotificationRow = typeof notifications.$inferSelect;
