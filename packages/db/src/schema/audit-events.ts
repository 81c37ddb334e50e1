import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { epochMs } from "./columns";

/**
 * Every change to an account's configuration (subscriptions, subscribers, integrations, users, notification types,
 * signing secrets), append-only: no code updates or deletes a row. Each row is chained to the one before it in its
 * account (`prevHash`, `hash`: see repositories/audit-events.ts), and `seq` is unique per account, so two writers
 * that read the same head cannot both append: the second one's whole batch fails and is retried.
 */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    /** 1, 2, 3... per account, without gaps. */
    seq: integer("seq").notNull(),
    occurredAt: epochMs("occurred_at").notNull(),
    /** The user the token acts as, or `system` for an operator command. */
    actor: text("actor").notNull(),
    /** The access key the token was issued for, and the token's own id (never the token itself). */
    accessKeyId: text("access_key_id"),
    tokenId: text("token_id"),
    /** `<target type>.<verb>`, e.g. `integration.secret_rotated`. */
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    /** Canonical JSON `{before?, after?}` of the target's wire form, credentials masked; hashed as stored. */
    changes: text("changes").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    uniqueIndex("audit_events_account_seq_idx").on(t.accountId, t.seq),
    index("audit_events_account_target_idx").on(t.accountId, t.targetType, t.targetId),
  ],
);

export type AuditEventRow = typeof auditEvents.$inferSelect;
