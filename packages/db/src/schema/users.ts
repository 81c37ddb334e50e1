import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { epochMs } from "./columns";

// The people of an account: AIMS users that hold access keys, and the e-mail destinations of `user` subscribers.
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    email: text("email"),
    createdAt: epochMs("created_at").notNull(),
    modifiedAt: epochMs("modified_at").notNull(),
  },
  (t) => [index("users_account_idx").on(t.accountId)],
);

export type UserRow = typeof users.$inferSelect;
