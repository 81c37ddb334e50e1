import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type FanoutDecisionRow, fanoutDecisions, type SubscriptionRow, subscriptions } from "../schema";

/**
 * What fan-out decided about one of the account's notifications, with the subscriptions it decided on as they are now
 * (a deleted one is missing): one round trip. Undefined when the notification was not fanned out with decisions.
 */
export async function findFanoutDecisions(
  db: Db,
  accountId: string,
  notificationId: string,
): Promise<{ row: FanoutDecisionRow; subscriptions: Pick<SubscriptionRow, "id" | "name">[] } | undefined> {
  const decided = and(eq(fanoutDecisions.accountId, accountId), eq(fanoutDecisions.notificationId, notificationId));
  const [rows, named] = await db.batch([
    db.select().from(fanoutDecisions).where(decided),
    db
      .select({ id: subscriptions.id, name: subscriptions.name })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.accountId, accountId),
          inArray(
            subscriptions.id,
            sql`(SELECT json_extract(j.value, '$.s') FROM fanout_decisions AS f, json_each(f.decisions) AS j
              WHERE f.notification_id = ${notificationId} AND f.account_id = ${accountId})`,
          ),
        ),
      ),
  ]);
  const [row] = rows;
  return row === undefined ? undefined : { row, subscriptions: named };
}

export interface HourlyDeliveries {
  /** The hour's start, epoch milliseconds. */
  hour: number;
  status: string;
  count: number;
}

/** How one integration's legs of a window fared, and its most recent call. */
export interface IntegrationHealthRow {
  destination: string;
  integrationName: string | null;
  integrationType: string | null;
  legs: number;
  delivered: number;
  failed: number;
  pending: number;
  attempts: number;
  lastAttemptAt: number | null;
  lastResponseCode: number | null;
  lastError: string | null;
}

export interface DeliveryLatency {
  channel: string;
  /** The integration (webhook channel); empty for the e-mail channel, whose legs count as one. */
  destination: string;
  integrationName: string | null;
  integrationType: string | null;
  delivered: number;
  p50Ms: number;
  p95Ms: number;
}

/**
 * An account's legs created in [since, until): how many per hour by their current status, and the time from a leg's
 * creation (its notification's fan-out) to delivered, p50 and p95 by nearest rank, per integration and for e-mail.
 * Two statements, one round trip, both on deliveries_account_created_idx.
 */
export async function deliveryStatistics(
  db: Db,
  accountId: string,
  since: number,
  until: number,
  /** Only legs to these integrations (a portal session limited to them); every leg of the account when absent. */
  destinations?: readonly string[],
): Promise<{ hourly: HourlyDeliveries[]; latency: DeliveryLatency[]; health: IntegrationHealthRow[] }> {
  const scoped =
    destinations === undefined
      ? sql``
      : sql` AND d.channel = 'webhook' AND d.destination IN (SELECT value FROM json_each(${JSON.stringify(destinations)}))`;
  const [hourly, latency, health] = await db.batch([
    db.all<{ hour: number; status: string; count: number }>(sql`
      SELECT (d.created_at / 3600000) * 3600000 AS hour, d.status AS status, COUNT(*) AS count
      FROM deliveries AS d
      WHERE d.account_id = ${accountId} AND d.created_at >= ${since} AND d.created_at < ${until}${scoped}
      GROUP BY hour, d.status ORDER BY hour, d.status`),
    db.all<{
      channel: string;
      destination: string;
      name: string | null;
      type: string | null;
      delivered: number;
      p50: number;
      p95: number;
    }>(sql`
      SELECT ranked.channel AS channel, ranked.destination AS destination, i.name AS name, i.type AS type,
        MAX(ranked.n) AS delivered,
        MIN(CASE WHEN ranked.rank = (ranked.n * 50 + 99) / 100 THEN ranked.latency END) AS p50,
        MIN(CASE WHEN ranked.rank = (ranked.n * 95 + 99) / 100 THEN ranked.latency END) AS p95
      FROM (
        SELECT d.channel, CASE WHEN d.channel = 'email' THEN '' ELSE d.destination END AS destination,
          d.delivered_at - d.created_at AS latency,
          ROW_NUMBER() OVER by_latency AS rank, COUNT(*) OVER by_target AS n
        FROM deliveries AS d
        WHERE d.account_id = ${accountId} AND d.created_at >= ${since} AND d.created_at < ${until}
          AND d.delivered_at IS NOT NULL${scoped}
        -- The count over the whole partition: with an ORDER BY it would be a running count.
        WINDOW by_target AS (PARTITION BY d.channel, CASE WHEN d.channel = 'email' THEN '' ELSE d.destination END),
          by_latency AS (by_target ORDER BY d.delivered_at - d.created_at)
      ) AS ranked
      LEFT JOIN integrations AS i ON i.id = ranked.destination AND i.account_id = ${accountId}
      GROUP BY ranked.channel, ranked.destination ORDER BY ranked.channel DESC, ranked.destination`),
    // Per integration: its legs by outcome, and the most recently changed leg that was called (its last call).
    db.all<{
      destination: string;
      name: string | null;
      type: string | null;
      legs: number;
      delivered: number;
      failed: number;
      pending: number;
      attempts: number;
      last_at: number | null;
      last_code: number | null;
      last_error: string | null;
    }>(sql`
      SELECT ranked.destination AS destination, i.name AS name, i.type AS type, COUNT(*) AS legs,
        SUM(ranked.status IN ('SENT', 'DELIVRD', 'READ')) AS delivered, SUM(ranked.status = 'FAILED') AS failed,
        SUM(ranked.status = 'PENDING') AS pending, SUM(ranked.attempts) AS attempts,
        MAX(CASE WHEN ranked.recent = 1 AND ranked.attempts > 0 THEN ranked.modified_at END) AS last_at,
        MAX(CASE WHEN ranked.recent = 1 AND ranked.attempts > 0 THEN ranked.response_code END) AS last_code,
        MAX(CASE WHEN ranked.recent = 1 AND ranked.attempts > 0 THEN ranked.last_error END) AS last_error
      FROM (
        SELECT d.destination, d.status, d.attempts, d.modified_at, d.response_code, d.last_error,
          ROW_NUMBER() OVER (PARTITION BY d.destination ORDER BY d.attempts > 0 DESC, d.modified_at DESC) AS recent
        FROM deliveries AS d
        WHERE d.account_id = ${accountId} AND d.created_at >= ${since} AND d.created_at < ${until}
          AND d.channel = 'webhook'${scoped}
      ) AS ranked
      LEFT JOIN integrations AS i ON i.id = ranked.destination AND i.account_id = ${accountId}
      GROUP BY ranked.destination ORDER BY ranked.destination`),
  ]);
  return {
    hourly: hourly.map((row) => ({ hour: Number(row.hour), status: row.status, count: Number(row.count) })),
    latency: latency.map((row) => ({
      channel: row.channel,
      destination: row.destination,
      integrationName: row.name,
      integrationType: row.type,
      delivered: Number(row.delivered),
      p50Ms: Number(row.p50),
      p95Ms: Number(row.p95),
    })),
    health: health.map((row) => ({
      destination: row.destination,
      integrationName: row.name,
      integrationType: row.type,
      legs: Number(row.legs),
      delivered: Number(row.delivered),
      failed: Number(row.failed),
      pending: Number(row.pending),
      attempts: Number(row.attempts),
      lastAttemptAt: row.last_at === null ? null : Number(row.last_at),
      lastResponseCode: row.last_code === null ? null : Number(row.last_code),
      lastError: row.last_error,
    })),
  };
}
