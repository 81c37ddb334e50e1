import { type Backlog, countBacklog } from "@herald/db";
import type { Services } from "../env";

export interface Readiness {
  status: "ready";
  /** What waits: legs due and not being attempted, notifications not fanned out yet (each counted up to 10,000). */
  backlog: { due_deliveries: number; unfanned_notifications: number };
}

/**
 * Readiness: Herald can serve only while its database answers. A database that cannot be reached throws the same
 * error every route meets, so the answer is the same 503 `service_unavailable` with `Retry-After`. A backlog does not
 * make Herald unready (it drains it); it is reported for operators and alerts.
 */
export async function checkReady(services: Services): Promise<Readiness> {
  const backlog: Backlog = await countBacklog(services.db, services.now());
  return {
    status: "ready",
    backlog: { due_deliveries: backlog.dueDeliveries, unfanned_notifications: backlog.unfannedNotifications },
  };
}
