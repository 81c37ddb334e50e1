import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { auditColumns } from "./columns";

export const subscriptions = sqliteTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    class: text("class").notNull(),
    notificationType: text("notification_type").notNull(),
    externalId: text("external_id"),
    active: integer("active", { mode: "boolean" }).notNull(),
    options: text("options", { mode: "json" }).$type<Record<string, unknown>>(),
    filters: text("filters", { mode: "json" }).$type<Record<string, unknown>>(),
    template: text("template"),
    // Minutes; the contract's maximum of 10080 is seven days.
    suppressionInterval: integer("suppression_interval"),
    ...auditColumns,
  },
  (t) => [
    index("subscriptions_account_type_idx").on(t.accountId, t.notificationType),
    index("subscriptions_account_external_idx").on(t.accountId, t.externalId),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;
