import { FanoutMessage, type JobMessage, type NotificationFanoutMessage } from "@herald/contracts";
import { fanOutBatch } from "../delivery/fanout";
import type { Services } from "../env";
import { enqueueDeliveries } from "../queues/producers";
import { advanceJobs } from "./jobs";
import { type Parsed, settleBatch } from "./settle";

/**
 * Fans out every notification of the batch together and queues their pending legs, packed into delivery messages.
 * Fan-out is idempotent, so a batch that fails anywhere is retried whole. Recover and replay jobs ride the same queue
 * (consumers/jobs.ts), each message settled on its own.
 */
export async function consumeFanout(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  await settleBatch(batch, FanoutMessage, async (messages) => {
    const notifications: Parsed<NotificationFanoutMessage>[] = [];
    const jobs: Parsed<JobMessage>[] = [];
    for (const message of messages) {
      if ("job_id" in message.body) jobs.push(message as Parsed<JobMessage>);
      else notifications.push(message as Parsed<NotificationFanoutMessage>);
    }
    if (jobs.length > 0) await advanceJobs(services, jobs);
    if (notifications.length === 0) return;
    const pending = await fanOutBatch(
      services,
      notifications.map((message) => message.body.notification_id),
    );
    await enqueueDeliveries(services.queues.delivery, pending);
    for (const message of notifications) message.ack();
    services.telemetry.record([{ kind: "fanout", notifications: notifications.length, legs: pending.length }]);
  });
}
