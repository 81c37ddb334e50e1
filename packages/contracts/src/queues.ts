import { z } from "./zod";

// Queue messages carry ids only: Cloudflare Queues caps a message at 128 KB, and the database is the source of
// truth. Each is versioned so a consumer deployed before a producer change can tell what it holds.

export const FanoutMessage = z.object({
  v: z.literal(1),
  notification_id: z.string().min(1),
  account_id: z.string().min(1),
});
export type FanoutMessage = z.infer<typeof FanoutMessage>;

export const DeliveryMessage = z.object({
  v: z.literal(1),
  delivery_id: z.string().min(1),
  account_id: z.string().min(1),
});
export type DeliveryMessage = z.infer<typeof DeliveryMessage>;
