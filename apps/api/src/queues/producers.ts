// Everything Herald puts on its queues goes through here: the message shapes, how legs are packed into messages, and
// how sends are cut to what one call to Cloudflare Queues accepts.
import type { DeliveryMessage, FanoutMessage } from "@herald/contracts";
import { MAX_DELAY_SECONDS } from "../lib/queue-limits";

/** Queue names as wrangler.jsonc declares them; one Worker consumes them all. */
export const QUEUES = {
  fanout: "herald-fanout",
  delivery: "herald-deliveries",
  fanoutDeadLetter: "herald-fanout-dlq",
  deliveryDeadLetter: "herald-deliveries-dlq",
} as const;

/**
 * Legs one delivery message carries, all of one account. A message is the unit the queue bills and redelivers, and a
 * consumer invocation handles `max_batch_size` messages at once: 10 legs a message and 10 messages a batch keep an
 * invocation at 100 legs, whose calls (six at a time on Workers) finish well inside its wall-clock limit even when
 * targets are slow, while one notification to 10 destinations costs a single delivery message.
 */
export const LEGS_PER_MESSAGE = 10;

// Cloudflare Queues' sendBatch limits: 100 messages and 256 KB in all per call.
const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 256 * 1024;
// Per-message overhead Cloudflare counts beside the body, with room to spare.
const MESSAGE_OVERHEAD_BYTES = 100;

/** Sends `messages` in as many sendBatch calls as Cloudflare's limits (count and bytes) ask for. */
export async function sendInChunks<Body>(queue: Queue<Body>, messages: MessageSendRequest<Body>[]): Promise<void> {
  let chunk: MessageSendRequest<Body>[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = JSON.stringify(message.body).length + MESSAGE_OVERHEAD_BYTES;
    if (chunk.length === SEND_BATCH_MESSAGES || (chunk.length > 0 && bytes + size > SEND_BATCH_BYTES)) {
      await queue.sendBatch(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) await queue.sendBatch(chunk);
}

/** Queues the fan-out of stored notifications. */
export async function enqueueFanouts(
  queue: Queue<FanoutMessage>,
  notifications: ReadonlyArray<{ id: string; accountId: string }>,
): Promise<void> {
  await sendInChunks(
    queue,
    notifications.map((notification) => ({
      body: { v: 1, notification_id: notification.id, account_id: notification.accountId },
    })),
  );
}

/** Queues the next page of recover or replay jobs, on the fan-out queue. */
export async function enqueueJobs(
  queue: Queue<FanoutMessage>,
  jobs: ReadonlyArray<{ id: string; accountId: string }>,
): Promise<void> {
  await sendInChunks(
    queue,
    jobs.map((job) => ({ body: { v: 1, job_id: job.id, account_id: job.accountId } })),
  );
}

/** A leg to queue, and how long the queue should hold it (seconds; 0 by default). */
export interface LegToQueue {
  id: string;
  accountId: string;
  delaySeconds?: number;
}

/**
 * Queues legs, packed `LEGS_PER_MESSAGE` to a message: legs of one account due at the same time share a message, so
 * the consumer claims and records them together.
 */
export async function enqueueDeliveries(queue: Queue<DeliveryMessage>, legs: readonly LegToQueue[]): Promise<void> {
  const groups = new Map<string, { accountId: string; delaySeconds: number; ids: string[] }>();
  for (const leg of legs) {
    const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(leg.delaySeconds ?? 0)));
    const key = `${leg.accountId}\n${delaySeconds}`;
    let group = groups.get(key);
    if (!group) {
      group = { accountId: leg.accountId, delaySeconds, ids: [] };
      groups.set(key, group);
    }
    group.ids.push(leg.id);
  }
  const messages: MessageSendRequest<DeliveryMessage>[] = [];
  for (const { accountId, delaySeconds, ids } of groups.values()) {
    for (let i = 0; i < ids.length; i += LEGS_PER_MESSAGE) {
      messages.push({
        body: { v: 2, account_id: accountId, delivery_ids: ids.slice(i, i + LEGS_PER_MESSAGE) },
        ...(delaySeconds > 0 ? { delaySeconds } : {}),
      });
    }
  }
  await sendInChunks(queue, messages);
}

/** The legs a delivery message names: one for a message from before legs were packed (v1), several since (v2). */
export function legsOf(message: DeliveryMessage): string[] {
  return message.v === 1 ? [message.delivery_id] : message.delivery_ids;
}
