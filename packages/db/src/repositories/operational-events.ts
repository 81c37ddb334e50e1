// Herald's own operational events (README "Operational events"): notifications of the `herald/*` types, written into
// the account concerned by the statements that record their cause, in the same round trip. Each has an id derived
// from its cause and goes in with ON CONFLICT DO NOTHING, so a replayed batch emits nothing twice. Ids are upper case
// like every notification id (lookups upper-case what they are given) and name the cause:
// HERALD.DELIVERY.EXHAUSTED.<leg>.<attempts>, HERALD.INTEGRATION.DISABLED.<integration>.<disabled_at> and
// HERALD.INTEGRATION.FAILING.<integration>.<failing_since>. Each statement answers the rows it inserted, to be queued
// for fan-out (the sweeper queues any whose send was lost: they are `created` like any notification).
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";

export const OPERATIONAL_EVENT_TYPES = {
  integrationDisabled: "herald/integration.disabled",
  deliveryExhausted: "herald/delivery.exhausted",
  integrationFailing: "herald/integration.failing",
} as const;

/** Failed attempts in a row at one integration that make a `herald/integration.failing` event (once per streak). */
export const FAILING_STREAK = 5;

/** What an operational event is recorded as, by whom. */
const EMITTED_BY = "herald";

/** An operational event notification that went in, to be queued for fan-out. */
export interface EmittedEvent {
  id: string;
  accountId: string;
}

/** Failed and delivered attempts at one integration in one batch, by attempt id (counted only if recorded). */
export interface IntegrationStreak {
  accountId: string;
  id: string;
  failedAttemptIds: readonly string[];
  deliveredAttemptIds: readonly string[];
}

const COLUMNS = sql.raw(
  "(id, account_id, type, notification_data, asset_data, payload, attachments, status, long_incident_id, " +
    "requeued_at, created_at, created_by, modified_at, modified_by)",
);

/** The columns after the id, account, type and payload of an event row inserted at `now`. */
function rest(now: number): SQL {
  return sql`NULL, 'created', NULL, NULL, ${now}, ${EMITTED_BY}, ${now}, ${EMITTED_BY}`;
}

/** Legs of `herald/*` notifications never emit an event nor count towards a streak: no loops. */
const NOT_OPERATIONAL_SQL = "n.type NOT LIKE 'herald/%'";
const NOT_OPERATIONAL = sql.raw(NOT_OPERATIONAL_SQL);

type EventRows = Array<{ id: string; account_id: string }>;

export function toEmitted(rows: EventRows): EmittedEvent[] {
  return rows.map((row) => ({ id: row.id, accountId: row.account_id }));
}

/**
 * `herald/delivery.exhausted` for each leg among `legs` that is FAILED with `attempt` attempts (null: whatever its
 * attempts), of a notification that is not `herald/*`, unless its integration was disabled before `now` (such legs
 * fail without a call, and `herald/integration.disabled` told already). Run after the statement that failed them;
 * `attemptId`, when given, must have gone in (a consumer that outlived its lease emits nothing).
 */
export function deliveryExhaustedEvents(
  db: Db,
  legs: ReadonlyArray<{ deliveryId: string; attempt: number | null; attemptId: string | null }>,
  now: number,
) {
  const field = (name: string) => sql.raw(`json_extract(j.value, '$.${name}')`);
  return db.all<EventRows[number]>(sql`
    INSERT INTO notifications ${COLUMNS}
    SELECT upper('herald.delivery.exhausted.' || d.id || '.' || d.attempts), d.account_id,
      ${OPERATIONAL_EVENT_TYPES.deliveryExhausted}, json_object('event', 'delivery.exhausted'), '{}',
      json_object('notification_id', n.id, 'notification_type', n.type, 'delivery_id', d.id,
        'channel', d.channel, 'destination', d.destination, 'integration_name', i.name, 'integration_type', i.type,
        'address', d.address, 'attempts', d.attempts, 'last_error', coalesce(d.last_error, ''),
        'response_code', d.response_code, 'failed_at', ${now},
        'summary', 'A ' || n.type || ' notification could not be delivered to '
          || coalesce(i.name, d.address, d.destination) || ': ' || coalesce(d.last_error, 'failed')),
      ${rest(now)}
    FROM json_each(${JSON.stringify(legs)}) AS j
    JOIN deliveries AS d ON d.id = ${field("deliveryId")}
    JOIN notifications AS n ON n.id = d.notification_id
    LEFT JOIN integrations AS i ON d.channel = 'webhook' AND i.id = d.destination AND i.account_id = d.account_id
    WHERE +d.status = 'FAILED' AND ${NOT_OPERATIONAL}
      -- A leg to an integration disabled before this recording fails without a call: integration.disabled said it.
      AND (i.disabled_at IS NULL OR i.disabled_at >= ${now})
      AND (${field("attempt")} IS NULL OR d.attempts = ${field("attempt")})
      AND (${field("attemptId")} IS NULL
        OR EXISTS (SELECT 1 FROM delivery_attempts AS a WHERE a.id = ${field("attemptId")}))
    ON CONFLICT DO NOTHING
    RETURNING id, account_id`);
}

/** `herald/integration.disabled` for each of `ids` that was disabled at `now` (by the statement before it). */
export function integrationDisabledEvents(db: Db, ids: readonly string[], now: number) {
  return db.all<EventRows[number]>(sql`
    INSERT INTO notifications ${COLUMNS}
    SELECT upper('herald.integration.disabled.' || i.id || '.' || i.disabled_at), i.account_id,
      ${OPERATIONAL_EVENT_TYPES.integrationDisabled}, json_object('event', 'integration.disabled'), '{}',
      json_object('integration_id', i.id, 'integration_name', i.name, 'integration_type', i.type,
        'reason', i.disabled_reason, 'disabled_at', i.disabled_at,
        'summary', 'Integration ' || i.name || ' was disabled: ' || coalesce(i.disabled_reason, '')),
      ${rest(now)}
    FROM integrations AS i
    WHERE i.id IN (SELECT value FROM json_each(${JSON.stringify(ids)})) AND i.disabled_at = ${now}
    ON CONFLICT DO NOTHING
    RETURNING id, account_id`);
}

/**
 * Moves each integration's failure streak: a recorded delivered attempt resets it, recorded failed attempts (of legs
 * of notifications that are not `herald/*`) add to it, and the first of a streak stamps `failing_since`.
 */
export function moveStreaks(db: Db, streaks: readonly IntegrationStreak[], now: number) {
  const recorded = (list: string) =>
    sql.raw(`(SELECT count(*) FROM json_each(j.value, '$.${list}') AS f
      JOIN delivery_attempts AS a ON a.id = f.value
      JOIN deliveries AS d ON d.id = a.delivery_id
      JOIN notifications AS n ON n.id = d.notification_id
      WHERE ${NOT_OPERATIONAL_SQL})`);
  const delivered = recorded("deliveredAttemptIds");
  const failed = recorded("failedAttemptIds");
  return db.run(sql`
    UPDATE integrations SET
      consecutive_failures = CASE WHEN ${delivered} > 0 THEN 0 ELSE consecutive_failures + ${failed} END,
      failing_since = CASE WHEN ${delivered} > 0 THEN NULL
        WHEN failing_since IS NULL AND ${failed} > 0 THEN ${now} ELSE failing_since END
    FROM json_each(${JSON.stringify(streaks)}) AS j
    WHERE integrations.id = json_extract(j.value, '$.id')
      AND integrations.account_id = json_extract(j.value, '$.accountId')`);
}

/** `herald/integration.failing` for each of `ids` whose streak reached FAILING_STREAK: once per streak (its id). */
export function integrationFailingEvents(db: Db, ids: readonly string[], now: number) {
  return db.all<EventRows[number]>(sql`
    INSERT INTO notifications ${COLUMNS}
    SELECT upper('herald.integration.failing.' || i.id || '.' || i.failing_since), i.account_id,
      ${OPERATIONAL_EVENT_TYPES.integrationFailing}, json_object('event', 'integration.failing'), '{}',
      json_object('integration_id', i.id, 'integration_name', i.name, 'integration_type', i.type,
        'consecutive_failures', i.consecutive_failures, 'failing_since', i.failing_since,
        'summary', 'Integration ' || i.name || ' failed ' || i.consecutive_failures || ' times in a row'),
      ${rest(now)}
    FROM integrations AS i
    WHERE i.id IN (SELECT value FROM json_each(${JSON.stringify(ids)}))
      AND i.consecutive_failures >= ${FAILING_STREAK} AND i.failing_since IS NOT NULL
    ON CONFLICT DO NOTHING
    RETURNING id, account_id`);
}
