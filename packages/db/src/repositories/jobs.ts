// Recover and replay jobs: an integration's FAILED legs since a time, put back in the queue a page at a time. Each
// page is one round trip (one transaction) that takes the legs, points their notifications back at `dispatched` and
// moves the job on; it is guarded by the job's cursor, so a duplicated job message takes no page twice.
import { and, asc, eq, gt, gte, inArray, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  type DeliveryTrigger,
  deliveries,
  type JobKind,
  type JobRow,
  jobs,
  NOTIFICATION_STATUS,
  notifications,
} from "../schema";

const ACTIVE = sql.raw(`('queued', 'running')`);

/**
 * What puts a FAILED leg back to PENDING with a fresh retry schedule, due now: one retry (`resetFailedDelivery`) and
 * every page of a job set the same columns. `trigger` and `jobId` go onto each attempt of the new schedule.
 */
export function requeueColumns(now: number, trigger: DeliveryTrigger, jobId: string | null) {
  return {
    status: "PENDING" as const,
    scheduleStart: sql`${deliveries.attempts}`,
    nextAttemptAt: now,
    leaseUntil: null,
    lastError: null,
    skipReason: null,
    trigger,
    jobId,
    modifiedAt: now,
  };
}

export interface JobScope {
  accountId: string;
  integrationId: string;
  kind: JobKind;
  since: number;
  /** Legs that failed after this are not the job's: the legs it puts back, and those failing anew, stay out. */
  until: number;
}

/**
 * The legs a job takes: the integration's FAILED legs that failed between `since` and `until` (a FAILED leg is not
 * modified again, so `modified_at` is when it failed), `recover` those whose call failed and `replay` those that made
 * no call because the integration was disabled. Found through deliveries_destination_status_modified_idx.
 */
function jobLegs(scope: JobScope): SQL {
  return and(
    eq(deliveries.destination, scope.integrationId),
    eq(deliveries.status, "FAILED"),
    gte(deliveries.modifiedAt, scope.since),
    lte(deliveries.modifiedAt, scope.until),
    eq(deliveries.accountId, scope.accountId),
    eq(deliveries.channel, "webhook"),
    scope.kind === "replay" ? eq(deliveries.skipReason, "disabled") : isNull(deliveries.skipReason),
  ) as SQL;
}

export interface NewJob {
  id: string;
  accountId: string;
  integrationId: string;
  kind: JobKind;
  since: number;
  createdBy: string;
  now: number;
}

/**
 * Makes a job, counting the legs it matches, unless one of its kind is unfinished for the integration: answers the
 * unfinished job then (`created` false). One round trip; the partial unique index jobs_active_uq keeps two requests
 * at once from both making one.
 */
export async function createJob(db: Db, job: NewJob): Promise<{ job: JobRow; created: boolean }> {
  const scope: JobScope = { ...job, until: job.now };
  const matched = sql`SELECT count(*) FROM ${deliveries} WHERE ${jobLegs(scope)}`;
  const [inserted, active] = await db.batch([
    db.all<{ id: string }>(sql`
      INSERT INTO ${jobs} (id, account_id, integration_id, kind, since, status, matched, requeued, cursor, created_at,
        created_by, modified_at)
      VALUES (${job.id}, ${job.accountId}, ${job.integrationId}, ${job.kind}, ${job.since}, 'queued', (${matched}), 0,
        '', ${job.now}, ${job.createdBy}, ${job.now})
      ON CONFLICT DO NOTHING
      RETURNING id`),
    db
      .select()
      .from(jobs)
      .where(and(eq(jobs.integrationId, job.integrationId), eq(jobs.kind, job.kind), sql`${jobs.status} IN ${ACTIVE}`)),
  ]);
  const found = active[0];
  if (!found) throw new Error(`job ${job.id} was neither made nor found`);
  return { job: found, created: inserted.length > 0 };
}

export async function findJob(db: Db, accountId: string, id: string): Promise<JobRow | undefined> {
  return db.query.jobs.findFirst({ where: and(eq(jobs.accountId, accountId), eq(jobs.id, id)) });
}

export interface JobPage {
  /** The job after the page: completed when it found fewer legs than a page; undefined if it was not this call's. */
  job: JobRow | undefined;
  /** The legs put back to PENDING, to queue. */
  legs: Array<{ id: string; accountId: string }>;
}

/**
 * Takes the job's next page of legs (at most `pageSize`, ids after its cursor) and puts them back to PENDING, due
 * now, in one round trip. Nothing happens unless the job is unfinished and still at `job.cursor`: a copy of the
 * job's message that comes after the page was taken does not take another page on its behalf.
 */
export async function advanceJob(db: Db, job: JobRow, now: number, pageSize: number): Promise<JobPage> {
  const scope: JobScope = { ...job, until: job.createdAt };
  const atCursor = sql`EXISTS (SELECT 1 FROM ${jobs} AS j WHERE j.id = ${job.id} AND j.cursor = ${job.cursor}
    AND j.status IN ${ACTIVE})`;
  const page = db
    .select({ id: deliveries.id })
    .from(deliveries)
    .where(and(jobLegs(scope), gt(deliveries.id, job.cursor)))
    .orderBy(asc(deliveries.id))
    .limit(pageSize);
  // The legs this page put back: PENDING, stamped with the job and this moment (same index as the page).
  const taken = sql`FROM ${deliveries} WHERE ${deliveries.destination} = ${job.integrationId}
    AND ${deliveries.status} = 'PENDING' AND ${deliveries.modifiedAt} = ${now} AND ${deliveries.jobId} = ${job.id}`;
  const [legs, , moved] = await db.batch([
    db
      .update(deliveries)
      .set(requeueColumns(now, job.kind, job.id))
      .where(and(inArray(deliveries.id, page), atCursor))
      .returning({ id: deliveries.id, accountId: deliveries.accountId }),
    db
      .update(notifications)
      .set({ status: NOTIFICATION_STATUS.dispatched, modifiedAt: now })
      .where(
        and(
          inArray(notifications.id, sql`(SELECT ${deliveries.notificationId} ${taken})`),
          // A plain filter on the few notifications found by id, not a walk of every completed one by status.
          sql`+${notifications.status} = ${NOTIFICATION_STATUS.completed}`,
        ),
      ),
    db
      .update(jobs)
      .set({
        requeued: sql`${jobs.requeued} + (SELECT count(*) ${taken})`,
        cursor: sql`coalesce((SELECT max(${deliveries.id}) ${taken}), ${jobs.cursor})`,
        status: sql`CASE WHEN (SELECT count(*) ${taken}) < ${pageSize} THEN 'completed' ELSE 'running' END`,
        finishedAt: sql`CASE WHEN (SELECT count(*) ${taken}) < ${pageSize} THEN ${now} ELSE NULL END`,
        modifiedAt: now,
      })
      .where(and(eq(jobs.id, job.id), eq(jobs.cursor, job.cursor), sql`${jobs.status} IN ${ACTIVE}`))
      .returning(),
  ]);
  return { job: moved[0], legs };
}

/** Marks an unfinished job failed (its messages kept failing), with why. */
export async function failJob(db: Db, accountId: string, id: string, error: string, now: number): Promise<void> {
  await db
    .update(jobs)
    .set({ status: "failed", error, finishedAt: now, modifiedAt: now })
    .where(and(eq(jobs.accountId, accountId), eq(jobs.id, id), sql`${jobs.status} IN ${ACTIVE}`));
}

/**
 * Unfinished jobs that have not moved for `graceMs` (their message was lost, or the queue refused it): marked as
 * moved now, so they are taken again only after another grace period, and answered to be queued again.
 */
export async function takeStalledJobs(db: Db, now: number, graceMs: number, limit: number) {
  const stalled = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(sql`${jobs.status} IN ${ACTIVE}`, lt(jobs.modifiedAt, now - graceMs)))
    .limit(limit);
  return db
    .update(jobs)
    .set({ modifiedAt: now })
    .where(inArray(jobs.id, stalled))
    .returning({ id: jobs.id, accountId: jobs.accountId });
}

/** Every unfinished job, for a restarted runtime whose queues lived in memory: a page at a time, ids after `afterId`. */
export async function listUnfinishedJobs(db: Db, afterId: string, limit: number) {
  return db
    .select({ id: jobs.id, accountId: jobs.accountId })
    .from(jobs)
    .where(and(sql`${jobs.status} IN ${ACTIVE}`, gt(jobs.id, afterId)))
    .orderBy(asc(jobs.id))
    .limit(limit);
}
