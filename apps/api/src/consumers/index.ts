import type { Env } from "../env";
import { QUEUES } from "../queues/producers";
import { createServices } from "../services/container";
import { consumeDeadLetters } from "./dead-letters";
import { consumeDeliveries } from "./deliveries";
import { consumeFanout } from "./fanout";
import { crashBackoffSeconds } from "./settle";

/** The Worker's `queue` handler: one consumer per queue of wrangler.jsonc. */
export async function consumeQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const services = createServices(env);
  // One span per batch: its database calls are its children; each attempt is a span of its own send's trace.
  await services.telemetry.span(
    `herald.consume ${batch.queue}`,
    {
      attributes: { "messaging.destination.name": batch.queue, "messaging.batch.message_count": batch.messages.length },
    },
    async () => {
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
    },
  );
}
