// How fast and how many at once Herald calls one integration, and which of a batch's legs call now, when, or wait.
// An integration may set its own `rate_limit` (calls per second, with a burst) and `max_in_flight`; the chat types
// otherwise keep their vendors' published limits: Slack about one message a second per webhook, Discord five per two
// seconds, Teams four a second, PagerDuty 120 events a minute per routing key. Calling faster only buys 429s.
import type { CallGrant, CallRequest, IntegrationKind, IntegrationRow } from "@herald/db";

/** Milliseconds between two calls to one integration of a vendor type, unless it sets its own rate limit. */
export const VENDOR_CALL_INTERVAL_MS: Partial<Record<IntegrationKind, number>> = {
  slack: 1000,
  discord: 400,
  msteams: 250,
  pagerduty: 500,
};

/** How far ahead a batch calls in its reserved slots itself; legs whose slot is later are handed back until then. */
export const PACING_HORIZON_MS = 10_000;

/** How long before its slot a leg handed back until then is due again (less than the horizon). */
export const SLOT_LEAD_MS = 2_000;

/**
 * How much later than its slot (beyond its bucket's burst tolerance) a paced call may still start. Other batches call
 * in the slots after it, so a call later than that would arrive closer to theirs than the limit allows; this little is
 * left for the timer's own lateness, and is what a receiver must allow on top of the limit for its clock and network.
 */
export const LATE_CALL_ALLOWANCE_MS = 10;

/** How long a leg waits when other batches hold all its integration's `max_in_flight` permits. */
export const PERMIT_WAIT_MS = 1_000;

export interface CallLimits {
  /** Milliseconds between calls at the sustained rate; 0 for no rate limit. */
  intervalMs: number;
  /** Calls that may go at once after a quiet spell (a token bucket's size); 1 spaces every call. */
  burst: number;
  /** Calls at once across all consumers, or null for no such limit. */
  maxInFlight: number | null;
  /** A vendor default: one call at a time within a batch, so a burst arrives in order. */
  oneAtATime: boolean;
}

export type LimitedIntegration = Pick<IntegrationRow, "type" | "rateLimitPerSecond" | "rateLimitBurst" | "maxInFlight">;

/** The integration's limits (its own, or its type's vendor default), or undefined when it has none. */
export function callLimits(integration: LimitedIntegration): CallLimits | undefined {
  const own = integration.rateLimitPerSecond;
  const vendor = VENDOR_CALL_INTERVAL_MS[integration.type];
  const intervalMs = own !== null ? 1000 / own : (vendor ?? 0);
  if (intervalMs === 0 && integration.maxInFlight === null) return undefined;
  return {
    intervalMs,
    burst: own !== null ? (integration.rateLimitBurst ?? 1) : 1,
    maxInFlight: integration.maxInFlight,
    oneAtATime: own === null && vendor !== undefined,
  };
}

/** The rate limit an integration is held to, as answers show it: its own, its type's default, or none. */
export function effectiveRateLimit(integration: LimitedIntegration): { per_second: number; burst: number } | null {
  if (integration.rateLimitPerSecond !== null)
    return { per_second: integration.rateLimitPerSecond, burst: integration.rateLimitBurst ?? 1 };
  const vendor = VENDOR_CALL_INTERVAL_MS[integration.type];
  return vendor === undefined ? null : { per_second: 1000 / vendor, burst: 1 };
}

export interface LimitedLeg {
  id: string;
  integrationId: string;
  /** The slot the leg holds from an earlier batch that put it off, if any. */
  pacedAt: number | null;
}

/** One integration's legs in a batch, in the order they should be called: those holding a slot first. */
export interface LimitedGroup {
  integrationId: string;
  limits: CallLimits;
  legs: LimitedLeg[];
}

/**
 * Groups legs per integration, each group in the order its legs are called: those holding a slot still to come
 * (by slot), then those whose slot passed while they came back (by slot: they were first in line), then the others as
 * given. A passed slot is given up: calling it late would put two calls where the limit allows one, so the leg takes
 * a new slot (pacedAt null) ahead of the newcomers.
 */
export function groupLegs(
  legs: readonly LimitedLeg[],
  limitsOf: (integrationId: string) => CallLimits,
  now: number,
): LimitedGroup[] {
  const groups = new Map<string, LimitedLeg[]>();
  for (const leg of legs) groups.set(leg.integrationId, [...(groups.get(leg.integrationId) ?? []), leg]);
  const bySlot = (a: LimitedLeg, b: LimitedLeg) => (a.pacedAt as number) - (b.pacedAt as number);
  return [...groups].map(([integrationId, group]) => ({
    integrationId,
    limits: limitsOf(integrationId),
    legs: [
      ...group.filter((leg) => leg.pacedAt !== null && leg.pacedAt >= now).sort(bySlot),
      ...group
        .filter((leg) => leg.pacedAt !== null && leg.pacedAt < now)
        .sort(bySlot)
        .map((leg) => ({ ...leg, pacedAt: null })),
      ...group.filter((leg) => leg.pacedAt === null),
    ],
  }));
}

/**
 * What each integration asks of the database: a permit per leg (up to its `max_in_flight`), and a slot for each leg it
 * may call that holds none. A batch calls at most `rounds` legs per permit (what its lease covers).
 */
export function callRequests(groups: readonly LimitedGroup[], rounds: number): CallRequest[] {
  return groups.map(({ integrationId, limits, legs }) => {
    const held = legs.filter((leg) => leg.pacedAt !== null).length;
    return {
      id: integrationId,
      legs: legs.length,
      held,
      needSlots: limits.intervalMs > 0 ? legs.length - held : 0,
      intervalMs: limits.intervalMs,
      maxInFlight: limits.maxInFlight,
      perPermit: rounds,
    };
  });
}

export interface CallPlan {
  /** When each leg called in this batch is called. */
  callAt: Map<string, number>;
  /** Legs handed back: until their slot (`slot` kept), or a moment while other batches hold the permits. */
  putOff: Array<{ deliveryId: string; at: number; slot?: number }>;
  /** How each integration's legs are called in this batch. */
  lanes: Map<string, Lane>;
}

/**
 * One integration's calls in a batch: `concurrency` at a time, each no sooner than its slot, nor sooner than the
 * calls actually made allow (a token bucket over their start times: a lane that fell behind its slots catches up at
 * the rate, not all at once). `tat` is that bucket's state, handed back to the integration when the batch records.
 */
export interface Lane {
  concurrency: number;
  intervalMs: number;
  toleranceMs: number;
  /** The theoretical arrival time of the lane's next call (GCRA); -Infinity before its first. */
  tat: number;
  /**
   * Whether a call that could only start too late for its slot is handed back (missesSlot): for a rate the
   * integration set itself, which Herald never exceeds. A vendor's default pace is Herald's own caution (the vendors
   * allow short bursts), so a late call there goes late rather than queue again.
   */
  strict: boolean;
}

/** The earliest a lane's next call may start: no sooner than its slot, nor than the calls it made allow. */
export function earliestStart(lane: Lane, slot: number): number {
  return Math.max(slot, lane.tat - lane.toleranceMs);
}

/**
 * Whether a paced call starting at `at` is too late for its slot: the integration's bucket lets a call go up to its
 * burst tolerance after its slot without crowding the slots after it (which other batches may hold), not later. Only
 * strict lanes (the integration's own rate limit) hand such calls back.
 */
export function missesSlot(lane: Lane, slot: number, at: number): boolean {
  return lane.strict && lane.intervalMs > 0 && at > slot + lane.toleranceMs + LATE_CALL_ALLOWANCE_MS;
}

/** Counts a call the lane started at `at` into its bucket. */
export function markStarted(lane: Lane, at: number): void {
  lane.tat = Math.max(lane.tat, at) + lane.intervalMs;
}
/**
 * Gives each leg its slot and splits them: legs beyond what the batch's permits let it call wait a moment; the rest are
 * called at their slot when it is within the horizon, or handed back until it. New slots follow the integration's
 * token bucket (GCRA): the k-th is `interval` after the (k-1)-th, less the burst's tolerance, never before `now`.
 */
export function planCalls(
  groups: readonly LimitedGroup[],
  grants: ReadonlyMap<string, CallGrant>,
  rounds: number,
  batchConcurrency: number,
  now: number,
): CallPlan {
  const plan: CallPlan = { callAt: new Map(), putOff: [], lanes: new Map() };
  for (const { integrationId, limits, legs } of groups) {
    const grant = grants.get(integrationId) ?? { permits: legs.length, firstSlot: now, slots: 0 };
    const callable = limits.maxInFlight === null ? legs.length : Math.min(legs.length, grant.permits * rounds);
    const tolerance = (limits.burst - 1) * limits.intervalMs;
    let fresh = 0;
    legs.forEach((leg, index) => {
      if (index >= callable) {
        plan.putOff.push({ deliveryId: leg.id, at: now + PERMIT_WAIT_MS });
        return;
      }
      let slot = now;
      if (leg.pacedAt !== null) slot = leg.pacedAt;
      else if (limits.intervalMs > 0) {
        if (fresh >= grant.slots) {
          plan.putOff.push({ deliveryId: leg.id, at: now + PERMIT_WAIT_MS });
          return;
        }
        slot = Math.max(now, grant.firstSlot + fresh * limits.intervalMs - tolerance);
        fresh += 1;
      }
      if (slot <= now + PACING_HORIZON_MS) plan.callAt.set(leg.id, Math.max(slot, now));
      // Due (claimable) a little before its slot: queues count whole seconds and a consumer may wait a second more to
      // fill its batch, so it comes back in time to wait for its slot in the batch that takes it.
      else plan.putOff.push({ deliveryId: leg.id, at: slot - SLOT_LEAD_MS, slot });
    });
    plan.lanes.set(integrationId, {
      concurrency: limits.maxInFlight !== null ? Math.max(1, grant.permits) : limits.oneAtATime ? 1 : batchConcurrency,
      intervalMs: limits.intervalMs,
      toleranceMs: tolerance,
      tat: Number.NEGATIVE_INFINITY,
      strict: !limits.oneAtATime,
    });
  }
  return plan;
}
