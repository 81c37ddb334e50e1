import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

/**
 * The ticket a ticketing integration (Jira, Jira Service Management, ServiceNow) opened for one incident, so later
 * notifications about it comment on or update that ticket instead of opening another. Written in the round trip that
 * records the attempt that opened (or reopened) the ticket; deleted with its integration.
 */
export const ticketLinks = sqliteTable(
  "ticket_links",
  {
    integrationId: text("integration_id").notNull(),
    accountId: text("account_id").notNull(),
    /** What identifies the incident across notifications: `payload.long_incident_id`, else `payload.incident_id`. */
    incidentKey: text("incident_key").notNull(),
    /** The vendor's key for the ticket: a Jira issue key (`SEC-12`), a ServiceNow incident number (`INC0010001`). */
    ticketKey: text("ticket_key").notNull(),
    /** The vendor's id: a Jira issue id, a ServiceNow `sys_id` (what its Table API updates by). */
    ticketId: text("ticket_id").notNull(),
    createdAt: epochMs("created_at").notNull(),
    modifiedAt: epochMs("modified_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.incidentKey] }), index("ticket_links_account_idx").on(t.accountId)],
);

export type TicketLinkRow = typeof ticketLinks.$inferSelect;
