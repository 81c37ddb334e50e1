import { findStalledWork, purgeIdempotencyKeys } from "@herald/db";
import type { Env } from "../env";
import { createServices } from "../services/container";
import { IDEMPOTENCY_WINDOW_MS } from "../services/notifications";

/** Work older than this without progress is assumed to have lost its queue message. */
export const STALL_GRACE_MS = 2 * 60_000;
const SWEEP_LIMIT = 500;

/**
 * The cron sweeper: a queue send can fail after the database commit (the request answered, the message never
 * left), and a message can be lost. Whatever is still `created`, or PENDING past its due time, is queued again;
 * consumers are idempotent, so a duplicate costs nothing but a lookup. It also forgets idempotency keys past their
 * 24 hours.
 */
export async function sweepStalledWork(env: Env): Promise<{ notifications: number; deliveries: number }> {
  const services = createServices(env);
  const now = services.now();
  const stalled = await findStalledWork(services.db, now, STALL_GRACE_MS, SWEEP_LIMIT);
  if (stalled.notifications.length > 0) {
    await services.queues.fanout.sendBatch(
      stalled.notifications.map((n) => ({ body: { v: 1 as const, notification_id: n.id, account_id: n.accountId } })),
    );
  }
  for (let i = 0; i < stalled.deliveries.length; i += 100) {
    await services.queues.delivery.sendBatch(
      stalled.deliveries
        .slice(i, i + 100)
        .map((d) => ({ body: { v: 1 as const, delivery_id: d.id, account_id: d.accountId } })),
    );
  }
  await purgeIdempotencyKeys(services.db, now - IDEMPOTENCY_WINDOW_MS);
  return { notifications: stalled.notifications.length, deliveries: stalled.deliveries.length };
}
