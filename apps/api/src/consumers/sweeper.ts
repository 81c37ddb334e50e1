import {
  listPendingDeliveries,
  listUnfanned,
  listUnfinishedJobs,
  purgeIdempotencyKeys,
  takeStalledJobs,
  takeStalledWork,
} from "@herald/db";
import type { Env } from "../env";
import { enqueueDeliveries, enqueueFanouts, enqueueJobs } from "../queues/producers";
import { createServices } from "../services/container";
import { IDEMPOTENCY_WINDOW_MS } from "../services/notifications";

const SWEEP_LIMIT = 500;

/**
 * The cron sweeper: a queue send can fail after the database commit (the request answered, the message never
 * left), and a message can be lost. Whatever is still `created`, or PENDING past its due time by the grace period, is
 * queued again; consumers are idempotent, so a duplicate sends nothing twice, but it costs a lookup at each of its
 * leg's retries: a leg is queued again at most once per grace period (SWEEP_GRACE_SECONDS, takeStalledWork). Recover
 * and replay jobs that have not moved for the grace period are queued again too. It also forgets idempotency keys
 * past their 24 hours.
 */
export async function sweepStalledWork(env: Env): Promise<{ notifications: number; deliveries: number }> {
  const services = createServices(env);
  return services.telemetry.span("herald.sweep", {}, async (span) => {
    try {
      const now = services.now();
      const stalled = await takeStalledWork(services.db, now, services.sweepGraceMs, SWEEP_LIMIT);
      await enqueueFanouts(services.queues.fanout, stalled.notifications);
      await enqueueDeliveries(services.queues.delivery, stalled.deliveries);
      await enqueueJobs(
        services.queues.fanout,
        await takeStalledJobs(services.db, now, services.sweepGraceMs, SWEEP_LIMIT),
      );
      await purgeIdempotencyKeys(services.db, now - IDEMPOTENCY_WINDOW_MS);
      const swept = { notifications: stalled.notifications.length, deliveries: stalled.deliveries.length };
      services.telemetry.record([{ kind: "sweep", ok: true, ...swept }]);
      return swept;
    } catch (error) {
      span.fail(String(error));
      services.telemetry.record([{ kind: "sweep", ok: false, notifications: 0, deliveries: 0 }]);
      throw error;
    }
  });
}

const RECOVERY_PAGE = 500;

/**
 * After a restart of a runtime whose queues live in memory (Node): queues every unfinished notification and leg
 * again, each leg with what remains of its backoff, and every unfinished recover or replay job, so recovery does not
 * wait for the sweeper's grace period.
 */
export async function recoverUnfinishedWork(env: Env): Promise<{ notifications: number; deliveries: number }> {
  const services = createServices(env);
  const recovered = { notifications: 0, deliveries: 0 };
  for (let after = ""; ; ) {
    const page = await listUnfanned(services.db, after, RECOVERY_PAGE);
    if (page.length === 0) break;
    await enqueueFanouts(services.queues.fanout, page);
    recovered.notifications += page.length;
    after = (page.at(-1) as { id: string }).id;
  }
  for (let after = ""; ; ) {
    const page = await listPendingDeliveries(services.db, after, RECOVERY_PAGE);
    if (page.length === 0) break;
    const now = services.now();
    await enqueueDeliveries(
      services.queues.delivery,
      page.map((leg) => ({ ...leg, delaySeconds: ((leg.nextAttemptAt ?? now) - now) / 1000 })),
    );
    recovered.deliveries += page.length;
    after = (page.at(-1) as { id: string }).id;
  }
  for (let after = ""; ; ) {
    const page = await listUnfinishedJobs(services.db, after, RECOVERY_PAGE);
    if (page.length === 0) break;
    await enqueueJobs(services.queues.fanout, page);
    after = (page.at(-1) as { id: string }).id;
  }
  return recovered;
}
