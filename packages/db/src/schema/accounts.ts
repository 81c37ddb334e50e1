import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

export const accounts = sqliteTable("accounts", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: epochMs("created_at").notNull(),
});

export type AccountRow = typeof accounts.$inferSelect;
