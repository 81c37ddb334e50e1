import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { auditColumns, epochMs } from "./columns";

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
    /** `whsec_...` Standard Webhooks key; the previous one keeps signing until `previousSecretExpiresAt`. */
    signingSecret: text("signing_secret").notNull(),
    previousSigningSecret: text("previous_signing_secret"),
    previousSecretExpiresAt: epochMs("previous_secret_expires_at"),
    /** Set when the target answered 410 Gone: deliveries to it stop until it is updated. */
    disabledAt: epochMs("disabled_at"),
    disabledReason: text("disabled_reason"),
    ...auditColumns,
  },
  (t) => [index("integrations_account_idx").on(t.accountId)],
);

export type IntegrationRow = typeof integrations.$inferSelect;
