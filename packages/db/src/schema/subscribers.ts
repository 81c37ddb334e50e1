import { index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdColumns } from "./columns";
import { subscriptions } from "./subscriptions";

export const subscribers = sqliteTable(
  "subscribers",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => subscriptions.id, { onDelete: "cascade" }),
    subscriber: text("subscriber").notNull(),
    subscriberType: text("subscriber_type", { enum: ["user", "connection"] }).notNull(),
    ...createdColumns,
  },
  (t) => [
    uniqueIndex("subscribers_subscription_subscriber_uq").on(t.subscriptionId, t.subscriberType, t.subscriber),
    index("subscribers_account_subscriber_idx").on(t.accountId, t.subscriberType, t.subscriber),
  ],
);

export type SubscriberRow = typeof subscribers.$inferSelect;
