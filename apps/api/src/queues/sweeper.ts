import { listPendingDeliveries, listUnfanned, purgeIdempotencyKeys, takeStalledWork } from "@herald/db";
import { MAX_DELAY_SECONDS } from "../delivery/retry-policy";
import type { Env } from "../env";
import { positiveInteger } from "../lib/settings";
import { createServices } from "../services/container";
import { IDEMPOTENCY_WINDOW_MS } from "../services/notifications";

/** Work older than this without progress is assumed to have lost its queue message (unless SWEEP_GRACE_SECONDS). */
export const STALL_GRACE_MS = 2 * 60_000;
const SWEEP_LIMIT = 500;

function stallGraceMs(env: Env): number {
  return positiveInteger(env.SWEEP_GRACE_SECONDS, STALL_GRACE_MS / 1000) * 1000;
}

/**
 * The cron sweeper: a queue send can fail after the database commit (the request answered, the message never
 * left), and a message can be lost. Whatever is still `created`, or PENDING past its due time by the grace period, is
 * queued again; consumers are idempotent, so a duplicate sends nothing twice, but it costs a lookup at each of its
 * leg's retries: a leg is queued again at most once per grace period (takeStalledWork). It also forgets idempotency
 * keys past their 24 hours.
 */
export async function sweepStalledWork(env: Env): Promise<{ notifications: number; deliveries: number }> {
  const services = createServices(env);
  const now = services.now();
  const stalled = await takeStalledWork(services.db, now, stallGraceMs(env), SWEEP_LIMIT);
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

const RECOVERY_PAGE = 500;

/**
 * After a restart of a runtime whose queues live in memory (Node): queues every unfinished notification and leg
 * again, each leg with what remains of its backoff, so recovery does not wait for the sweeper's grace period.
 */
export async function recoverUnfinishedWork(env: Env): Promise<{ notifications: number; deliveries: number }> {
  const services = createServices(env);
  const recovered = { notifications: 0, deliveries: 0 };
  for (let after = ""; ; ) {
    const page = await listUnfanned(services.db, after, RECOVERY_PAGE);
    if (page.length === 0) break;
    await services.queues.fanout.sendBatch(
      page.map((n) => ({ body: { v: 1 as const, notification_id: n.id, account_id: n.accountId } })),
    );
    recovered.notifications += page.length;
    after = (page.at(-1) as { id: string }).id;
  }
  for (let after = ""; ; ) {
    const page = await listPendingDeliveries(services.db, after, RECOVERY_PAGE);
    if (page.length === 0) break;
    const now = services.now();
    for (let i = 0; i < page.length; i += 100) {
      await services.queues.delivery.sendBatch(
        page.slice(i, i + 100).map((leg) => ({
          body: { v: 1 as const, delivery_id: leg.id, account_id: leg.accountId },
          delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(((leg.nextAttemptAt ?? now) - now) / 1000))),
        })),
      );
    }
    recovered.deliveries += page.length;
    after = (page.at(-1) as { id: string }).id;
  }
  return recovered;
}
