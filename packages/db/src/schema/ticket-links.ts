import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";

/**
 * The ticket a ticketing integration (Jira, Jira Service Management, ServiceNow) opened for one incident, so later
 * notifications about it comment on or update that ticket instead of opening another; deleted with its integration.
 *
 * A row with an empty `ticketKey` is a reservation: the delivery batch `openingBy` is opening the incident's ticket
 * until `openingUntil` (its legs' lease). Batches reserve in their claim round trip, so of consumers running side by
 * side only one opens a new incident's ticket; the others wait for it. The reservation becomes the link in the
 * round trip that records the opening attempt, is dropped there when nothing opened, and is taken over by another
 * batch once it runs out (its consumer died).
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
    /** A reservation's batch and when it runs out (null once the ticket is linked). */
    openingBy: text("opening_by"),
    openingUntil: epochMs("opening_until"),
    createdAt: epochMs("created_at").notNull(),
    modifiedAt: epochMs("modified_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.incidentKey] }),
    index("ticket_links_account_idx").on(t.accountId),
    // A batch drops the reservations it holds that opened nothing.
    index("ticket_links_opening_idx").on(t.openingBy),
  ],
);

export type TicketLinkRow = typeof ticketLinks.$inferSelect;
