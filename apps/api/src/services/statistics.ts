import {
  type DeliveryStatistics,
  type DeliveryStatisticsQuery,
  type HourlyDeliveries,
  STATISTICS_DEFAULT_WINDOW_SECONDS,
  STATISTICS_MAX_WINDOW_SECONDS,
} from "@herald/contracts";
import { DELIVERY_STATUSES, deliveryStatistics } from "@herald/db";
import { integrationScope } from "../auth/scope";
import { ApiError } from "../errors";
import type { ServiceContext } from "./context";

const HOUR_MS = 3_600_000;

/** The account's deliveries per hour by status over a window (default the last 24 hours) and latency per target. */
export async function getDeliveryStatistics(
  ctx: ServiceContext,
  accountId: string,
  query: DeliveryStatisticsQuery,
): Promise<DeliveryStatistics> {
  // `until` is exclusive and in whole seconds: by default the second after now, so that legs of this very second count.
  const until = query.until ?? Math.floor(ctx.services.now() / 1000) + 1;
  const since = query.since ?? Math.max(0, until - STATISTICS_DEFAULT_WINDOW_SECONDS);
  // The query's own checks cover a window given whole; these cover one end given against the default other.
  if (since >= until) throw ApiError.invalid("since", "since must be before until (default: now)");
  if (until - since > STATISTICS_MAX_WINDOW_SECONDS) {
    throw ApiError.invalid("since", `the window must not pass ${STATISTICS_MAX_WINDOW_SECONDS} seconds (7 days)`);
  }
  // A portal session limited to some integrations sees only their legs.
  const stats = await deliveryStatistics(
    ctx.services.db,
    accountId,
    since * 1000,
    until * 1000,
    integrationScope(ctx.auth),
  );

  const hours = new Map<number, HourlyDeliveries>();
  for (let hour = Math.floor((since * 1000) / HOUR_MS) * HOUR_MS; hour < until * 1000; hour += HOUR_MS) {
    hours.set(hour, { hour: hour / 1000, total: 0, PENDING: 0, SENT: 0, DELIVRD: 0, READ: 0, FAILED: 0 });
  }
  for (const row of stats.hourly) {
    const bucket = hours.get(row.hour);
    const status = DELIVERY_STATUSES.find((known) => known === row.status);
    if (bucket === undefined || status === undefined) continue;
    bucket[status] += row.count;
    bucket.total += row.count;
  }
  return {
    since,
    until,
    hours: [...hours.values()],
    latency: stats.latency.map((row) => ({
      channel: row.channel === "email" ? "email" : "webhook",
      ...(row.channel === "webhook" ? { integration_id: row.destination } : {}),
      ...(row.integrationName !== null ? { integration_name: row.integrationName } : {}),
      ...(row.integrationType !== null ? { integration_type: row.integrationType } : {}),
      delivered: row.delivered,
      p50_ms: row.p50Ms,
      p95_ms: row.p95Ms,
    })),
    integrations: stats.health.map((row) => {
      const settled = row.delivered + row.failed;
      return {
        integration_id: row.destination,
        ...(row.integrationName !== null ? { integration_name: row.integrationName } : {}),
        ...(row.integrationType !== null ? { integration_type: row.integrationType } : {}),
        legs: row.legs,
        delivered: row.delivered,
        failed: row.failed,
        pending: row.pending,
        attempts: row.attempts,
        failure_rate: settled === 0 ? 0 : row.failed / settled,
        ...(row.lastAttemptAt !== null ? { last_attempt_at: Math.floor(row.lastAttemptAt / 1000) } : {}),
        ...(row.lastResponseCode !== null ? { last_response_code: row.lastResponseCode } : {}),
        ...(row.lastError !== null ? { last_error: row.lastError } : {}),
      };
    }),
  };
}
