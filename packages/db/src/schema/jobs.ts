import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdColumns, epochMs } from "./columns";

export const JOB_KINDS = ["recover", "replay"] as const;
export type JobKind = (typeof JOB_KINDS)[number];
export const JOB_STATUSES = ["queued", "running", "completed", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * An operator's request to re-queue an integration's FAILED legs since a time: `recover` those whose calls failed,
 * `replay` those that made no call because the integration was disabled. The legs it may take are fixed when it is
 * made (failed between `since` and `createdAt`); it takes them a page at a time, ordered by id after `cursor`, each
 * page advanced by a message of its own on the fan-out queue.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    integrationId: text("integration_id").notNull(),
    kind: text("kind", { enum: JOB_KINDS }).notNull(),
    since: epochMs("since").notNull(),
    status: text("status", { enum: JOB_STATUSES }).notNull(),
    /** The legs that matched when the job was made. */
    matched: integer("matched").notNull().default(0),
    /** The legs it put back in the queue: fewer than matched when some were retried by hand meanwhile. */
    requeued: integer("requeued").notNull().default(0),
    /** The id of the last leg taken: the next page starts after it. */
    cursor: text("cursor").notNull().default(""),
    error: text("error"),
    ...createdColumns,
    /** Moves with every page: the sweeper queues again a job that has not moved for its grace period. */
    modifiedAt: epochMs("modified_at").notNull(),
    finishedAt: epochMs("finished_at"),
  },
  (t) => [
    index("jobs_account_idx").on(t.accountId, t.createdAt),
    // One unfinished job per integration and kind: a second request while it runs answers it (or 409).
    uniqueIndex("jobs_active_uq").on(t.integrationId, t.kind).where(sql`${t.status} IN ('queued', 'running')`),
    index("jobs_status_modified_idx").on(t.status, t.modifiedAt),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
