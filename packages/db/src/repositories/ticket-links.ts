// Ticket links: which ticket a ticketing integration opened for an incident.
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { deliveries } from "../schema";
import { inJson } from "./batch-sql";

/** Where a notification names its incident, in order: the first that is a non-empty string or an integer counts. */
export const TICKET_INCIDENT_PATHS = ["long_incident_id", "incident_id"] as const;

/** The incident a notification's payload is about (TICKET_INCIDENT_PATHS), as ticket links key it; undefined if none. */
export function ticketIncidentKey(payload: Record<string, unknown>): string | undefined {
  for (const path of TICKET_INCIDENT_PATHS) {
    const value = payload[path];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isInteger(value)) return String(value);
  }
  return undefined;
}

/** ticketIncidentKey in SQL, over the joined notification's payload: the two must agree, or no link is found again. */
export function ticketIncidentKeySql(): SQL {
  const cases = TICKET_INCIDENT_PATHS.map((path) => {
    const at = `"notifications"."payload", '$.${path}'`;
    return sql.raw(
      `WHEN json_type(${at}) = 'integer' OR (json_type(${at}) = 'text' AND json_extract(${at}) <> '') ` +
        `THEN CAST(json_extract(${at}) AS TEXT)`,
    );
  });
  return sql`(CASE ${sql.join(cases, sql` `)} END)`;
}

const TICKETING_TYPES_SQL = sql.raw(`('jira', 'jsd', 'snow')`);

/**
 * Reserves the opening of a ticket for each incident of the claimed legs to enabled ticketing integrations that has
 * no link yet (or whose reservation ran out): an empty link held by `ticketBatch` until the legs' lease ends. Runs in
 * the claim's transaction, after the claim, so it sees which legs this batch holds.
 */
export function reserveTickets(db: Db, ids: readonly string[], now: number, leaseMs: number, ticketBatch: string) {
  const key = ticketIncidentKeySql();
  return db.run(sql`
    INSERT INTO ticket_links
      (integration_id, account_id, incident_key, ticket_key, ticket_id, opening_by, opening_until, created_at,
       modified_at)
    SELECT DISTINCT "deliveries"."destination", "deliveries"."account_id", ${key}, '', '', ${ticketBatch},
      ${now + leaseMs}, ${now}, ${now}
    FROM "deliveries"
    JOIN "notifications" ON "notifications"."id" = "deliveries"."notification_id"
    JOIN "integrations" ON "integrations"."id" = "deliveries"."destination"
      AND "integrations"."account_id" = "deliveries"."account_id"
    WHERE ${inJson(deliveries.id, ids)} AND "deliveries"."channel" = 'webhook'
      AND "deliveries"."lease_until" = ${now + leaseMs} AND "integrations"."type" IN ${TICKETING_TYPES_SQL}
      AND "integrations"."disabled_at" IS NULL AND ${key} IS NOT NULL AND ${ticketBatch} <> ''
    ON CONFLICT (integration_id, incident_key) DO UPDATE SET
      opening_by = excluded.opening_by, opening_until = excluded.opening_until, modified_at = excluded.modified_at
    WHERE ticket_links.ticket_key = '' AND ticket_links.opening_until < ${now}`);
}

/** A ticket an attempt opened, to link to its incident; `replaces` is the deleted ticket it opens again instead of. */
export interface TicketLinkWrite {
  accountId: string;
  integrationId: string;
  incidentKey: string;
  ticketKey: string;
  ticketId: string;
  replaces?: string | undefined;
}

export function ticketLinkStatements(
  db: Db,
  tickets: readonly TicketLinkWrite[],
  ticketBatch: string | undefined,
  now: number,
) {
  const rows = JSON.stringify(tickets.map((ticket) => ({ ...ticket, replaces: ticket.replaces ?? null })));
  const field = (name: keyof TicketLinkWrite) => sql.raw(`json_extract(j.value, '$.${name}')`);
  const batch = ticketBatch ?? "";
  const writes = [
    // The batch's own reservation, or the deleted ticket's link, becomes the new ticket's.
    db.run(sql`
      UPDATE ticket_links SET ticket_key = ${field("ticketKey")}, ticket_id = ${field("ticketId")},
        opening_by = NULL, opening_until = NULL, modified_at = ${now}
      FROM json_each(${rows}) AS j
      WHERE ticket_links.integration_id = ${field("integrationId")} AND ticket_links.incident_key = ${field("incidentKey")}
        AND ((ticket_links.ticket_key = '' AND ticket_links.opening_by = ${batch} AND ${batch} <> '')
          OR ticket_links.ticket_key = ${field("replaces")})`),
    // No reservation (none was made, or another batch holds the link): the first link of an incident stands.
    db.run(sql`
      INSERT INTO ticket_links (integration_id, account_id, incident_key, ticket_key, ticket_id, created_at, modified_at)
      SELECT ${field("integrationId")}, ${field("accountId")}, ${field("incidentKey")}, ${field("ticketKey")},
        ${field("ticketId")}, ${now}, ${now}
      FROM json_each(${rows}) AS j
      WHERE true
      ON CONFLICT DO NOTHING`),
  ];
  if (!ticketBatch) return tickets.length ? writes : [];
  return [...writes, db.run(sql`DELETE FROM ticket_links WHERE opening_by = ${ticketBatch} AND ticket_key = ''`)];
}
