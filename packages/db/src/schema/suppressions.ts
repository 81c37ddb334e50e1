import { sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

/** When a subscription last notified about one incident (or about anything, when a notification names none). */
export const suppressions = sqliteTable(
  "suppressions",
  {
    subscriptionId: text("subscription_id").notNull(),
    suppressionKey: text("suppression_key").notNull(),
    /** The notification that opened the window: replaying its fan-out is not suppressed by its own window. */
    notificationId: text("notification_id").notNull(),
    notifiedAt: epochMs("notified_at").notNull(),
  },
  (t) => [uniqueIndex("suppressions_pk").on(t.subscriptionId, t.suppressionKey)],
);

export type SuppressionRow = typeof suppressions.$inferSelect;
