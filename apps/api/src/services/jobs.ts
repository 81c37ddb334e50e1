import { JOB_MAX_AGE_DAYS, type Job, type JobAccepted, type JobRequest } from "@herald/contracts";
import { createJob, findIntegration, findJob, type JobKind, type JobRow } from "@herald/db";
import { inScope } from "../auth/scope";
import { ApiError } from "../errors";
import { enqueueJobs } from "../queues/producers";
import type { ServiceContext } from "./context";

const MAX_AGE_MS = JOB_MAX_AGE_DAYS * 86_400_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    account_id: row.accountId,
    integration_id: row.integrationId,
    kind: row.kind,
    since: seconds(row.since),
    status: row.status,
    matched: row.matched,
    requeued: row.requeued,
    ...(row.error !== null ? { error: row.error } : {}),
    created: seconds(row.createdAt),
    created_by: row.createdBy,
    ...(row.finishedAt !== null ? { finished: seconds(row.finishedAt) } : {}),
  };
}

/**
 * Starts a recover or replay job on an enabled integration of the account, or answers the one of that kind still
 * running for it when it was asked with the same `since` (a request sent twice makes one job). Its first page is
 * queued now; a job whose message was not queued is queued by the sweeper.
 */
export async function startJob(
  ctx: ServiceContext,
  accountId: string,
  integrationId: string,
  kind: JobKind,
  request: JobRequest,
): Promise<JobAccepted> {
  const { db, now, newId, queues } = ctx.services;
  const at = now();
  const since = request.since * 1000;
  if (since < at - MAX_AGE_MS) {
    throw ApiError.invalid(
      "since",
      `must be at most ${JOB_MAX_AGE_DAYS} days back (at or after ${seconds(at - MAX_AGE_MS) + 1})`,
    );
  }
  if (since > at) throw ApiError.invalid("since", "must not be in the future");
  const integration = await findIntegration(db, accountId, integrationId.toUpperCase());
  if (!integration || !inScope(ctx.auth, integration.id)) throw ApiError.notFound(`integration '${integrationId}'`);
  if (integration.disabledAt !== null) {
    throw ApiError.conflict(
      `the integration is disabled (${integration.disabledReason}); update it to enable it first`,
    );
  }
  const { job, created } = await createJob(db, {
    id: newId(),
    accountId,
    integrationId: integration.id,
    kind,
    since,
    createdBy: ctx.auth.userId,
    now: at,
  });
  if (!created && job.since !== since) {
    throw ApiError.conflict(`${kind} job '${job.id}' of this integration is ${job.status}; wait for it to finish`);
  }
  if (created) {
    try {
      await enqueueJobs(queues.fanout, [job]);
    } catch (error) {
      console.error(
        JSON.stringify({
          level: "warn",
          job_id: job.id,
          message: "job not queued; the sweeper will",
          error: String(error),
        }),
      );
    }
  }
  return { job_id: job.id, ...toJob(job) };
}

export async function getJob(ctx: ServiceContext, accountId: string, id: string): Promise<Job> {
  const job = await findJob(ctx.services.db, accountId, id.toUpperCase());
  if (!job || !inScope(ctx.auth, job.integrationId)) throw ApiError.notFound(`job '${id}'`);
  return toJob(job);
}
