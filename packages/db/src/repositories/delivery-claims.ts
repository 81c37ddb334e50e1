// The delivery pipeline's first round trip for a queue batch: its legs claimed (leased) and everything their calls
// render from read, as one set whatever the batch's size (see delivery-batches.ts for how sets travel).
import { and, eq, getTableColumns, inArray, isNull, lt, lte, or } from "drizzle-orm";
import type { Db } from "../client";
import {
  accounts,
  type DeliveryRow,
  deliveries,
  type IntegrationRow,
  integrations,
  type NotificationRow,
  type NotificationTypeRow,
  notifications,
  notificationTypes,
  type SubscriptionRow,
  subscriptions,
  type TicketLinkRow,
  ticketLinks,
  type UserRow,
  users,
} from "../schema";
import { filterEq, inJson } from "./batch-sql";
import { reserveTickets, ticketIncidentKeySql } from "./ticket-links";

/** A leg the claim did not take, with what tells when it could be taken: finished, leased, or not due yet. */
export type UnclaimedLeg = Pick<DeliveryRow, "id" | "status" | "leaseUntil" | "nextAttemptAt">;

export interface ClaimedDeliveries {
  /** Legs leased to this caller until `now + leaseMs`: only these may be attempted. */
  claimed: DeliveryRow[];
  /** The other legs asked for that exist. */
  unclaimed: UnclaimedLeg[];
  /** The notifications of the legs asked for, by id. */
  notifications: Map<string, NotificationRow>;
  /** The integrations the webhook legs asked for go to, by id. */
  integrations: Map<string, IntegrationRow>;
  /** The tickets their ticketing integrations opened for the legs' incidents, by `integrationId/incidentKey`. */
  ticketLinks: Map<string, TicketLinkRow>;
}

/**
 * Claims the pending, due, unleased legs among `ids` and reads what attempting them needs, in one round trip (one
 * transaction: the reads see the claim). Queues deliver at least once, so two consumers may ask for the same legs;
 * only the one whose claim matched attempts a leg, and the lease expires if that consumer dies mid-attempt.
 */
export async function claimDeliveries(
  db: Db,
  ids: readonly string[],
  now: number,
  leaseMs: number,
  /** Names the batch in the ticket reservations it makes (ticket_links.opening_by). */
  ticketBatch = "",
): Promise<ClaimedDeliveries> {
  if (ids.length === 0)
    return { claimed: [], unclaimed: [], notifications: new Map(), integrations: new Map(), ticketLinks: new Map() };
  const asked = inJson(deliveries.id, ids);
  const [claimed, states, notificationRows, integrationRows, , linkRows] = await db.batch([
    db
      .update(deliveries)
      .set({ leaseUntil: now + leaseMs })
      .where(
        and(
          asked,
          filterEq(deliveries.status, "PENDING"),
          or(isNull(deliveries.leaseUntil), lt(deliveries.leaseUntil, now)),
          // A copy of a message that arrives before the leg's backoff has run out does not jump the schedule.
          or(isNull(deliveries.nextAttemptAt), lte(deliveries.nextAttemptAt, now)),
        ),
      )
      .returning(),
    db
      .select({
        id: deliveries.id,
        status: deliveries.status,
        leaseUntil: deliveries.leaseUntil,
        nextAttemptAt: deliveries.nextAttemptAt,
      })
      .from(deliveries)
      .where(asked),
    db
      .select()
      .from(notifications)
      .where(inArray(notifications.id, db.select({ id: deliveries.notificationId }).from(deliveries).where(asked))),
    db
      .select()
      .from(integrations)
      .where(
        inArray(
          integrations.id,
          db
            .select({ id: deliveries.destination })
            .from(deliveries)
            .where(and(asked, eq(deliveries.channel, "webhook"))),
        ),
      ),
    reserveTickets(db, ids, now, leaseMs, ticketBatch),
    // Found by primary key from each asked leg's integration and its notification's incident.
    db
      .selectDistinct(getTableColumns(ticketLinks))
      .from(deliveries)
      .innerJoin(notifications, eq(notifications.id, deliveries.notificationId))
      .innerJoin(
        ticketLinks,
        and(eq(ticketLinks.integrationId, deliveries.destination), eq(ticketLinks.incidentKey, ticketIncidentKeySql())),
      )
      .where(and(asked, eq(deliveries.channel, "webhook"), eq(ticketLinks.accountId, deliveries.accountId))),
  ]);
  const claimedIds = new Set(claimed.map((leg) => leg.id));
  return {
    claimed,
    unclaimed: states.filter((leg) => !claimedIds.has(leg.id)),
    notifications: new Map(notificationRows.map((row) => [row.id, row])),
    // An integration counts only for legs of its own account (ids are global; the check keeps accounts apart).
    integrations: new Map(integrationRows.map((row) => [row.id, row])),
    ticketLinks: new Map(linkRows.map((row) => [`${row.integrationId}/${row.incidentKey}`, row])),
  };
}

/** What rendering a batch's e-mails and channel messages needs. */
export interface RenderContext {
  users: Map<string, UserRow>;
  accounts: Map<string, { id: string; name: string }>;
  notificationTypes: Map<string, NotificationTypeRow>;
  subscriptions: Map<string, SubscriptionRow>;
}

/**
 * What rendering the e-mail and channel legs needs (recipients, account names, types, subscriptions), in one round
 * trip. Users are looked up by destination, so channel legs (whose destination is an integration) find none.
 */
export async function loadRenderContext(
  db: Db,
  legs: ReadonlyArray<Pick<DeliveryRow, "accountId" | "destination" | "subscriptionId" | "notificationId">>,
  notificationTypeKeys: readonly string[],
): Promise<RenderContext> {
  const unique = (values: string[]) => [...new Set(values)];
  const [userRows, accountRows, typeRows, subscriptionRows] = await db.batch([
    db
      .select()
      .from(users)
      .where(inJson(users.id, unique(legs.map((leg) => leg.destination)))),
    db
      .select({ id: accounts.id, name: accounts.name })
      .from(accounts)
      .where(inJson(accounts.id, unique(legs.map((leg) => leg.accountId)))),
    db
      .select()
      .from(notificationTypes)
      .where(inJson(notificationTypes.notificationType, unique([...notificationTypeKeys]))),
    db
      .select()
      .from(subscriptions)
      .where(inJson(subscriptions.id, unique(legs.map((leg) => leg.subscriptionId)))),
  ]);
  return {
    users: new Map(userRows.map((row) => [`${row.accountId}/${row.id}`, row])),
    accounts: new Map(accountRows.map((row) => [row.id, row])),
    notificationTypes: new Map(typeRows.map((row) => [row.notificationType, row])),
    subscriptions: new Map(subscriptionRows.map((row) => [`${row.accountId}/${row.id}`, row])),
  };
}
