// When each leg of a batch is called: legs to rate-limited integrations at the slots reserved for them (the others
// handed back until theirs), every other leg as soon as one of the batch's concurrent calls is free.
import { type DeliveryRow, type IntegrationRow, reserveCallSlots } from "@herald/db";
import type { Services } from "../env";
import { CALL_INTERVAL_MS, type CallPlan, PACING_HORIZON_MS, planCalls, slotRequests } from "./channels/pacing";

/** A batch's call plan, with the lease its paced legs hold. */
export interface PacedCallPlan extends CallPlan {
  leaseUntil: number;
}

/**
 * Legs to rate-limited integrations get call slots (one round trip reserves them for the whole batch): those due
 * within the horizon are called at their slot, the others are handed back until theirs. A paced leg may wait up to
 * the horizon before its call, so the same round trip lengthens its lease (`leaseUntil`, which the claim gave the
 * batch) by that much: the batches without paced legs keep the short lease that brings a crashed consumer's legs
 * back soon.
 */
export async function planPacedCalls(
  services: Services,
  legs: readonly DeliveryRow[],
  integrationOf: (leg: DeliveryRow) => IntegrationRow | undefined,
  now: number,
  leaseUntil: number,
): Promise<PacedCallPlan> {
  const intervals = new Map<string, number>();
  const paced = legs.flatMap((leg) => {
    const integration = integrationOf(leg);
    const interval = integration && integration.disabledAt === null ? CALL_INTERVAL_MS[integration.type] : undefined;
    if (!integration || interval === undefined) return [];
    intervals.set(integration.id, interval);
    return [{ id: leg.id, integrationId: integration.id, pacedAt: leg.pacedAt }];
  });
  if (paced.length === 0) return { callAt: new Map(), defer: [], leaseUntil };
  const intervalOf = (id: string) => intervals.get(id) ?? 0;
  const pacedLeaseUntil = leaseUntil + PACING_HORIZON_MS;
  const firstSlots = await reserveCallSlots(services.db, slotRequests(paced, intervalOf), now, {
    deliveryIds: paced.map((leg) => leg.id),
    from: leaseUntil,
    until: pacedLeaseUntil,
  });
  return { ...planCalls(paced, firstSlots, intervalOf, now), leaseUntil: pacedLeaseUntil };
}

/**
 * Runs every attempt: unpaced legs `concurrency` at a time; paced legs one at a time per integration, each at its
 * slot, beside them (a leg waiting for its slot does not hold up the others). Answers in the legs' order.
 */
export async function attemptAll<Result>(
  legs: readonly DeliveryRow[],
  plan: CallPlan,
  concurrency: number,
  attempt: (leg: DeliveryRow) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(legs.length);
  const unpaced: number[] = [];
  const lanes = new Map<string, number[]>();
  legs.forEach((leg, index) => {
    if (!plan.callAt.has(leg.id)) unpaced.push(index);
    else lanes.set(leg.destination, [...(lanes.get(leg.destination) ?? []), index]);
  });
  const lane = async (indexes: number[]) => {
    for (const index of indexes) {
      const leg = legs[index] as DeliveryRow;
      const wait = (plan.callAt.get(leg.id) ?? 0) - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      results[index] = await attempt(leg);
    }
  };
  await Promise.all([
    mapConcurrently(unpaced, concurrency, async (index) => {
      results[index] = await attempt(legs[index] as DeliveryRow);
    }),
    ...[...lanes.values()].map(lane),
  ]);
  return results;
}

/** `fn` over `items`, at most `limit` at a time, answers in the items' order. */
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
