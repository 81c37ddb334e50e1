// The seven scenarios for one runtime. Three server processes, each on a fresh database: the first serves scenarios 1
// to 4 (scenario 4 leaves a backlog of deliveries behind it), the second scenario 5, which must start from an idle
// pipeline, the third the storm (scenario 7), which must too. Peak memory (scenario 6) is the higher of the first two
// processes' high-water marks; the storm's server reports its own.

import { emptyCounters } from "@herald/api/node/counting";
import type { BenchConfig, RuntimeName } from "./config";
import { type Costs, costsBetween, sampleCosts } from "./costs";
import { type EndToEndResult, measureMaximum, measureSteady, Sender } from "./e2e";
import { HeraldApi, inParallel, NOTIFICATION_TYPE, PLATFORM } from "./herald-api";
import { type IngestResult, measureIngest, measureIngestOpenLoop } from "./ingest";
import { type LoadResult, measureLoad } from "./load";
import { peakMemoryMiB } from "./proc";
import type { Receiver } from "./receiver";
import { BASELINE_PATH } from "./servers/baseline";
import { measureStorm, type StormResult } from "./storm";
import { cpuPercent, serverPeakMiB, startTarget, type Target, usageNow } from "./targets";

export interface CpuUse {
  /** Percent of one core used by the server process (the Node server, or workerd). */
  server: number;
  /** The same for every process of the system under test (workerd's libSQL server and wrangler too). */
  system: number;
}

export type Measured<T> = T & { cpu: CpuUse };

export interface RuntimeResult {
  runtime: RuntimeName;
  baseline: Measured<LoadResult>;
  getNotification: Measured<LoadResult>;
  byType: Measured<LoadResult>;
  ingest: Measured<IngestResult> & {
    deliveriesPerSecondMeanwhile: number;
    /** Legs accepted (202 answers, warmup included, times the destinations) minus webhooks delivered, at its end. */
    backlogLegs: number;
  };
  /** Scenario 4 again, open loop at half its closed-loop rate: the POST latency of ingest below saturation. */
  ingestHalf: Measured<IngestResult> & { offeredPerSecond: number; backlogLegsBefore: number };
  e2eMaximum: Measured<EndToEndResult> & { costs: Costs & { drained: boolean } };
  e2eSteady: Measured<EndToEndResult> & { offeredPerSecond: number; costs: Costs & { drained: boolean } };
  /** Scenario 7, the storm on its own server; null when its phase was left out. */
  storm: (Measured<StormResult> & { serverPeakMiB: number | null }) | null;
  memory: {
    /** The server's high-water mark after it has served only the baseline scenario. */
    afterBaselineMiB: number | null;
    /** The highest high-water mark of the two server processes. */
    peakMiB: number | null;
    requestPhaseMiB: number | null;
    endToEndPhaseMiB: number | null;
    /** workerd: the high-water mark of wrangler dev's proxy process, which is not the server. */
    proxyPeakMiB: number | null;
  };
  /** Lines the server processes logged at level error (consumer crashes, database errors). */
  serverErrorLines: number;
  /** Those lines by kind, per server process (scenarios 1-4, 5, 7). */
  serverErrorKinds: { requests: Record<string, number>; e2e: Record<string, number>; storm: Record<string, number> };
  /** workerd: the libSQL server's time answering and errors answered by code, per server process (scenarios 1-4, 5, 7). */
  databaseServer: { requests: unknown; e2e: unknown; storm: unknown };
}

type Log = (message: string) => void;

async function measured<T>(target: Target, work: () => Promise<T>): Promise<Measured<T>> {
  const before = usageNow(target);
  const result = await work();
  return { ...result, cpu: cpuPercent(target, before, usageNow(target)) };
}

/**
 * Runs an end-to-end phase between two samples of the server's costs, from before its first send to the end of its
 * drain, so that every leg's work (ingest, fan-out, delivery) is counted once. A window inside the phase would not do:
 * the maximum starts with its whole in-flight window at once, and the fan-out of those legs lands in the first
 * seconds while their deliveries come later. `drained` is false when legs were still missing: the work done for them
 * is then counted without their deliveries, and the figures are upper bounds.
 */
async function withCosts<T extends EndToEndResult>(
  target: Target,
  work: () => Promise<T>,
): Promise<T & { costs: Costs & { drained: boolean } }> {
  const before = await sampleCosts(target);
  const result = await work();
  const costs = costsBetween(before, await sampleCosts(target), result.webhooksReceived);
  return { ...result, costs: { ...costs, drained: result.missingDeliveries === 0 } };
}

/** One subscription whose subscribers are `destinations` webhook integrations, all pointing at the receiver. */
async function subscribeReceiver(api: HeraldApi, receiver: Receiver, destinations: number): Promise<void> {
  const ids: string[] = [];
  for (let i = 0; i < destinations; i++) {
    ids.push(await api.createIntegration(`bench receiver ${i}`, `${receiver.url}/hook/${i}`));
  }
  await api.createSubscription("bench: every incident alert", ids);
}

async function requestScenarios(
  target: Target,
  config: BenchConfig,
  receiver: Receiver,
  log: Log,
): Promise<
  Pick<RuntimeResult, "baseline" | "getNotification" | "byType" | "ingest" | "ingestHalf"> & {
    afterBaselineMiB?: number;
  }
> {
  const api = new HeraldApi(target.url);
  await api.login();
  const load = {
    connections: config.connections,
    seconds: config.durationSeconds,
    warmupSeconds: config.warmupSeconds,
  };
  const auth = { "x-aims-auth-token": api.token };

  log("1. baseline: bare Hono JSON route");
  const baseline = await measured(target, () => measureLoad({ url: `${target.url}${BASELINE_PATH}` }, load));
  const afterBaselineMiB = serverPeakMiB(target);

  log(`   seeding ${config.seedNotifications} notifications (no subscriptions yet, so nothing is delivered)`);
  const ids: string[] = [];
  await inParallel(config.seedNotifications, 16, async (i) => {
    ids.push(await api.sendNotification(`seed-${i}`));
  });

  log("2. get_account_notification");
  const getNotification = await measured(target, () =>
    measureLoad({ url: `${api.accountUrl}/notifications/${ids[0]}`, headers: auth }, load),
  );

  log("3. get_account_notification_by_type, a page of 100");
  const byType = await measured(target, () =>
    measureLoad({ url: `${api.accountUrl}/notifications/${NOTIFICATION_TYPE}?limit=100`, headers: auth }, load),
  );

  log(`4. sent_notification, sustained ingest (each notification reaches ${config.destinations} webhooks)`);
  await subscribeReceiver(api, receiver, config.destinations);
  receiver.reset();
  const sender = new Sender(target.url, api.token);
  try {
    const ingestStarted = performance.now();
    const ingest = await measured(target, () => measureIngest(sender, load));
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const backlogLegs = ingest.accepted * config.destinations - receiver.delivered;
    const deliveriesPerSecondMeanwhile = receiver.delivered / ingestSeconds;

    const rate = Math.max(1, ingest.perSecond / 2);
    log(`   sent_notification at half that rate, open loop: ${rate.toFixed(1)} notifications/s`);
    const legsOwed = ingest.accepted * config.destinations;
    const backlogLegsBefore = legsOwed - receiver.delivered;
    const half = await measured(target, () =>
      measureIngestOpenLoop(sender, { rate, warmupSeconds: config.warmupSeconds, seconds: config.durationSeconds }),
    );
    return {
      baseline,
      getNotification,
      byType,
      ingest: { ...ingest, deliveriesPerSecondMeanwhile, backlogLegs },
      ingestHalf: { ...half, offeredPerSecond: rate, backlogLegsBefore },
      ...(afterBaselineMiB === undefined ? {} : { afterBaselineMiB }),
    };
  } finally {
    sender.close();
  }
}

async function endToEndScenarios(
  target: Target,
  config: BenchConfig,
  receiver: Receiver,
  log: Log,
): Promise<Pick<RuntimeResult, "e2eMaximum" | "e2eSteady">> {
  const api = new HeraldApi(target.url);
  await api.login();
  await subscribeReceiver(api, receiver, config.destinations);
  const sender = new Sender(target.url, api.token);
  const phase = {
    sender,
    receiver,
    destinations: config.destinations,
    warmupSeconds: config.warmupSeconds,
    seconds: config.e2eSeconds,
    drainSeconds: config.drainSeconds,
  };
  try {
    log(`5. end-to-end maximum (${config.window} notifications in flight)`);
    const e2eMaximum = await withCosts(target, () =>
      measured(target, () => measureMaximum({ ...phase, inFlight: config.window })),
    );
    const rate = Math.max(1, e2eMaximum.notificationsPerSecond / 2);
    log(`   end-to-end at half the maximum: ${rate.toFixed(1)} notifications/s`);
    const e2eSteady = await withCosts(target, () => measured(target, () => measureSteady({ ...phase, rate })));
    return { e2eMaximum, e2eSteady: { ...e2eSteady, offeredPerSecond: rate } };
  } finally {
    sender.close();
    receiver.reset();
  }
}

/** Scenario 7: the storm, on a server of its own (an idle pipeline, nothing else sent to it). */
async function stormScenario(target: Target, config: BenchConfig, log: Log): Promise<Measured<StormResult>> {
  const api = new HeraldApi(target.url);
  await api.login();
  const platform = new HeraldApi(target.url);
  await platform.login(PLATFORM);
  log(
    `7. storm: ${config.stormNotifications} notifications at once to one integration paced at 50/s (burst 10), ` +
      "max_in_flight 3, its receiver answering in 40 ms",
  );
  return measured(target, () =>
    measureStorm(api, platform, { notifications: config.stormNotifications, connections: config.connections }),
  );
}

// A phase left out with --phases reports n/a for its figures.
const NOT_RUN_CPU = { server: Number.NaN, system: Number.NaN };
const NOT_RUN_PERCENTILES = { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, count: 0 };
const NOT_RUN_LOAD: Measured<LoadResult> = {
  perSecond: Number.NaN,
  served: 0,
  failed: 0,
  unanswered: 0,
  latencyMs: { p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
  seconds: 0,
  cpu: NOT_RUN_CPU,
};
const NOT_RUN_INGEST: Measured<IngestResult> = {
  perSecond: Number.NaN,
  served: 0,
  failed: 0,
  failedStatuses: {},
  unansweredAtClose: 0,
  accepted: 0,
  latencyMs: NOT_RUN_PERCENTILES,
  seconds: 0,
  cpu: NOT_RUN_CPU,
};
const NOT_RUN_COSTS = costsBetween(
  { counters: emptyCounters(), serverCpuSeconds: 0, systemCpuSeconds: 0 },
  { counters: emptyCounters(), serverCpuSeconds: 0, systemCpuSeconds: 0 },
  0,
);
const NOT_RUN_E2E: Measured<EndToEndResult> & { costs: Costs & { drained: boolean } } = {
  notificationsPerSecond: Number.NaN,
  deliveriesPerSecond: Number.NaN,
  latencyMs: { ...NOT_RUN_PERCENTILES, censored: 0 },
  failedSends: 0,
  failedSendStatuses: {},
  unansweredAtClose: 0,
  missingDeliveries: 0,
  duplicates: 0,
  webhooksReceived: 0,
  cpu: NOT_RUN_CPU,
  costs: { ...NOT_RUN_COSTS, drained: false },
};

/** Runs `work` against a fresh server, stopping it whatever happens; answers the server's peak memory too. */
async function withServer<T>(
  runtime: RuntimeName,
  config: BenchConfig,
  work: (target: Target) => Promise<T>,
): Promise<{
  result: T;
  peakMiB: number | undefined;
  proxyPeakMiB: number | undefined;
  errorLines: number;
  errorKinds: Record<string, number>;
  databaseServer: unknown;
}> {
  const target = await startTarget(runtime, { profile: config.profile && runtime === "node", echo: false });
  try {
    const result = await work(target);
    const proxyPeakMiB = target.proxyPid === undefined ? undefined : peakMemoryMiB(target.proxyPid);
    const databaseServer = (await target.databaseServer?.()) ?? null;
    return {
      result,
      peakMiB: serverPeakMiB(target),
      proxyPeakMiB,
      errorLines: target.errorLines(),
      errorKinds: target.errorKinds(),
      databaseServer,
    };
  } finally {
    await target.stop();
  }
}

export async function runRuntime(
  runtime: RuntimeName,
  config: BenchConfig,
  receiver: Receiver,
): Promise<RuntimeResult> {
  const log: Log = (message) => console.log(`[${runtime}] ${message}`);

  let requests: Awaited<ReturnType<typeof requestScenarios>> = {
    baseline: NOT_RUN_LOAD,
    getNotification: NOT_RUN_LOAD,
    byType: NOT_RUN_LOAD,
    ingest: { ...NOT_RUN_INGEST, deliveriesPerSecondMeanwhile: Number.NaN, backlogLegs: Number.NaN },
    ingestHalf: { ...NOT_RUN_INGEST, offeredPerSecond: Number.NaN, backlogLegsBefore: Number.NaN },
  };
  let endToEnd: Awaited<ReturnType<typeof endToEndScenarios>> = {
    e2eMaximum: NOT_RUN_E2E,
    e2eSteady: { ...NOT_RUN_E2E, offeredPerSecond: Number.NaN },
  };
  let requestPhaseMiB: number | undefined;
  let endToEndPhaseMiB: number | undefined;
  const proxyPeaks: number[] = [];
  let errors = 0;
  let storm: RuntimeResult["storm"] = null;
  const databaseServer: RuntimeResult["databaseServer"] = { requests: null, e2e: null, storm: null };
  const errorKinds: RuntimeResult["serverErrorKinds"] = { requests: {}, e2e: {}, storm: {} };
  if (config.phases.includes("requests")) {
    log("starting the server (fresh database) for scenarios 1-4");
    const phase = await withServer(runtime, config, (target) => requestScenarios(target, config, receiver, log));
    receiver.reset();
    requests = phase.result;
    databaseServer.requests = phase.databaseServer;
    errorKinds.requests = phase.errorKinds;
    requestPhaseMiB = phase.peakMiB;
    if (phase.proxyPeakMiB !== undefined) proxyPeaks.push(phase.proxyPeakMiB);
    errors += phase.errorLines;
  }
  if (config.phases.includes("e2e")) {
    log("starting a fresh server for scenario 5");
    const phase = await withServer(runtime, config, (target) => endToEndScenarios(target, config, receiver, log));
    endToEnd = phase.result;
    databaseServer.e2e = phase.databaseServer;
    errorKinds.e2e = phase.errorKinds;
    endToEndPhaseMiB = phase.peakMiB;
    if (phase.proxyPeakMiB !== undefined) proxyPeaks.push(phase.proxyPeakMiB);
    errors += phase.errorLines;
  }
  if (config.phases.includes("storm")) {
    log("starting a fresh server for scenario 7, the storm");
    const phase = await withServer(runtime, config, (target) => stormScenario(target, config, log));
    storm = { ...phase.result, serverPeakMiB: phase.peakMiB ?? null };
    databaseServer.storm = phase.databaseServer;
    errorKinds.storm = phase.errorKinds;
    if (phase.proxyPeakMiB !== undefined) proxyPeaks.push(phase.proxyPeakMiB);
    errors += phase.errorLines;
  }

  const phases = [requestPhaseMiB, endToEndPhaseMiB].filter((value): value is number => value !== undefined);
  return {
    runtime,
    ...requests,
    ...endToEnd,
    storm,
    memory: {
      afterBaselineMiB: requests.afterBaselineMiB ?? null,
      peakMiB: phases.length > 0 ? Math.max(...phases) : null,
      requestPhaseMiB: requestPhaseMiB ?? null,
      endToEndPhaseMiB: endToEndPhaseMiB ?? null,
      proxyPeakMiB: proxyPeaks.length > 0 ? Math.max(...proxyPeaks) : null,
    },
    serverErrorLines: errors,
    serverErrorKinds: errorKinds,
    databaseServer,
  };
}
