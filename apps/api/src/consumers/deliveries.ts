import { DeliveryMessage } from "@herald/contracts";
import { deliverBatch } from "../delivery/deliver-batch";
import type { Services } from "../env";
import { enqueueDeliveries, type LegToQueue, legsOf } from "../queues/producers";
import { crashBackoffSeconds, type Parsed, settleBatch } from "./settle";

/**
 * Attempts every leg of the batch's messages as one set (deliverBatch), then settles each message: acked when its
 * legs are done; handed back whole when they all wait for the same moment (the cheapest way to wait); otherwise
 * acked once the legs that wait are queued again in messages of their own, so a leg that was delivered is not
 * carried along.
 */
export async function consumeDeliveries(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  await settleBatch(batch, DeliveryMessage, async (messages) => {
    const dispositions = await deliverBatch(
      services,
      messages.flatMap((message) => legsOf(message.body)),
    );
    const requeue: LegToQueue[] = [];
    const requeued: Parsed<DeliveryMessage>[] = [];
    for (const message of messages) {
      const legs = legsOf(message.body).map((id) => ({ id, disposition: dispositions.get(id) ?? { kind: "done" } }));
      if (legs.some((leg) => leg.disposition.kind === "crashed")) {
        // Back as a crash, counted by the queue: a message that keeps crashing ends in the dead-letter queue.
        message.retry(crashBackoffSeconds(message.attempts));
        continue;
      }
      const waiting = legs.flatMap(({ id, disposition }) =>
        disposition.kind === "retry" ? [{ id, delaySeconds: disposition.delaySeconds }] : [],
      );
      if (waiting.length === 0) {
        message.ack();
      } else if (waiting.length === legs.length && new Set(waiting.map((leg) => leg.delaySeconds)).size === 1) {
        message.retry(waiting[0]?.delaySeconds ?? 0);
      } else {
        requeue.push(...waiting.map((leg) => ({ ...leg, accountId: message.body.account_id })));
        requeued.push(message);
      }
    }
    if (requeued.length === 0) return;
    try {
      await enqueueDeliveries(services.queues.delivery, requeue);
      for (const message of requeued) message.ack();
    } catch (error) {
      // The queue refused the new messages: the old ones come back instead (their delivered legs are skipped then).
      const soonest = Math.min(...requeue.map((leg) => leg.delaySeconds ?? 0));
      console.error(JSON.stringify({ level: "error", message: "legs not queued again", error: String(error) }));
      for (const message of requeued) message.retry(Math.max(1, soonest));
    }
  });
}
