import type { JobMessage } from "@herald/contracts";
import { advanceJob, findJob } from "@herald/db";
import type { Services } from "../env";
import { loggable } from "../errors";
import { enqueueDeliveries, enqueueJobs } from "../queues/producers";
import { crashBackoffSeconds, type Parsed } from "./settle";

/** Legs a job takes per message: one round trip of at most this many, then the next page is a message of its own. */
export const JOB_PAGE_SIZE = 500;

/**
 * Takes the next page of each job (advanceJob), queues its legs for delivery and, while the job has more, its next
 * message. A message that fails is retried on its own and, if it keeps failing, fails its job (dead-letters.ts). A
 * page whose legs were not queued is not lost: they are PENDING and due, so the sweeper queues them.
 */
export async function advanceJobs(services: Services, messages: Parsed<JobMessage>[]): Promise<void> {
  for (const message of messages) {
    const { account_id, job_id } = message.body;
    try {
      const job = await findJob(services.db, account_id, job_id);
      if (!job || job.status === "completed" || job.status === "failed") {
        message.ack();
        continue;
      }
      const page = await advanceJob(services.db, job, services.now(), JOB_PAGE_SIZE);
      await enqueueDeliveries(services.queues.delivery, page.legs);
      // No job back: another copy of this message took the page, and carries the job on.
      if (page.job?.status === "running") await enqueueJobs(services.queues.fanout, [page.job]);
      message.ack();
    } catch (error) {
      console.error(
        JSON.stringify({ level: "error", job_id, message: "job page failed", error: loggable(error).message }),
      );
      message.retry(crashBackoffSeconds(message.attempts));
    }
  }
}
