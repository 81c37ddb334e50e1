import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

// Global: notification types are shared by every account and managed by platform administrators.
export const notificationTypes = sqliteTable("notification_types", {
  notificationType: text("notification_type").primaryKey(),
  name: text("name").notNull(),
  defaultTemplate: text("default_template").notNull(),
  templates: text("templates", { mode: "json" }).$type<string[]>().notNull(),
  defaultEmailSubject: text("default_email_subject").notNull(),
  createdAt: epochMs("created_at").notNull(),
  modifiedAt: epochMs("modified_at").notNull(),
});

export type NotificationTypeRow = typeof notificationTypes.$inferSelect;
