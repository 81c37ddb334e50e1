// The delivery pipeline's set-taking statements: a queue batch's legs are claimed and read (delivery-claims.ts), then
// their attempts recorded and their notifications completed here, in a few round trips whatever the batch's size.
// Sets travel as one JSON parameter read with json_each, so every statement's text is the same for one leg or a
// hundred (prepared once, cached by the driver) and no batch runs into SQLite's limit on bound parameters. Fan-out's
// statements are in fanout-batches.ts, call reservations in call-reservations.ts, ticket links in ticket-links.ts.
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import {
  type DeliveryStatus,
  deliveries,
  integrationPermits,
  integrations,
  NOTIFICATION_STATUS,
  notifications,
  type SkipReason,
} from "../schema";
import { filterEq, inJson, type Statements } from "./batch-sql";
import {
  deliveryExhaustedEvents,
  type EmittedEvent,
  type IntegrationStreak,
  integrationDisabledEvents,
  integrationFailingEvents,
  moveStreaks,
  toEmitted,
} from "./operational-events";
import { type TicketLinkWrite, ticketLinkStatements } from "./ticket-links";

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
  /** The HTTP request headers sent, secrets already masked; absent when no HTTP call was made. */
  requestHeaders?: Record<string, string>;
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
         request_headers, next_attempt_at, trigger, job_id)
      SELECT ${field("attemptId")}, d.id, d.account_id, ${field("attempt")}, ${field("startedAt")},
        ${field("durationMs")}, ${field("responseCode")}, ${field("responseBody")}, ${field("error")},
        ${field("requestHeaders")}, ${field("nextAttemptAt")}, d.trigger, d.job_id
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
