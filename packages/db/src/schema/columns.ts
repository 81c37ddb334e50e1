import { integer, text } from "drizzle-orm/sqlite-core";

// Epoch milliseconds: enough precision to order notifications created in the same second.
export const epochMs = (name: string) => integer(name, { mode: "number" });

export const createdColumns = {
  createdAt: epochMs("created_at").notNull(),
  createdBy: text("created_by").notNull(),
};

export const auditColumns = {
  ...createdColumns,
  modifiedAt: epochMs("modified_at").notNull(),
  modifiedBy: text("modified_by").notNull(),
};
