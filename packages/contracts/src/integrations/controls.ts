// ---- Delivery controls, for every type: how fast and how many at once Herald calls the integration.
import { z } from "../zod";

export const MAX_RATE_PER_SECOND = 10_000;
export const ORDERINGS = ["none", "incident"] as const;
export const RateLimit = z
  .strictObject({
    per_second: z
      .number()
      .positive()
      .max(MAX_RATE_PER_SECOND)
      .openapi({ description: "Calls per second, sustained (e.g. 0.5 for one call every two seconds).", example: 5 }),
    burst: z.int().min(1).max(MAX_RATE_PER_SECOND).default(1).openapi({
      description:
        "Calls that may go at once after a quiet spell (a token bucket's size); 1 by default: every call spaced.",
      example: 10,
    }),
  })
  .openapi("Rate-Limit", {
    description:
      "The most calls Herald makes to the integration, across all its consumers: `per_second` sustained, up to " +
      "`burst` at once. Legs over it wait for their turn; they are not attempts and never fail for it.",
    example: { per_second: 5, burst: 10 },
  });
export type RateLimit = z.infer<typeof RateLimit>;

export const MaxInFlight = z.int().min(1).max(1000).openapi({
  description: "The most calls to the integration at once, across all Herald's consumers.",
  example: 4,
});

export const controlFields = {
  rate_limit: RateLimit.nullable()
    .optional()
    .openapi({
      description:
        "Herald's pace for this integration; null (or absent) for its type's default: Slack 1, Discord 2.5, Teams 4, " +
        "PagerDuty 2 calls per second, no limit for the other types.",
    }),
  max_in_flight: MaxInFlight.nullable()
    .optional()
    .openapi({ description: "Calls at once across all consumers; null (or absent) for no limit." }),
  ordering: z
    .enum(ORDERINGS)
    .optional()
    .openapi({
      description:
        "`incident`: the legs of one incident (`payload.long_incident_id`) reach the integration one at a time, in the " +
        "order their notifications were sent, while other incidents flow beside them; `none` (the default): no order.",
      example: "incident",
    }),
};
