// When each leg of a batch is called: legs to limited integrations (a rate limit, `max_in_flight`, a vendor's pacing)
// at the slots and within the permits reserved for them, the others handed back until theirs; legs to paused
// integrations parked; every other leg as soon as one of the batch's concurrent calls is free.
import {
  type DeliveryRow,
  type IntegrationRow,
  legsWaitingForEarlier,
  type NotificationRow,
  type PutOff,
  reserveCalls,
} from "@herald/db";
import type { Services } from "../env";
import {
  type CallLimits,
  type CallPlan,
  callLimits,
  callRequests,
  earliestStart,
  groupLegs,
  markStarted,
  missesSlot,
  PACING_HORIZON_MS,
  planCalls,
} from "./call-limits";

/** A batch's call plan, with the lease its limited legs hold and what it gives back when it records. */
export interface LimitedCallPlan extends Omit<CallPlan, "putOff"> {
  /** Legs handed back without an attempt: until their slot, a permit, or (`at` null) their integration's resume. */
  putOff: PutOff[];
  /** The batch's permits, to give back when it records (only when it took any). */
  permitHolder?: string;
  /** The lease the limited legs hold: a leg that missed its slot is handed back under it. */
  limitedLeaseUntil: number;
}

/**
 * Legs of a paused integration are parked (released with no due time: resuming queues them). Legs of limited
 * integrations get permits and call slots in one round trip, which also lengthens their lease by the horizon (a leg
 * may wait that long for its slot) and by the rounds `max_in_flight` makes its legs take (permits last as long): those due within the horizon are called at their slot,
 * the others are handed back until theirs. Batches without limited legs keep the short lease that brings a crashed
 * consumer's legs back soon, and make no round trip here.
 */
export async function planLimitedCalls(
  services: Services,
  legs: readonly DeliveryRow[],
  integrationOf: (leg: DeliveryRow) => IntegrationRow | undefined,
  notificationOf: (leg: DeliveryRow) => NotificationRow | undefined,
  startedAt: number,
  leaseUntil: number,
  rounds: number,
): Promise<LimitedCallPlan> {
  const parked: PutOff[] = [];
  const open = legs.filter((leg) => {
    const integration = integrationOf(leg);
    if (!integration || integration.disabledAt !== null || integration.pausedAt === null) return true;
    parked.push({ deliveryId: leg.id, at: null, lease: leaseUntil, slot: null });
    return false;
  });
  const waiting = await legsOutOfTurn(services, open, integrationOf, notificationOf);
  for (const id of waiting) parked.push({ deliveryId: id, at: startedAt + ORDER_WAIT_MS, lease: leaseUntil });
  const limits = new Map<string, CallLimits>();
  const limited = open.flatMap((leg) => {
    const integration = integrationOf(leg);
    // A disabled integration's legs fail without a call: nothing to pace.
    if (!integration || integration.disabledAt !== null || waiting.has(leg.id)) return [];
    const found = callLimits(integration);
    if (!found) return [];
    limits.set(integration.id, found);
    return [{ id: leg.id, integrationId: integration.id, pacedAt: leg.pacedAt }];
  });
  if (limited.length === 0)
    return { callAt: new Map(), lanes: new Map(), putOff: parked, limitedLeaseUntil: leaseUntil };

  const groups = groupLegs(limited, (id) => limits.get(id) as CallLimits, startedAt);
  const holder = services.newId();
  // An integration with max_in_flight calls its legs a few at a time: the lease (and the permits, which last as long)
  // covers them all at the full timeout each, so a batch granted every permit calls every leg it holds.
  const queuedRounds = Math.max(
    0,
    ...groups.map(({ legs: group, limits: { maxInFlight } }) =>
      maxInFlight === null ? 0 : Math.ceil(group.length / maxInFlight),
    ),
  );
  const perPermit = rounds + queuedRounds;
  const limitedLeaseUntil = leaseUntil + PACING_HORIZON_MS + queuedRounds * services.delivery.webhookTimeoutMs;
  const grants = await reserveCalls(services.db, callRequests(groups, perPermit), holder, startedAt, {
    deliveryIds: limited.map((leg) => leg.id),
    from: leaseUntil,
    until: limitedLeaseUntil,
  });
  const plan = planCalls(groups, grants, perPermit, services.delivery.concurrency, startedAt);
  const permitsTaken = groups.some((group) => group.limits.maxInFlight !== null);
  return {
    callAt: plan.callAt,
    lanes: plan.lanes,
    putOff: [...parked, ...plan.putOff.map((leg) => ({ ...leg, lease: limitedLeaseUntil }))],
    limitedLeaseUntil,
    ...(permitsTaken ? { permitHolder: holder } : {}),
  };
}

/** How long a leg of an ordered integration waits for the earlier legs of its incident before it is tried again. */
const ORDER_WAIT_MS = 1_000;

/**
 * The legs of integrations that deliver in incident order that must wait their turn: all but the earliest of each
 * incident in this batch, and that one too while an earlier notification of its incident still has a leg to deliver
 * to the integration (one statement, only when there are such legs). One leg per incident is in flight at a time.
 */
async function legsOutOfTurn(
  services: Services,
  legs: readonly DeliveryRow[],
  integrationOf: (leg: DeliveryRow) => IntegrationRow | undefined,
  notificationOf: (leg: DeliveryRow) => NotificationRow | undefined,
): Promise<Set<string>> {
  const chains = new Map<string, Array<{ leg: DeliveryRow; notification: NotificationRow }>>();
  for (const leg of legs) {
    const notification = notificationOf(leg);
    const incident = notification?.longIncidentId;
    if (integrationOf(leg)?.ordering !== "incident" || !notification || !incident) continue;
    const key = `${leg.destination}\n${incident}`;
    chains.set(key, [...(chains.get(key) ?? []), { leg, notification }]);
  }
  if (chains.size === 0) return new Set();
  const waiting = new Set<string>();
  const heads: string[] = [];
  for (const chain of chains.values()) {
    chain.sort(
      (a, b) =>
        a.notification.createdAt - b.notification.createdAt || a.notification.id.localeCompare(b.notification.id),
    );
    heads.push((chain[0] as { leg: DeliveryRow }).leg.id);
    for (const { leg } of chain.slice(1)) waiting.add(leg.id);
  }
  for (const id of await legsWaitingForEarlier(services.db, heads)) waiting.add(id);
  return waiting;
}

/**
 * Runs every attempt: legs without limits `concurrency` at a time; each limited integration's legs in a lane of their
 * own beside them, as many at once as its plan allows, each no sooner than its slot (a leg waiting for its slot does
 * not hold up the others). A paced leg whose call could only start later than its slot allows (the thread was starved
 * of CPU, or the lane's earlier calls were slow) is not called: `missedSlot` hands it back, to take a new slot, and its
 * result is undefined. Answers in the legs' order.
 */
export async function attemptAll<Result>(
  legs: readonly DeliveryRow[],
  plan: Pick<CallPlan, "callAt" | "lanes">,
  concurrency: number,
  attempt: (leg: DeliveryRow) => Promise<Result>,
  missedSlot: (leg: DeliveryRow) => void,
): Promise<Array<Result | undefined>> {
  const results = new Array<Result | undefined>(legs.length);
  const free: number[] = [];
  const lanes = new Map<string, number[]>();
  legs.forEach((leg, index) => {
    if (!plan.callAt.has(leg.id)) free.push(index);
    else lanes.set(leg.destination, [...(lanes.get(leg.destination) ?? []), index]);
  });
  const callAt = (index: number) => plan.callAt.get((legs[index] as DeliveryRow).id) ?? 0;
  // When calls can begin: the plan's slots start at the batch's start, and its round trips since are not lateness a
  // starved thread or a slow lane adds (a rule that counted them would hand back every first call of a batch to a
  // limit with no burst, on a database a round trip away, again and again).
  const readyAt = Date.now();
  await Promise.all([
    mapConcurrently(free, concurrency, async (index) => {
      results[index] = await attempt(legs[index] as DeliveryRow);
    }),
    ...[...lanes].map(([destination, indexes]) =>
      mapConcurrently(
        indexes.sort((a, b) => callAt(a) - callAt(b)),
        plan.lanes.get(destination)?.concurrency ?? 1,
        async (index) => {
          const lane = plan.lanes.get(destination);
          const leg = legs[index] as DeliveryRow;
          // Checked and counted at the moment the call starts (a timer may wake late, and the lane's other calls may
          // have started meanwhile): a late start delays the calls after it instead of crowding them.
          for (;;) {
            const wait = (lane ? earliestStart(lane, callAt(index)) : callAt(index)) - Date.now();
            if (wait <= 0) break;
            await new Promise((resolve) => setTimeout(resolve, wait));
          }
          if (lane && missesSlot(lane, Math.max(callAt(index), readyAt), Date.now())) return missedSlot(leg);
          if (lane) markStarted(lane, Date.now());
          results[index] = await attempt(leg);
        },
      ),
    ),
  ]);
  return results;
}

/** `fn` over `items`, at most `limit` at a time, taken in the items' order; answers in that order. */
async function mapConcurrently<Item, Result>(
  items: readonly Item[],
  limit: number,
  fn: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index] as Item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
