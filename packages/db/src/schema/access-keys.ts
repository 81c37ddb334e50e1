import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { epochMs } from "./columns";
import { users } from "./users";

export const accessKeys = sqliteTable(
  "access_keys",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    // SHA-256 of the secret, hex. Secrets are 256-bit random values, so a fast hash is enough (as for API keys at
    // GitHub or Unkey); a slow KDF would only burn the Worker's CPU budget on every login.
    secretHash: text("secret_hash").notNull(),
    role: text("role", { enum: ["read", "write", "admin"] }).notNull(),
    platformAdmin: integer("platform_admin", { mode: "boolean" }).notNull().default(false),
    label: text("label"),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("access_keys_user_idx").on(t.accountId, t.userId)],
);

export type AccessKeyRow = typeof accessKeys.$inferSelect;
