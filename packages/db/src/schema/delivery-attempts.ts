import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { epochMs } from "./columns";
import { DELIVERY_TRIGGERS, deliveries } from "./deliveries";

export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => deliveries.id),
    accountId: text("account_id").notNull(),
    attempt: integer("attempt").notNull(),
    startedAt: epochMs("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    responseCode: integer("response_code"),
    /** At most 20 KB of the response, as Svix stores. */
    responseBody: text("response_body"),
    error: text("error"),
    /** The HTTP request headers Herald sent (name → value), secrets masked before they are stored; null: no HTTP call. */
    requestHeaders: text("request_headers", { mode: "json" }).$type<Record<string, string>>(),
    /** When the next attempt is scheduled, if any. */
    nextAttemptAt: epochMs("next_attempt_at"),
    /** What started the schedule this attempt belongs to (the leg's `trigger` when it was made); null: `queue`. */
    trigger: text("trigger", { enum: DELIVERY_TRIGGERS }),
    /** The recover or replay job behind it, if any. */
    jobId: text("job_id"),
  },
  (t) => [uniqueIndex("delivery_attempts_delivery_attempt_uq").on(t.deliveryId, t.attempt)],
);

export type DeliveryAttemptRow = typeof deliveryAttempts.$inferSelect;
