import { DeliveryMessage, FanoutMessage } from "@herald/contracts";
import { advanceDelivery, findDelivery, setNotificationStatus } from "@herald/db";
import { z } from "zod";
import { completeIfFinished, deliverLeg } from "../delivery/deliver";
import { fanOut, NOTIFICATION_STATUS } from "../delivery/fanout";
import type { Env, Services } from "../env";
import { createServices } from "../services/container";
import { crashBackoffSeconds, settleEach } from "./settle";

// Queue names as wrangler.jsonc declares them; one Worker consumes them all.
export const QUEUES = {
  fanout: "herald-fanout",
  delivery: "herald-deliveries",
  fanoutDeadLetter: "herald-fanout-dlq",
  deliveryDeadLetter: "herald-deliveries-dlq",
} as const;

const SEND_BATCH_LIMIT = 100;

/** Queues a notification's pending legs, in batches of at most 100 (the Queues limit for sendBatch). */
export async function enqueueDeliveries(services: Services, accountId: string, deliveryIds: string[]): Promise<void> {
  for (let i = 0; i < deliveryIds.length; i += SEND_BATCH_LIMIT) {
    await services.queues.delivery.sendBatch(
      deliveryIds
        .slice(i, i + SEND_BATCH_LIMIT)
        .map((id) => ({ body: { v: 1, delivery_id: id, account_id: accountId } })),
    );
  }
}

async function consumeFanout(batch: MessageBatch<unknown>, services: Services) {
  await settleEach(
    batch,
    FanoutMessage,
    async (body) => {
      const pending = await fanOut(services, body.notification_id);
      await enqueueDeliveries(services, body.account_id, pending);
      return { kind: "done" };
    },
    4,
  );
}

async function consumeDeliveries(batch: MessageBatch<unknown>, services: Services) {
  await settleEach(batch, DeliveryMessage, (body) => deliverLeg(services, body.delivery_id), 6);
}

/**
 * Messages that exhausted the queue's own retries (a consumer kept crashing on them). The leg or notification is
 * recorded as failed, so nothing stays PENDING forever and the sweeper stops re-queueing it.
 */
async function consumeDeadLetters(batch: MessageBatch<unknown>, services: Services) {
  const Any = z.union([DeliveryMessage, FanoutMessage]);
  await settleEach(
    batch,
    Any,
    async (body) => {
      const now = services.now();
      if ("delivery_id" in body) {
        const leg = await findDelivery(services.db, body.delivery_id);
        if (
          leg &&
          (await advanceDelivery(services.db, leg.id, "FAILED", now, {
            error: "delivery kept failing inside Herald; see the logs",
          }))
        ) {
          await completeIfFinished(services, leg.notificationId, now);
        }
      } else {
        await setNotificationStatus(services.db, body.notification_id, [NOTIFICATION_STATUS.created], "failed", now);
      }
      return { kind: "done" };
    },
    6,
  );
}

export async function consumeQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const services = createServices(env);
  switch (batch.queue) {
    case QUEUES.fanout:
      return consumeFanout(batch, services);
    case QUEUES.delivery:
      return consumeDeliveries(batch, services);
    case QUEUES.fanoutDeadLetter:
    case QUEUES.deliveryDeadLetter:
      return consumeDeadLetters(batch, services);
    default:
      console.error(JSON.stringify({ level: "error", error: `no consumer for queue ${batch.queue}` }));
      for (const message of batch.messages) message.retry({ delaySeconds: crashBackoffSeconds(message.attempts) });
  }
}
