// What a delivery batch asks before it calls limited integrations: permits and call slots (reserveCalls), and which
// legs of integrations that deliver in incident order must wait their turn (legsWaitingForEarlier).
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../client";
import { deliveries } from "../schema";
import { inJson, type Statements } from "./batch-sql";

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
