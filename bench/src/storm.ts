// Scenario 7, an alert storm (issue #15): a burst of notifications, sent as fast as the sender goes, to one webhook
// integration that Herald must pace (`rate_limit` 50/s with a burst of 10, `max_in_flight` 3), pointed at a receiver
// that answers each call after 40 ms so that `max_in_flight` binds. What the receiver saw is judged with the same
// checks as the storm scenarios of the test suites (apps/api/src/lib/limit-checks.ts): no call sooner than the limit
// allows (GCRA on arrival times, 25 ms of jitter allowed), never more than 3 calls open at once, and every notification
// delivered. The time to drain is a figure, not a pass/fail: at 50/s with a burst of 10 it cannot be under
// (n - 10) / 50 s.
import { performance } from "node:perf_hooks";
import { ARRIVAL_JITTER_MS, mostAtOnce, rateBreaches } from "@herald/api/src/lib/limit-checks";
import { Sender } from "./e2e";
import { type HeraldApi, inParallel } from "./herald-api";
import { Receiver } from "./receiver";
import { type Percentiles, percentiles, sleep } from "./stats";

/** The integration's delivery controls and the receiver's answer time: the storm. */
export const STORM_LIMITS = { perSecond: 50, burst: 10, maxInFlight: 3, answerMs: 40 } as const;

/** How long after the sends the storm waits, beyond the drain the limit allows, before counting legs lost. */
const GRACE_MS = 60_000;
/** How long it keeps listening after the last leg for duplicates (a leg called again). */
const LISTEN_AFTER_MS = 2_000;

export interface StormResult {
  notifications: number;
  limits: typeof STORM_LIMITS & { arrivalJitterMs: number };
  /** First send to the last send's answer. */
  sendMs: number;
  /** Sends answered other than 202, by status (0: no answer); their notifications are still owed. */
  failedSends: number;
  failedSendStatuses: Record<string, number>;
  /** First send to the call that delivered the last notification; null when some never arrived. */
  drainMs: number | null;
  /** The least the limit allows: (notifications - burst) / per second. */
  minimumDrainMs: number;
  /** First send to the last call received (the drain, or as far as it got when legs were lost). */
  lastCallMs: number | null;
  /** Calls received, duplicates included. */
  calls: number;
  /** Notifications never received when the wait ran out. */
  lostLegs: number;
  /** Calls of a leg already received (same `webhook-id`). */
  duplicates: number;
  /** Calls sooner than the rate limit allows (GCRA over every call's arrival, `arrivalJitterMs` early allowed). */
  rateBreaches: number;
  /** Milliseconds after the first send of the first few breaches, to look at. */
  firstBreachesMs: number[];
  /** The most calls open at once, each from its arrival to `answerMs` later (the test suites' measure). */
  mostAtOnce: number;
  /** The most requests the receiver had open at once, counted live (headers received to answer sent). */
  mostOpenAtReceiver: number;
  /** Calls per second from the first call to the last. */
  callsPerSecond: number;
  /** Send to delivered, per notification delivered (ms): how long a storm's notification waits for its turn. */
  latencyMs: Percentiles;
}

/**
 * Creates the paced integration (at a receiver of its own that answers after `answerMs`), subscribes it to a fresh
 * notification type, sends `notifications` over `connections` keep-alive connections, and waits for every leg or
 * for the drain the limit allows plus a grace.
 */
export async function measureStorm(
  api: HeraldApi,
  platform: HeraldApi,
  options: { notifications: number; connections: number },
): Promise<StormResult> {
  const limits = STORM_LIMITS;
  const receiver = new Receiver({ answerDelayMs: limits.answerMs });
  await receiver.start();
  const sender = new Sender(api.baseUrl, api.token, `bench-storm-${Date.now().toString(36)}/alerts`);
  try {
    const type = sender.type;
    await platform.createNotificationType(type);
    const integration = await api.createIntegration("bench storm: paced receiver", `${receiver.url}/storm`, {
      rate_limit: { per_second: limits.perSecond, burst: limits.burst },
      max_in_flight: limits.maxInFlight,
    });
    await api.createSubscription("bench: storm", [integration], type);

    const arrivals: number[] = [];
    const firstArrival = new Map<string, number>();
    receiver.reset();
    receiver.onCall((call) => {
      arrivals.push(call.arrivedAt);
      if (call.benchId !== undefined && !firstArrival.has(call.benchId)) firstArrival.set(call.benchId, call.arrivedAt);
    });

    const sentAt = new Map<string, number>();
    const failedSendStatuses: Record<string, number> = {};
    let failedSends = 0;
    const started = performance.now();
    await inParallel(options.notifications, options.connections, async (i) => {
      const benchId = `storm-${i}`;
      sentAt.set(benchId, performance.now());
      const status = await sender.send(benchId);
      if (status === 202) return;
      failedSends += 1;
      failedSendStatuses[status] = (failedSendStatuses[status] ?? 0) + 1;
    });
    const sendMs = performance.now() - started;

    const minimumDrainMs = ((options.notifications - limits.burst) / limits.perSecond) * 1000;
    const deadline = performance.now() + minimumDrainMs + GRACE_MS;
    while (firstArrival.size < options.notifications && performance.now() < deadline) await sleep(50);
    await sleep(LISTEN_AFTER_MS);
    receiver.onCall(undefined);

    const complete = [...sentAt.keys()].every((benchId) => firstArrival.has(benchId));
    const lastDelivery = Math.max(...firstArrival.values());
    const sorted = [...arrivals].sort((a, b) => a - b);
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    const breaches = rateBreaches(arrivals, limits.perSecond, limits.burst);
    const waits = [...firstArrival].map(([benchId, at]) => at - (sentAt.get(benchId) ?? at));
    return {
      notifications: options.notifications,
      limits: { ...limits, arrivalJitterMs: ARRIVAL_JITTER_MS },
      sendMs,
      failedSends,
      failedSendStatuses,
      drainMs: complete ? lastDelivery - started : null,
      minimumDrainMs,
      lastCallMs: last === undefined ? null : last - started,
      calls: arrivals.length,
      lostLegs: [...sentAt.keys()].filter((benchId) => !firstArrival.has(benchId)).length,
      duplicates: receiver.duplicates,
      rateBreaches: breaches.length,
      firstBreachesMs: breaches.slice(0, 10).map((at) => Math.round(at - started)),
      mostAtOnce: mostAtOnce(arrivals, limits.answerMs),
      mostOpenAtReceiver: receiver.mostOpen,
      callsPerSecond:
        first !== undefined && last !== undefined && last > first ? ((arrivals.length - 1) * 1000) / (last - first) : 0,
      latencyMs: percentiles(waits),
    };
  } finally {
    sender.close();
    await receiver.close();
  }
}

/** The lines to shout when the storm broke a limit or lost a leg; empty when it held. */
export function stormAlarms(runtime: string, storm: StormResult): string[] {
  const alarms: string[] = [];
  if (storm.rateBreaches > 0)
    alarms.push(
      `${storm.rateBreaches} calls sooner than the rate limit allows (first at ${storm.firstBreachesMs.join(", ")} ms)`,
    );
  if (storm.lostLegs > 0) alarms.push(`${storm.lostLegs} of ${storm.notifications} notifications never delivered`);
  if (storm.mostAtOnce > storm.limits.maxInFlight || storm.mostOpenAtReceiver > storm.limits.maxInFlight)
    alarms.push(
      `${Math.max(storm.mostAtOnce, storm.mostOpenAtReceiver)} calls at once, max_in_flight is ${storm.limits.maxInFlight}`,
    );
  if (storm.failedSends > 0)
    alarms.push(`${storm.failedSends} sends not accepted ${JSON.stringify(storm.failedSendStatuses)}`);
  return alarms.map((alarm) => `!!! ${runtime} STORM: ${alarm}`);
}
