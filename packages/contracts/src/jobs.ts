import { AccountIdParam, EpochSeconds, Id, pathParam } from "./common";
import { z } from "./zod";

// Herald extension: recover and replay jobs, which put an integration's failed deliveries back in the queue.

/** How far back a job may reach: deliveries older than this are not re-sent. */
export const JOB_MAX_AGE_DAYS = 14;

export const JobRequest = z
  .object({
    since: EpochSeconds.openapi({
      description: `Only deliveries that failed at or after this time (at most ${JOB_MAX_AGE_DAYS} days back).`,
    }),
  })
  .openapi("Job-Request", { example: { since: 1517314312 } });
export type JobRequest = z.infer<typeof JobRequest>;

export const Job = z
  .object({
    id: z.string(),
    account_id: z.string(),
    integration_id: z.string(),
    kind: z.enum(["recover", "replay"]).openapi({
      description:
        "`recover`: deliveries whose calls failed. `replay`: deliveries that made no call because the integration " +
        "was disabled.",
    }),
    since: EpochSeconds,
    status: z.enum(["queued", "running", "completed", "failed"]),
    matched: z.number().int().nonnegative().openapi({ description: "Failed deliveries found when the job was made." }),
    requeued: z
      .number()
      .int()
      .nonnegative()
      .openapi({ description: "Deliveries put back in the queue so far (one retried by hand meanwhile is not)." }),
    error: z.string().optional().openapi({ description: "Why a `failed` job stopped." }),
    created: EpochSeconds,
    created_by: z.string(),
    finished: EpochSeconds.optional(),
  })
  .openapi("Job", {
    description:
      "A recover or replay job: it puts the integration's failed deliveries since `since` back in the queue, a " +
      "page at a time; each is attempted again with a fresh retry schedule.",
  });
export type Job = z.infer<typeof Job>;

/** The answer of a recover or replay request: the job, with its id where a client looks first. */
export const JobAccepted = Job.extend({
  job_id: z.string().openapi({ description: "The job's id (same as `id`)." }),
}).openapi("Job-Accepted");
export type JobAccepted = z.infer<typeof JobAccepted>;

export const JobIdParam = AccountIdParam.extend({ job_id: pathParam("job_id", Id, "Job id.") });
export type JobIdParam = z.infer<typeof JobIdParam>;
