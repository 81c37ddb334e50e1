import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createdColumns, epochMs } from "./columns";

export const PORTAL_ROLES = ["read", "write"] as const;
export type PortalRole = (typeof PORTAL_ROLES)[number];

/**
 * A portal link's single-use sign-in code: only its SHA-256 is stored. Exchanging it sets `usedAt` in one
 * conditional update, so two exchanges of one code cannot both succeed. `integrationIds` (JSON array) limits the
 * session to those integrations; null means the whole account at `role`.
 */
export const portalLinks = sqliteTable(
  "portal_links",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    codeHash: text("code_hash").notNull().unique(),
    role: text("role", { enum: PORTAL_ROLES }).notNull(),
    integrationIds: text("integration_ids", { mode: "json" }).$type<string[]>(),
    embed: integer("embed", { mode: "boolean" }).notNull().default(false),
    expiresAt: epochMs("expires_at").notNull(),
    usedAt: epochMs("used_at"),
    ...createdColumns,
  },
  (t) => [index("portal_links_account_idx").on(t.accountId, t.createdAt)],
);

export type PortalLinkRow = typeof portalLinks.$inferSelect;
