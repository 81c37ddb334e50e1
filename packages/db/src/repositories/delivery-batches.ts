// The delivery pipeline's set-taking statements: a queue batch of legs is claimed, read, recorded and completed in a
// few round trips whatever its size. Sets travel as one JSON parameter read with json_each, so every statement's text
// is the same for one leg or a hundred (prepared once, cached by the driver) and no batch runs into SQLite's limit on
// bound parameters.
import { and, type Column, eq, getTableColumns, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import {
  accounts,
  type DeliveryRow,
  type DeliveryStatus,
  deliveries,
  type FanoutDecisionRow,
  type IntegrationRow,
  integrationPermits,
  integrations,
  NOTIFICATION_STATUS,
  type NotificationRow,
  type NotificationTypeRow,
  notifications,
  notificationTypes,
  type SkipReason,
  type SubscriberRow,
  type SubscriptionRow,
  subscribers,
  subscriptions,
  type TicketLinkRow,
  ticketLinks,
  type UserRow,
  users,
} from "../schema";
import {
  deliveryExhaustedEvents,
  type EmittedEvent,
  type IntegrationStreak,
  integrationDisabledEvents,
  integrationFailingEvents,
  moveStreaks,
  toEmitted,
} from "./operational-events";

// ---------------------------------------------------------------------------------------------------------------
// Ticket links: which ticket a ticketing integration opened for an incident.

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
function ticketIncidentKeySql(): SQL {
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
function reserveTickets(db: Db, ids: readonly string[], now: number, leaseMs: number, ticketBatch: string) {
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

/** `column IN (the strings of the JSON array parameter)`. */
function inJson(column: Column, values: readonly string[]): SQL {
  return inArray(column, sql`(SELECT value FROM json_each(${JSON.stringify(values)}))`);
}

/**
 * `column = value`, kept from choosing the index: with no statistics SQLite would rather walk every PENDING leg (or
 * dispatched notification) through the status index than look up the few ids of a batch by primary key, a cost that
 * grows with the backlog. The unary `+` makes the term a plain filter on the rows the ids found.
 */
function filterEq(column: Column, value: string): SQL {
  return sql`+${column} = ${value}`;
}

/** A batch built from a list: drizzle types `db.batch` for tuples written out. */
type Statements = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

// ---------------------------------------------------------------------------------------------------------------
// Delivery: claim, read, record.

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

/** One attempt at one leg and the leg's state after it. */
export interface AttemptRecord {
  deliveryId: string;
  accountId: string;
  attemptId: string;
  /** The attempt's number: the leg's `attempts` when it was claimed, plus one. */
  attempt: number;
  /** The leg's status after the attempt: PENDING (will retry), SENT, DELIVRD or FAILED. */
  status: DeliveryStatus;
  startedAt: number;
  durationMs: number;
  responseCode: number | null;
  responseBody: string | null;
  error: string | null;
  nextAttemptAt: number | null;
  /** The leg's `schedule_start` after the attempt when it moves (a rate-limited attempt does not use up the schedule). */
  scheduleStart?: number;
  /** Set only when the attempt learned them (the target URL or address, the e-mail subject, the provider's id). */
  address?: string | null;
  subject?: string | null;
  providerMessageId?: string | null;
  /** Set when the attempt made no call because the integration was disabled (what a replay job looks for). */
  skipReason?: SkipReason;
}

export interface RecordAttemptsInput {
  records: readonly AttemptRecord[];
  now: number;
  /** Integrations to stop delivering to (a 410 answer), with why. */
  disable?: ReadonlyArray<{ accountId: string; id: string; reason: string }>;
  /**
   * Integrations whose call bucket moves on to `until` (epoch ms) at least: one that answered "too many calls" (no call
   * before its Retry-After), or one whose calls this batch made later than their slots.
   */
  pacedUntil?: ReadonlyArray<{ id: string; until: number }>;
  /**
   * Claimed legs handed back without an attempt (waiting for their call slot, a permit, another batch's ticket, or a
   * paused integration), each guarded by the lease this batch gave it.
   */
  putOff?: readonly PutOff[];
  /** This batch's permits on integrations with `max_in_flight` (reserveCalls' `holder`): given back. */
  permitHolder?: string;
  /**
   * Tickets the attempts opened, linked to their incidents. The first link of an incident stands (two consumers that
   * both opened one keep the first; the other ticket stays unlinked); a reopened ticket replaces only the deleted one.
   */
  tickets?: readonly TicketLinkWrite[];
  /** The batch's ticket reservations (claimDeliveries' `ticketBatch`): those that opened nothing are dropped. */
  ticketBatch?: string;
  /**
   * The attempts of this batch at each integration, for its failure streak (`herald/integration.failing`). Only
   * integrations whose streak may move need be given: those with a failed attempt, or a delivered one and a streak.
   */
  streaks?: readonly IntegrationStreak[];
}

/** The legs an attempt was recorded for, and the operational events the recording emitted (to queue for fan-out). */
export interface RecordedAttempts {
  recorded: Set<string>;
  events: EmittedEvent[];
}

/**
 * Records a batch's attempts and their effect on the legs in one round trip (one transaction), and completes the
 * notifications none of whose legs waits any more. Each row is guarded on its own: an attempt is recorded only while
 * its leg is PENDING with exactly `attempt - 1` attempts, and the leg is updated only where its own attempt row went
 * in. A consumer that outlived its lease and finds its attempt number taken records nothing for that leg, and its
 * siblings are recorded all the same. Answers the ids of the legs recorded.
 */
export async function recordAttempts(db: Db, input: RecordAttemptsInput): Promise<RecordedAttempts> {
  const { records, now } = input;
  const nothingElse = !input.putOff?.length && !input.tickets?.length && !input.ticketBatch && !input.permitHolder;
  if (records.length === 0 && nothingElse) return { recorded: new Set(), events: [] };
  const rows = JSON.stringify(records);
  const field = (name: keyof AttemptRecord) => sql.raw(`json_extract(j.value, '$.${name}')`);
  // Absent keys keep the leg's value; present ones (null included) replace it.
  const setIfGiven = (name: "address" | "subject" | "providerMessageId", column: string) =>
    sql.raw(
      `CASE WHEN json_type(j.value, '$.${name}') IS NULL THEN ${column} ELSE json_extract(j.value, '$.${name}') END`,
    );
  const statements: Statements = [
    db.all<{ delivery_id: string }>(sql`
      INSERT INTO delivery_attempts
        (id, delivery_id, account_id, attempt, started_at, duration_ms, response_code, response_body, error,
         next_attempt_at, trigger, job_id)
      SELECT ${field("attemptId")}, d.id, d.account_id, ${field("attempt")}, ${field("startedAt")},
        ${field("durationMs")}, ${field("responseCode")}, ${field("responseBody")}, ${field("error")},
        ${field("nextAttemptAt")}, d.trigger, d.job_id
      FROM json_each(${rows}) AS j
      JOIN deliveries AS d ON d.id = ${field("deliveryId")}
      WHERE +d.account_id = ${field("accountId")} AND +d.status = 'PENDING' AND d.attempts = ${field("attempt")} - 1
      ON CONFLICT DO NOTHING
      RETURNING delivery_id`),
    db.run(sql`
      UPDATE deliveries SET
        status = ${field("status")},
        attempts = ${field("attempt")},
        schedule_start = coalesce(${field("scheduleStart")}, schedule_start),
        lease_until = NULL,
        paced_at = NULL,
        next_attempt_at = ${field("nextAttemptAt")},
        last_error = ${field("error")},
        skip_reason = ${field("skipReason")},
        response_code = ${field("responseCode")},
        response_body = ${field("responseBody")},
        address = ${setIfGiven("address", "deliveries.address")},
        subject = ${setIfGiven("subject", "deliveries.subject")},
        provider_message_id = ${setIfGiven("providerMessageId", "deliveries.provider_message_id")},
        sent_at = CASE WHEN ${field("status")} IN ('SENT', 'DELIVRD') THEN ${field("startedAt")} ELSE sent_at END,
        delivered_at = CASE WHEN ${field("status")} = 'DELIVRD' THEN ${now} ELSE delivered_at END,
        modified_at = ${now}
      FROM json_each(${rows}) AS j
      WHERE deliveries.id = ${field("deliveryId")}
        AND EXISTS (SELECT 1 FROM delivery_attempts AS a WHERE a.id = ${field("attemptId")})
        AND deliveries.attempts = ${field("attempt")} - 1`),
    ...(input.disable ?? []).map((integration) =>
      db
        .update(integrations)
        .set({ disabledAt: now, disabledReason: integration.reason })
        .where(
          and(
            eq(integrations.accountId, integration.accountId),
            eq(integrations.id, integration.id),
            // The first 410 disables; answers to calls already in flight do not move when or why.
            isNull(integrations.disabledAt),
          ),
        ),
    ),
    ...(input.pacedUntil?.length
      ? [
          db.run(sql`
            UPDATE integrations SET paced_until = max(coalesce(paced_until, 0), json_extract(j.value, '$.until'))
            FROM json_each(${JSON.stringify(input.pacedUntil)}) AS j
            WHERE integrations.id = json_extract(j.value, '$.id')`),
        ]
      : []),
    ...(input.putOff?.length ? [putOffStatement(db, input.putOff, now)] : []),
    ...ticketLinkStatements(db, input.tickets ?? [], input.ticketBatch, now),
    ...(input.permitHolder
      ? [db.delete(integrationPermits).where(eq(integrationPermits.holder, input.permitHolder))]
      : []),
    completeNotificationsOfLegs(
      db,
      records.map((record) => record.deliveryId),
      now,
    ),
  ];
  // Operational events, in the same round trip and only when something may emit one (the happy path adds nothing).
  const events: BatchItem<"sqlite">[] = [];
  const failed = records.filter((record) => record.status === "FAILED");
  if (failed.length > 0) {
    const legs = failed.map((r) => ({ deliveryId: r.deliveryId, attempt: r.attempt, attemptId: r.attemptId }));
    events.push(deliveryExhaustedEvents(db, legs, now));
  }
  if (input.disable?.length) {
    events.push(
      integrationDisabledEvents(
        db,
        input.disable.map((integration) => integration.id),
        now,
      ),
    );
  }
  const streaks = input.streaks ?? [];
  if (streaks.length > 0) statements.push(moveStreaks(db, streaks, now));
  const failing = streaks.filter((streak) => streak.failedAttemptIds.length > 0).map((streak) => streak.id);
  if (failing.length > 0) events.push(integrationFailingEvents(db, failing, now));
  const results = (await db.batch([...statements, ...events] as Statements)) as unknown[];
  const inserted = results[0] as Array<{ delivery_id: string }>;
  const emitted = results.slice(statements.length) as Array<Array<{ id: string; account_id: string }>>;
  return { recorded: new Set(inserted.map((row) => row.delivery_id)), events: emitted.flatMap(toEmitted) };
}

function ticketLinkStatements(
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

/**
 * A claimed leg handed back without an attempt: due at `at` (null: parked until its integration is resumed), released
 * only while it still holds this batch's `lease`. `slot` (when given) is the call slot it keeps, null for none.
 */
export interface PutOff {
  deliveryId: string;
  at: number | null;
  lease: number;
  slot?: number | null;
}

function putOffStatement(db: Db, legs: readonly PutOff[], now: number) {
  return db.run(sql`
    UPDATE deliveries SET
      lease_until = NULL,
      next_attempt_at = json_extract(j.value, '$.at'),
      paced_at = CASE WHEN json_type(j.value, '$.slot') IS NULL THEN paced_at ELSE json_extract(j.value, '$.slot') END,
      modified_at = ${now}
    FROM json_each(${JSON.stringify(legs)}) AS j
    WHERE deliveries.id = json_extract(j.value, '$.deliveryId') AND +deliveries.status = 'PENDING'
      AND deliveries.lease_until = json_extract(j.value, '$.lease')`);
}

/**
 * What a batch asks of one limited integration: a permit per leg when it has `maxInFlight`, and call slots
 * `intervalMs` apart for the permitted legs that hold none (`needSlots` of them; `held` legs already hold one).
 */
export interface CallRequest {
  id: string;
  legs: number;
  held: number;
  needSlots: number;
  intervalMs: number;
  maxInFlight: number | null;
  /** Legs the batch calls per permit (what its lease covers): it calls at most `permits × perPermit` legs. */
  perPermit: number;
}

/** Per integration: calls the batch may make at once (its legs' count without a limit), and its first new slot. */
export interface CallGrant {
  permits: number;
  firstSlot: number;
  slots: number;
}

/** Claimed legs whose lease is lengthened while they wait for their call slot: those holding `from` get `until`. */
export interface LeaseExtension {
  deliveryIds: readonly string[];
  from: number;
  until: number;
}

/** How many new slots a request gets: one per permitted leg that holds none (what `permits` leaves after `held`). */
function slotCount(request: CallRequest, permits: number): number {
  if (request.maxInFlight === null) return request.needSlots;
  return Math.min(request.needSlots, Math.max(0, Math.min(request.legs, permits * request.perPermit) - request.held));
}

/**
 * In one round trip: takes permits on integrations with `max_in_flight` (as many as the batch has legs, up to what
 * live holders leave; they last until `extend.until` unless recorded back first), reserves each integration's next
 * call slots for its permitted legs, `intervalMs` apart from its next free one (or from `now`), and lengthens the
 * lease of the legs that may wait for their slot, only where the batch still holds it. Consumers running side by side
 * take permits and slots in turn (SQLite writes one at a time), so the limits hold across all of them.
 */
export async function reserveCalls(
  db: Db,
  requests: readonly CallRequest[],
  holder: string,
  now: number,
  extend: LeaseExtension,
): Promise<Map<string, CallGrant>> {
  if (requests.length === 0) return new Map();
  const limited = requests.filter((request) => request.maxInFlight !== null);
  const paced = requests.filter((request) => request.intervalMs > 0);
  const statements: BatchItem<"sqlite">[] = [];
  if (limited.length > 0) {
    const rows = JSON.stringify(limited);
    statements.push(
      db.run(sql`
        DELETE FROM integration_permits WHERE expires_at <= ${now}
          AND integration_id IN (SELECT json_extract(value, '$.id') FROM json_each(${rows}))`),
      db.run(sql`
        INSERT INTO integration_permits (integration_id, holder, count, expires_at)
        SELECT json_extract(j.value, '$.id'), ${holder},
          max(0, min(json_extract(j.value, '$.legs'), json_extract(j.value, '$.maxInFlight')
            - coalesce((SELECT sum(p.count) FROM integration_permits AS p
                WHERE p.integration_id = json_extract(j.value, '$.id')), 0))),
          ${extend.until}
        FROM json_each(${rows}) AS j
        WHERE true
        ON CONFLICT DO NOTHING`),
    );
  }
  const slotsAt = statements.length;
  if (paced.length > 0) {
    // The same rule as slotCount, in SQL: the permits were taken by the statement before.
    const slotsSql = sql`CASE WHEN json_extract(j.value, '$.maxInFlight') IS NULL THEN json_extract(j.value, '$.needSlots')
      ELSE min(json_extract(j.value, '$.needSlots'), max(0, min(json_extract(j.value, '$.legs'),
        coalesce((SELECT p.count FROM integration_permits AS p
          WHERE p.integration_id = integrations.id AND p.holder = ${holder}), 0) * json_extract(j.value, '$.perPermit'))
        - json_extract(j.value, '$.held'))) END`;
    statements.push(
      db.all<{ id: string; paced_until: number }>(sql`
        UPDATE integrations SET
          paced_until = max(coalesce(paced_until, 0), ${now}) + (${slotsSql}) * json_extract(j.value, '$.intervalMs')
        FROM json_each(${JSON.stringify(paced)}) AS j
        WHERE integrations.id = json_extract(j.value, '$.id')
        RETURNING integrations.id AS id, integrations.paced_until AS paced_until`),
    );
  }
  const permitsAt = statements.length;
  if (limited.length > 0) {
    statements.push(
      db.all<{ integration_id: string; count: number }>(
        sql`SELECT integration_id, count FROM integration_permits WHERE holder = ${holder}`,
      ),
    );
  }
  statements.push(
    db
      .update(deliveries)
      .set({ leaseUntil: extend.until })
      .where(and(inJson(deliveries.id, extend.deliveryIds), eq(deliveries.leaseUntil, extend.from))),
  );
  const results = (await db.batch(statements as Statements)) as unknown[];
  const slots = new Map(
    ((paced.length > 0 ? results[slotsAt] : []) as Array<{ id: string; paced_until: number }>).map((row) => [
      row.id,
      Number(row.paced_until),
    ]),
  );
  const permits = new Map(
    ((limited.length > 0 ? results[permitsAt] : []) as Array<{ integration_id: string; count: number }>).map((row) => [
      row.integration_id,
      Number(row.count),
    ]),
  );
  return new Map(
    requests.map((request) => {
      const granted = request.maxInFlight === null ? request.legs : (permits.get(request.id) ?? 0);
      const count = request.intervalMs > 0 ? slotCount(request, granted) : 0;
      const pacedUntil = slots.get(request.id);
      return [
        request.id,
        {
          permits: granted,
          firstSlot: pacedUntil === undefined ? now : pacedUntil - count * request.intervalMs,
          slots: count,
        },
      ];
    }),
  );
}

/**
 * `dispatched` notifications of the legs `deliveryIds` with no PENDING leg left become `completed`: one statement
 * for a whole batch, run in the transaction that finished their last legs.
 */
export function completeNotificationsOfLegs(db: Db, deliveryIds: readonly string[], now: number) {
  return db
    .update(notifications)
    .set({ status: NOTIFICATION_STATUS.completed, modifiedAt: now })
    .where(
      and(
        inArray(
          notifications.id,
          db.select({ id: deliveries.notificationId }).from(deliveries).where(inJson(deliveries.id, deliveryIds)),
        ),
        filterEq(notifications.status, NOTIFICATION_STATUS.dispatched),
        sql`NOT EXISTS (SELECT 1 FROM deliveries AS p WHERE p.notification_id = ${notifications.id} AND p.status = 'PENDING')`,
      ),
    );
}

/**
 * Fails the legs among `ids` that are still PENDING or SENT (the dead-letter consumer: their messages kept crashing
 * Herald), and completes their notifications, in one round trip. Answers how many legs it failed.
 */
export async function failDeliveries(
  db: Db,
  ids: readonly string[],
  now: number,
  error: string,
): Promise<{ failed: number; events: EmittedEvent[] }> {
  if (ids.length === 0) return { failed: 0, events: [] };
  const [failed, , events] = await db.batch([
    db
      .update(deliveries)
      .set({ status: "FAILED", leaseUntil: null, lastError: error, modifiedAt: now })
      .where(and(inJson(deliveries.id, ids), sql`+${deliveries.status} IN ('PENDING', 'SENT')`))
      .returning({ id: deliveries.id }),
    completeNotificationsOfLegs(db, ids, now),
    // Each leg failed here once: its id (and attempts) make the event's, so a replayed dead letter emits nothing.
    deliveryExhaustedEvents(
      db,
      ids.map((deliveryId) => ({ deliveryId, attempt: null, attemptId: null })),
      now,
    ),
  ]);
  return { failed: failed.length, events: toEmitted(events) };
}

// ---------------------------------------------------------------------------------------------------------------
// Fan-out: read a batch of notifications with their candidate subscriptions, write their legs.

export interface FanoutBatch {
  notifications: NotificationRow[];
  /** Active subscriptions of the notifications' accounts and types, oldest first. */
  subscriptions: SubscriptionRow[];
  /** The inactive ones, oldest first: fan-out records that it passed them over. */
  inactiveSubscriptions: SubscriptionRow[];
  /** Subscribers of the active subscriptions, oldest first. */
  subscribers: SubscriberRow[];
  /** The integrations those subscribers name, as they stand: fan-out records a disabled or paused one. */
  integrations: Pick<IntegrationRow, "id" | "disabledAt" | "disabledReason" | "pausedAt">[];
  /** The users those subscribers name: fan-out records one without an e-mail address. */
  users: Pick<UserRow, "id" | "email">[];
}

/**
 * The notifications among `ids` and every subscription (with the subscribers of the active ones, and the users and
 * integrations they name) that could reach them: one round trip.
 */
export async function loadFanoutBatch(db: Db, ids: readonly string[]): Promise<FanoutBatch> {
  if (ids.length === 0) {
    return {
      notifications: [],
      subscriptions: [],
      inactiveSubscriptions: [],
      subscribers: [],
      integrations: [],
      users: [],
    };
  }
  // Found through subscriptions_account_type_idx from the batch's (account, type) pairs, never by walking them all.
  const ofBatch = sql`(${subscriptions.accountId}, ${subscriptions.notificationType}) IN (
    SELECT n.account_id, n.type FROM notifications AS n
    WHERE n.id IN (SELECT value FROM json_each(${JSON.stringify(ids)})))`;
  const candidates = sql`${ofBatch} AND ${subscriptions.active} = 1`;
  const named = (type: "user" | "connection") =>
    db
      .select({ id: subscribers.subscriber })
      .from(subscribers)
      .where(
        and(
          inArray(
            subscribers.subscriptionId,
            db.select({ id: subscriptions.id }).from(subscriptions).where(candidates),
          ),
          eq(subscribers.subscriberType, type),
        ),
      );
  const [notificationRows, subscriptionRows, subscriberRows, integrationRows, userRows] = await db.batch([
    db.select().from(notifications).where(inJson(notifications.id, ids)),
    db.select().from(subscriptions).where(ofBatch).orderBy(subscriptions.createdAt, subscriptions.id),
    db
      .select()
      .from(subscribers)
      .where(
        inArray(subscribers.subscriptionId, db.select({ id: subscriptions.id }).from(subscriptions).where(candidates)),
      )
      .orderBy(subscribers.createdAt, subscribers.id),
    db
      .select({
        id: integrations.id,
        disabledAt: integrations.disabledAt,
        disabledReason: integrations.disabledReason,
        pausedAt: integrations.pausedAt,
      })
      .from(integrations)
      .where(inArray(integrations.id, named("connection"))),
    db
      .select({ id: users.id, email: users.email })
      .from(users)
      .where(inArray(users.id, named("user"))),
  ]);
  return {
    notifications: notificationRows,
    subscriptions: subscriptionRows.filter((row) => row.active),
    inactiveSubscriptions: subscriptionRows.filter((row) => !row.active),
    subscribers: subscriberRows,
    integrations: integrationRows,
    users: userRows,
  };
}

export interface SuppressionWindow {
  subscriptionId: string;
  key: string;
  notificationId: string;
  /** How long a window stays open: the subscription's suppression interval. */
  windowMs: number;
}

/** Who holds a suppression window after fan-out opened what it could: the notification that opened it, and when. */
export interface SuppressionHolder {
  notificationId: string;
  notifiedAt: number;
}

/**
 * Opens each suppression window (subscription, key) unless one is open, in one statement: answers the windows that
 * opened, as `subscriptionId/key/notificationId`, whose subscriptions may notify. A window opened by the same
 * notification does not suppress it, so a replayed fan-out reaches the same legs.
 */
export async function openSuppressionWindows(
  db: Db,
  windows: readonly SuppressionWindow[],
  now: number,
): Promise<Set<string>> {
  return (await openSuppressionWindowsWithHolders(db, windows, now)).opened;
}

/**
 * openSuppressionWindows, also answering who holds each window afterwards (by `subscriptionId/key`), so fan-out can
 * say which earlier notification suppressed one: the read rides in the same round trip.
 */
export async function openSuppressionWindowsWithHolders(
  db: Db,
  windows: readonly SuppressionWindow[],
  now: number,
): Promise<{ opened: Set<string>; holders: Map<string, SuppressionHolder> }> {
  if (windows.length === 0) return { opened: new Set(), holders: new Map() };
  const json = JSON.stringify(windows);
  type Held = { subscription_id: string; suppression_key: string; notification_id: string; notified_at: number };
  const [opened, held] = await db.batch([
    db.all<Omit<Held, "notified_at">>(sql`
    INSERT INTO suppressions (subscription_id, suppression_key, notification_id, notified_at)
    SELECT json_extract(j.value, '$.subscriptionId'), json_extract(j.value, '$.key'),
      json_extract(j.value, '$.notificationId'), ${now}
    FROM json_each(${json}) AS j
    WHERE true
    ON CONFLICT (subscription_id, suppression_key) DO UPDATE SET
      notification_id = excluded.notification_id, notified_at = excluded.notified_at
    WHERE suppressions.notification_id = excluded.notification_id
      OR suppressions.notified_at < excluded.notified_at - (
        SELECT json_extract(w.value, '$.windowMs') FROM json_each(${json}) AS w
        WHERE json_extract(w.value, '$.subscriptionId') = excluded.subscription_id
          AND json_extract(w.value, '$.key') = excluded.suppression_key)
    RETURNING subscription_id, suppression_key, notification_id`),
    db.all<Held>(sql`
    SELECT s.subscription_id, s.suppression_key, s.notification_id, s.notified_at FROM suppressions AS s
    WHERE (s.subscription_id, s.suppression_key) IN (
      SELECT json_extract(j.value, '$.subscriptionId'), json_extract(j.value, '$.key') FROM json_each(${json}) AS j)`),
  ]);
  return {
    opened: new Set(opened.map((row) => `${row.subscription_id}/${row.suppression_key}/${row.notification_id}`)),
    holders: new Map(
      held.map((row) => [
        `${row.subscription_id}/${row.suppression_key}`,
        { notificationId: row.notification_id, notifiedAt: Number(row.notified_at) },
      ]),
    ),
  };
}

/** A new leg, waiting for its first attempt from `nextAttemptAt` (its creation time unless said). */
export function newLeg(
  input: Pick<DeliveryRow, "id" | "accountId" | "notificationId" | "subscriptionId" | "channel" | "destination"> & {
    createdAt: number;
    nextAttemptAt?: number | null;
  },
): DeliveryRow {
  const { createdAt, nextAttemptAt = createdAt, ...leg } = input;
  return {
    ...leg,
    address: null,
    status: "PENDING",
    subject: null,
    attempts: 0,
    scheduleStart: 0,
    nextAttemptAt,
    leaseUntil: null,
    pacedAt: null,
    lastError: null,
    skipReason: null,
    trigger: null,
    jobId: null,
    responseCode: null,
    responseBody: null,
    providerMessageId: null,
    sentAt: null,
    deliveredAt: null,
    readAt: null,
    createdAt,
    modifiedAt: createdAt,
  };
}

/** A PENDING leg to queue: its id and account. */
export type PendingLeg = Pick<DeliveryRow, "id" | "accountId" | "notificationId">;

// Rows per multi-row INSERT: 24 columns a leg stays well under SQLite's 32,766 bound parameters.
const INSERT_CHUNK = 500;

/** Fan-out's decisions about one notification, to record with its legs. */
export type FanoutDecisions = Pick<FanoutDecisionRow, "notificationId" | "accountId" | "decisions">;

/**
 * Writes the legs a fan-out found (a leg that exists already, from a replayed fan-out, is left untouched) and its
 * decisions (the first fan-out's stay), moves each notification out of `created` (`dispatched`, or `completed` when
 * no leg of it waits), and answers every PENDING leg of those notifications, to be queued: one round trip.
 */
export async function writeFanout(
  db: Db,
  legs: readonly DeliveryRow[],
  notificationIds: readonly string[],
  now: number,
  decisions: readonly FanoutDecisions[] = [],
): Promise<PendingLeg[]> {
  if (notificationIds.length === 0) return [];
  const chunks: DeliveryRow[][] = [];
  for (let i = 0; i < legs.length; i += INSERT_CHUNK) chunks.push(legs.slice(i, i + INSERT_CHUNK));
  const ofNotifications = inJson(notifications.id, notificationIds);
  const inserts: BatchItem<"sqlite">[] = chunks.map((chunk) =>
    db.insert(deliveries).values(chunk).onConflictDoNothing(),
  );
  if (decisions.length > 0) {
    // One JSON parameter for the whole set: the statement's text is the same for any batch.
    inserts.push(
      db.run(sql`
      INSERT INTO fanout_decisions (notification_id, account_id, decided_at, decisions)
      SELECT json_extract(j.value, '$.notificationId'), json_extract(j.value, '$.accountId'), ${now},
        json(json_extract(j.value, '$.decisions'))
      FROM json_each(${JSON.stringify(decisions)}) AS j
      WHERE true
      ON CONFLICT (notification_id) DO NOTHING`),
    );
  }
  const statements: Statements = [
    db
      .update(notifications)
      .set({
        // No leg waiting means complete, also for a replay that finds every leg finished: a fan-out that died before
        // marking the notification dispatched may see its legs delivered (queued by the sweeper) before it runs again.
        status: sql`CASE WHEN EXISTS (SELECT 1 FROM deliveries AS p WHERE p.notification_id = ${notifications.id}
          AND p.status = 'PENDING') THEN ${NOTIFICATION_STATUS.dispatched} ELSE ${NOTIFICATION_STATUS.completed} END`,
        modifiedAt: now,
      })
      .where(and(ofNotifications, filterEq(notifications.status, NOTIFICATION_STATUS.created))),
    db
      .select({ id: deliveries.id, accountId: deliveries.accountId, notificationId: deliveries.notificationId })
      .from(deliveries)
      .where(and(inJson(deliveries.notificationId, notificationIds), eq(deliveries.status, "PENDING")))
      .orderBy(deliveries.notificationId, deliveries.createdAt, deliveries.id),
  ];
  // The legs go in before the statements that read them.
  return (await db.batch([...inserts, ...statements] as Statements)).at(-1) as PendingLeg[];
}

/**
 * Of `legIds` (legs to integrations that deliver in incident order), those that must wait: an earlier notification of
 * the same incident in the account still has a PENDING leg to the same integration, or is not fanned out yet (its legs
 * may not exist). Legs of notifications without an incident key never wait. One statement.
 */
export async function legsWaitingForEarlier(db: Db, legIds: readonly string[]): Promise<Set<string>> {
  if (legIds.length === 0) return new Set();
  const rows = await db.all<{ id: string }>(sql`
    SELECT d.id AS id FROM deliveries AS d
    JOIN notifications AS n ON n.id = d.notification_id
    WHERE d.id IN (SELECT value FROM json_each(${JSON.stringify(legIds)}))
      AND n.long_incident_id IS NOT NULL
      AND EXISTS (
        SELECT 1 FROM notifications AS e
        WHERE e.account_id = n.account_id AND e.long_incident_id = n.long_incident_id
          AND e.status IN ('created', 'dispatched')
          AND (e.created_at < n.created_at OR (e.created_at = n.created_at AND e.id < n.id))
          AND (e.status = 'created' OR EXISTS (
            SELECT 1 FROM deliveries AS p
            WHERE p.notification_id = e.id AND p.status = 'PENDING' AND p.destination = d.destination)))`);
  return new Set(rows.map((row) => row.id));
}
