// What a delivered webhook costs the system under test: the server's counters (statements, database round trips,
// queue messages; see servers/counters.ts) and the CPU time of its processes, sampled before and after a phase and
// divided by the webhooks the receiver got meanwhile.
import type { ServerCounters } from "@herald/api/node/counting";
import { type Target, usageNow } from "./targets";

export interface CostSample {
  counters: ServerCounters;
  /** CPU seconds of the server process, and of every process of the system under test. */
  serverCpuSeconds: number;
  systemCpuSeconds: number;
}

export interface Costs {
  /** Unique webhooks the receiver got between the two samples: the denominator of every `perDelivery` figure. */
  webhooks: number;
  dbStatements: number;
  dbRoundTrips: number;
  queueMessages: Record<string, number>;
  queueSendCalls: number;
  serverCpuMs: number;
  systemCpuMs: number;
  perDelivery: {
    dbStatements: number;
    dbRoundTrips: number;
    /** Every queue together. */
    queueMessages: number;
    serverCpuMs: number;
    systemCpuMs: number;
  };
}

export async function sampleCosts(target: Target): Promise<CostSample> {
  const counters = await target.counters();
  const usage = usageNow(target);
  let system = 0;
  for (const seconds of usage.cpu.values()) system += seconds;
  return { counters, serverCpuSeconds: usage.cpu.get(target.serverPid) ?? 0, systemCpuSeconds: system };
}

export function costsBetween(from: CostSample, to: CostSample, webhooks: number): Costs {
  const queueMessages: Record<string, number> = {};
  for (const [queue, sent] of Object.entries(to.counters.queueMessages)) {
    queueMessages[queue] = sent - (from.counters.queueMessages[queue] ?? 0);
  }
  const allMessages = Object.values(queueMessages).reduce((sum, sent) => sum + sent, 0);
  const costs = {
    dbStatements: to.counters.dbStatements - from.counters.dbStatements,
    dbRoundTrips: to.counters.dbRoundTrips - from.counters.dbRoundTrips,
    serverCpuMs: (to.serverCpuSeconds - from.serverCpuSeconds) * 1000,
    systemCpuMs: (to.systemCpuSeconds - from.systemCpuSeconds) * 1000,
  };
  // No webhook delivered: the cost per delivery is unknown (NaN, reported as n/a), not zero.
  const per = (value: number) => (webhooks > 0 ? value / webhooks : Number.NaN);
  return {
    webhooks,
    ...costs,
    queueMessages,
    queueSendCalls: to.counters.queueSendCalls - from.counters.queueSendCalls,
    perDelivery: {
      dbStatements: per(costs.dbStatements),
      dbRoundTrips: per(costs.dbRoundTrips),
      queueMessages: per(allMessages),
      serverCpuMs: per(costs.serverCpuMs),
      systemCpuMs: per(costs.systemCpuMs),
    },
  };
}
