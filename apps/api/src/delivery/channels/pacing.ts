// How fast Herald calls one integration of a rate-limited type, and which of a batch's legs call now or wait for
// their slot. Vendors limit per webhook: Slack about one message a second, Discord five per two seconds, PagerDuty
// 120 events a minute per routing key. Calling faster only buys 429s; pacing makes a burst arrive whole, in order.
import type { IntegrationKind } from "@herald/db";

/** Milliseconds between two calls to one integration, by type; a type not listed is not paced. */
export const CALL_INTERVAL_MS: Partial<Record<IntegrationKind, number>> = {
  slack: 1000,
  discord: 400,
  msteams: 250,
  pagerduty: 500,
};

/** How far ahead a batch calls in its reserved slots itself; legs whose slot is later are handed back until then. */
export const PACING_HORIZON_MS = 10_000;

export interface PacedLeg {
  id: string;
  integrationId: string;
  /** The slot the leg holds from an earlier batch that deferred it, if any. */
  pacedAt: number | null;
}

export interface CallPlan {
  /** When each paced leg is called in this batch. */
  callAt: Map<string, number>;
  /** Legs put off to their slot. */
  defer: Array<{ deliveryId: string; slot: number }>;
}

/** What each integration needs reserved: one slot per leg that holds none. */
export function slotRequests(legs: readonly PacedLeg[], intervalOf: (integrationId: string) => number) {
  const counts = new Map<string, number>();
  for (const leg of legs)
    if (leg.pacedAt === null) counts.set(leg.integrationId, (counts.get(leg.integrationId) ?? 0) + 1);
  return [...counts].map(([id, count]) => ({ id, count, intervalMs: intervalOf(id) }));
}

/**
 * Gives each leg its slot (the one it holds, or the next of its integration's reserved run, in the legs' order) and
 * splits them: those due within the horizon are called in this batch, at their slot; the rest wait for it.
 */
export function planCalls(
  legs: readonly PacedLeg[],
  firstSlot: ReadonlyMap<string, number>,
  intervalOf: (integrationId: string) => number,
  now: number,
): CallPlan {
  const next = new Map(firstSlot);
  const plan: CallPlan = { callAt: new Map(), defer: [] };
  for (const leg of legs) {
    let slot = leg.pacedAt;
    if (slot === null) {
      slot = next.get(leg.integrationId) ?? now;
      next.set(leg.integrationId, slot + intervalOf(leg.integrationId));
    }
    if (slot <= now + PACING_HORIZON_MS) plan.callAt.set(leg.id, Math.max(slot, now));
    else plan.defer.push({ deliveryId: leg.id, slot });
  }
  return plan;
}
