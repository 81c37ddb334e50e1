// How an observer checks, from arrival times alone, that calls to one integration kept its `rate_limit` and its
// `max_in_flight` (delivery/call-limits.ts enforces them). The storm scenarios (test/scenarios/storm.scenarios.ts)
// and the benchmark's storm (bench/src/storm.ts) both judge Herald with these; nothing in the Worker calls them. They
// sit in lib/ (no Workers or Node types, the lowest layer) so that both can import them.

/** How early a call may arrive against the limit, for timers and the network: calls are started at their slots. */
export const ARRIVAL_JITTER_MS = 25;

/**
 * The calls that arrived sooner than a token bucket of `perSecond` and `burst` allows (GCRA on arrival times, each
 * call allowed `ARRIVAL_JITTER_MS` early): empty when the limit held.
 */
export function rateBreaches(arrivals: readonly number[], perSecond: number, burst: number): number[] {
  const interval = 1000 / perSecond;
  const tolerance = (burst - 1) * interval + ARRIVAL_JITTER_MS;
  const sorted = [...arrivals].sort((a, b) => a - b);
  const breaches: number[] = [];
  let theoretical = sorted[0] ?? 0;
  for (const at of sorted) {
    if (at < theoretical - tolerance) breaches.push(at);
    theoretical = Math.max(theoretical, at) + interval;
  }
  return breaches;
}

/** The most calls the receiver was answering at once: each is open from its arrival until `answerMs` later. */
export function mostAtOnce(arrivals: readonly number[], answerMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (const [index, at] of sorted.entries()) {
    const open = sorted.slice(0, index + 1).filter((earlier) => earlier + answerMs > at).length;
    most = Math.max(most, open);
  }
  return most;
}
