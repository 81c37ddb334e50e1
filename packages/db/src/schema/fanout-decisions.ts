import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";
import type { DeliveryChannel } from "./deliveries";
import { notifications } from "./notifications";

/**
 * One clause of a subscription's filter that made it miss a notification, as fan-out saw it: `p` the clause's path in
 * the filter (`and.1.in`), `o` its operator (`malformed`: the stored filter could not be read), `ls`/`rs` the sources
 * of its operands, `l`/`r` the values compared (absent: the source had no value; a value longer than 256 characters
 * of JSON is kept as its cut JSON text), `neg` set when the clause failed by matching, under a `not`.
 */
export interface FilterMissRecord {
  p: string;
  o: string;
  ls?: string;
  rs?: string;
  l?: unknown;
  r?: unknown;
  neg?: 1;
}

/**
 * A destination of a subscription that matched: `c` its channel, `id` the user or integration. `dup` names the older
 * subscription whose leg reaches it already; `off`/`why` the integration's disabled time and reason, `pause` the time
 * it was paused, `noEmail` a user without an e-mail address, `gone` a subscriber whose user or integration no longer
 * exists: each as it stood at fan-out, which still wrote the leg (delivery decides on it).
 */
export interface FanoutDestinationRecord {
  c: DeliveryChannel;
  id: string;
  dup?: string;
  off?: number;
  why?: string;
  pause?: number;
  noEmail?: 1;
  gone?: 1;
}

/**
 * What fan-out decided for one subscription of the account to the notification's type (`s`), and why. `to` holds the
 * destinations with something to say (deduplicated, or a state flag); the others are its own legs, found by their
 * `subscription_id`.
 */
export type FanoutDecisionRecord =
  | { s: string; d: "delivered" | "deduplicated" | "no_subscribers"; to: FanoutDestinationRecord[] }
  | { s: string; d: "filtered"; f: FilterMissRecord[] }
  | { s: string; d: "suppressed"; by: string; until: number }
  | { s: string; d: "inactive" };

/**
 * Fan-out's decisions about one notification, written with its legs in the same round trip: one row a notification,
 * its decisions a compact JSON array (a few hundred bytes for a handful of subscriptions). The first fan-out's row
 * stays; a replay writes nothing. Goes with its notification.
 */
export const fanoutDecisions = sqliteTable("fanout_decisions", {
  notificationId: text("notification_id")
    .primaryKey()
    .references(() => notifications.id, { onDelete: "cascade" }),
  accountId: text("account_id").notNull(),
  decidedAt: epochMs("decided_at").notNull(),
  decisions: text("decisions", { mode: "json" }).$type<FanoutDecisionRecord[]>().notNull(),
});

export type FanoutDecisionRow = typeof fanoutDecisions.$inferSelect;
