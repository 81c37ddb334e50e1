import { INTEGRATION_TYPES } from "@herald/contracts/integration-types";
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { auditColumns, epochMs } from "./columns";

export type IntegrationKind = (typeof INTEGRATION_TYPES)[number];

export const integrations = sqliteTable(
  "integrations",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    name: text("name").notNull(),
    type: text("type", { enum: INTEGRATION_TYPES }).notNull(),
    /**
     * Where calls go, as answers and the attempts log show it: never a credential. A type whose URL is one (Slack,
     * Teams, Discord) keeps its masked form here and the URL itself in `secrets.url`.
     */
    targetUrl: text("target_url").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    /** `whsec_...` Standard Webhooks key; the previous one keeps signing until `previousSecretExpiresAt`. */
    signingSecret: text("signing_secret").notNull(),
    previousSigningSecret: text("previous_signing_secret"),
    previousSecretExpiresAt: epochMs("previous_secret_expires_at"),
    /** The type's settings that are not credentials (PagerDuty's region and severity map, Splunk's index...). */
    config: text("config", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    /** The type's credentials by name (a vendor webhook URL, a routing key, a token), each sealed on its own. */
    secrets: text("secrets", { mode: "json" }).$type<Record<string, string>>().notNull().default({}),
    /**
     * The next free call slot for a rate-limited type (Slack takes about one message a second per webhook): each
     * batch reserves its calls' slots from here, so consumers running side by side space their calls between them.
     */
    pacedUntil: epochMs("paced_until"),
    /**
     * The integration's own limits, which Herald keeps across every consumer: calls per second with a burst (unset:
     * its type's vendor default, or none), and calls at once. Legs over a limit wait; they are not attempts.
     */
    rateLimitPerSecond: real("rate_limit_per_second"),
    rateLimitBurst: integer("rate_limit_burst"),
    maxInFlight: integer("max_in_flight"),
    /**
     * `incident`: legs of one incident (`notifications.long_incident_id`) reach it one at a time, in the order their
     * notifications were sent; null: no order.
     */
    ordering: text("ordering", { enum: ["incident"] }),
    /** Set while an operator has paused deliveries: legs wait, parked, until it is resumed. */
    pausedAt: epochMs("paused_at"),
    /** Set when the target answered 410 Gone: deliveries to it stop until it is updated. */
    disabledAt: epochMs("disabled_at"),
    disabledReason: text("disabled_reason"),
    /**
     * Failed attempts in a row at this integration, across legs (a delivered one resets it), and when the streak's
     * first failure was recorded: `herald/integration.failing` is emitted once per streak, keyed by `failingSince`.
     * Legs of `herald/*` notifications do not count (no loops).
     */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    failingSince: epochMs("failing_since"),
    ...auditColumns,
  },
  (t) => [index("integrations_account_idx").on(t.accountId)],
);

export type IntegrationRow = typeof integrations.$inferSelect;

/**
 * Calls to an integration with `max_in_flight` that a delivery batch may make at once (`count`), until it records or
 * `expiresAt` (its lease) passes: the sum over live holders never exceeds the limit.
 */
export const integrationPermits = sqliteTable(
  "integration_permits",
  {
    integrationId: text("integration_id").notNull(),
    holder: text("holder").notNull(),
    count: integer("count").notNull(),
    expiresAt: epochMs("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.holder] }), index("integration_permits_holder_idx").on(t.holder)],
);
