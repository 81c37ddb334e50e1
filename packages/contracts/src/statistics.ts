import { EpochSeconds, EpochSecondsQuery } from "./common";
import { z } from "./zod";

// Herald extension: an account's delivery overview, computed from its stored legs.

/** The longest window the statistics read, in seconds (seven days: 168 hourly buckets). */
export const STATISTICS_MAX_WINDOW_SECONDS = 7 * 24 * 3600;
/** The window when the query names none: the last 24 hours. */
export const STATISTICS_DEFAULT_WINDOW_SECONDS = 24 * 3600;

export const DeliveryStatisticsQuery = z
  .object({
    since: EpochSecondsQuery.optional().openapi({
      description: "Legs created at or after this time; default `until` less 24 hours.",
    }),
    until: EpochSecondsQuery.optional().openapi({
      description: "Legs created before this time; by default the second after now (legs of this second count).",
    }),
  })
  .refine((query) => query.since === undefined || query.until === undefined || query.since < query.until, {
    path: ["until"],
    message: "until must be after since",
  })
  .refine(
    (query) =>
      query.since === undefined ||
      query.until === undefined ||
      query.until - query.since <= STATISTICS_MAX_WINDOW_SECONDS,
    { path: ["since"], message: `the window must not pass ${STATISTICS_MAX_WINDOW_SECONDS} seconds (7 days)` },
  );
export type DeliveryStatisticsQuery = z.infer<typeof DeliveryStatisticsQuery>;

const count = z.number().int().nonnegative();

export const HourlyDeliveries = z
  .object({
    hour: EpochSeconds.openapi({ description: "The hour's start." }),
    total: count,
    PENDING: count,
    SENT: count,
    DELIVRD: count,
    READ: count,
    FAILED: count,
  })
  .openapi("Hourly-Deliveries", { description: "Legs created in the hour, by their current status." });
export type HourlyDeliveries = z.infer<typeof HourlyDeliveries>;

export const DeliveryLatency = z
  .object({
    channel: z.enum(["email", "webhook"]),
    integration_id: z.string().optional().openapi({ description: "The integration; absent for the e-mail channel." }),
    integration_name: z.string().optional(),
    integration_type: z.string().optional(),
    delivered: count.openapi({ description: "Legs delivered (DELIVRD or READ) in the window." }),
    p50_ms: z.number().int().nonnegative(),
    p95_ms: z.number().int().nonnegative(),
  })
  .openapi("Delivery-Latency", {
    description:
      "Time from send (the leg's creation at fan-out) to delivered, by nearest rank over the window's delivered legs.",
  });
export type DeliveryLatency = z.infer<typeof DeliveryLatency>;

export const IntegrationHealth = z
  .object({
    integration_id: z.string(),
    integration_name: z.string().optional(),
    integration_type: z.string().optional(),
    legs: count.openapi({ description: "Legs to it created in the window." }),
    delivered: count.openapi({ description: "Of those, delivered (SENT, DELIVRD or READ)." }),
    failed: count.openapi({ description: "Of those, FAILED for good." }),
    pending: count.openapi({ description: "Of those, still PENDING (waiting for an attempt or a retry)." }),
    attempts: count.openapi({ description: "Calls made for those legs, retries included." }),
    failure_rate: z.number().min(0).max(1).openapi({
      description: "FAILED legs over settled ones (delivered and failed); 0 when none has settled.",
      example: 0.05,
    }),
    last_attempt_at: EpochSeconds.optional().openapi({ description: "When the most recent of those calls ended." }),
    last_response_code: z.number().int().optional().openapi({ description: "What the target answered it." }),
    last_error: z.string().optional().openapi({ description: "Why it did not deliver, when it did not." }),
  })
  .openapi("Integration-Health", {
    description: "How an integration's legs of the window fared: counts by outcome and its most recent call.",
  });
export type IntegrationHealth = z.infer<typeof IntegrationHealth>;

export const DeliveryStatistics = z
  .object({
    since: EpochSeconds,
    until: EpochSeconds,
    hours: z
      .array(HourlyDeliveries)
      .openapi({ description: "Every hour of the window, oldest first (empty ones too)." }),
    latency: z.array(DeliveryLatency),
    integrations: z
      .array(IntegrationHealth)
      .openapi({ description: "Per integration with legs in the window: outcomes and its last call." }),
  })
  .openapi("Delivery-Statistics");
export type DeliveryStatistics = z.infer<typeof DeliveryStatistics>;
