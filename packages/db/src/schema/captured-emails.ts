import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

/** E-mails kept by the `capture` transport (local development), readable through the API. */
export const capturedEmails = sqliteTable(
  "captured_emails",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    deliveryId: text("delivery_id"),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    html: text("html").notNull(),
    text: text("text").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("captured_emails_account_created_idx").on(t.accountId, t.createdAt)],
);

export type CapturedEmailRow = typeof capturedEmails.$inferSelect;
