import { DeliveryMessage, FanoutMessage } from "@herald/contracts";
import { failDeliveries, failJob, NOTIFICATION_STATUS, setNotificationStatus } from "@herald/db";
import { z } from "zod";
import { queueEvents } from "../delivery/deliver-batch";
import type { Services } from "../env";
import { legsOf } from "../queues/producers";
import { settleBatch } from "./settle";

const DeadLetter = z.union([DeliveryMessage, FanoutMessage]);

/**
 * Messages that exhausted the queue's own retries (a consumer kept crashing on them). Their legs or notifications are
 * recorded as failed (a job's message: the job), so nothing stays PENDING forever and the sweeper stops queueing it again.
 */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  await settleBatch(batch, DeadLetter, async (messages) => {
    const now = services.now();
    const legs = messages.flatMap((message) =>
      "notification_id" in message.body || "job_id" in message.body ? [] : legsOf(message.body),
    );
    const { events } = await failDeliveries(
      services.db,
      legs,
      now,
      "delivery kept failing inside Herald; see the logs",
    );
    await queueEvents(services, events);
    services.telemetry.record([{ kind: "dead_letters", queue: batch.queue, messages: messages.length }]);
    for (const message of messages) {
      if ("job_id" in message.body) {
        const { account_id, job_id } = message.body;
        await failJob(services.db, account_id, job_id, "the job kept failing inside Herald; see the logs", now);
      }
      if ("notification_id" in message.body) {
        const { account_id, notification_id } = message.body;
        await setNotificationStatus(
          services.db,
          account_id,
          notification_id,
          [NOTIFICATION_STATUS.created],
          NOTIFICATION_STATUS.failed,
          now,
        );
      }
      message.ack();
    }
  });
}
