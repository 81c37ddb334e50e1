import { FanoutMessage } from "@herald/contracts";
import { fanOutBatch } from "../delivery/fanout";
import type { Services } from "../env";
import { enqueueDeliveries } from "../queues/producers";
import { settleBatch } from "./settle";

/**
 * Fans out every notification of the batch together and queues their pending legs, packed into delivery messages.
 * Fan-out is idempotent, so a batch that fails anywhere is retried whole.
 */
export async function consumeFanout(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  await settleBatch(batch, FanoutMessage, async (messages) => {
    const pending = await fanOutBatch(
      services,
      messages.map((message) => message.body.notification_id),
    );
    await enqueueDeliveries(services.queues.delivery, pending);
    for (const message of messages) message.ack();
    services.telemetry.record([{ kind: "fanout", notifications: messages.length, legs: pending.length }]);
  });
}
