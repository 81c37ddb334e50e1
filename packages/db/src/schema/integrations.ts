import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { auditColumns } from "./columns";

export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    type: text("type", { enum: ["webhook"] }).notNull(),
    targetUrl: text("target_url").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    ...auditColumns,
  },
  (t) => [index("integrations_account_idx").on(t.accountId)],
);

export type IntegrationRow = typeof integrations.$inferSelect;
