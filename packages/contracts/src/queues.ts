import { z } from "./zod";

// Queue messages carry ids only: Cloudflare Queues caps a message at 128 KB, and the database is the source of
// truth. Each is versioned so a consumer deployed before a producer change can tell what it holds.

export const NotificationFanoutMessage = z.object({
  v: z.literal(1),
  notification_id: z.string().min(1),
  account_id: z.string().min(1),
});
export type NotificationFanoutMessage = z.infer<typeof NotificationFanoutMessage>;

/**
 * The next page of a recover or replay job. Jobs ride the fan-out queue (like fan-out, a job's page writes legs and
 * queues them for delivery) rather than a queue of their own.
 */
export const JobMessage = z.object({
  v: z.literal(1),
  job_id: z.string().min(1),
  account_id: z.string().min(1),
});
export type JobMessage = z.infer<typeof JobMessage>;

export const FanoutMessage = z.union([NotificationFanoutMessage, JobMessage]);
export type FanoutMessage = z.infer<typeof FanoutMessage>;

/** One leg per message: what producers sent before legs were packed, still read while such messages drain. */
const DeliveryMessageV1 = z.object({
  v: z.literal(1),
  delivery_id: z.string().min(1),
  account_id: z.string().min(1),
});

/** Several legs of one account, claimed and recorded together by the consumer. */
const DeliveryMessageV2 = z.object({
  v: z.literal(2),
  account_id: z.string().min(1),
  delivery_ids: z.array(z.string().min(1)).min(1).max(100),
});

export const DeliveryMessage = z.discriminatedUnion("v", [DeliveryMessageV1, DeliveryMessageV2]);
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;
