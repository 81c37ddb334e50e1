// The six scenarios for one runtime. Two server processes, each on a fresh database: the first serves scenarios 1 to
// 4 (scenario 4 leaves a backlog of deliveries behind it), the second scenario 5, which must start from an idle
// pipeline. Peak memory (scenario 6) is the higher of the two processes' high-water marks.
import type { BenchConfig, RuntimeName } from "./config";
import { type EndToEndResult, measureMaximum, measureSteady, Sender } from "./e2e";
import { HeraldApi, inParallel, NOTIFICATION_TYPE, notificationBody } from "./herald-api";
import { type LoadResult, measureLoad } from "./load";
import type { Receiver } from "./receiver";
import { BASELINE_PATH } from "./servers/baseline";
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
  ingest: Measured<LoadResult> & { deliveriesPerSecondMeanwhile: number };
  e2eMaximum: Measured<EndToEndResult>;
  e2eSteady: Measured<EndToEndResult> & { offeredPerSecond: number };
  memory: {
    /** The server's high-water mark after it has served only the baseline scenario. */
    afterBaselineMiB: number | null;
    /** The highest high-water mark of the two server processes. */
    peakMiB: number | null;
    requestPhaseMiB: number | null;
    endToEndPhaseMiB: number | null;
  };
  /** Lines the server processes logged at level error (consumer crashes, database errors). */
  serverErrorLines: number;
}

type Log = (message: string) => void;

async function measured<T>(target: Target, work: () => Promise<T>): Promise<Measured<T>> {
  const before = usageNow(target);
  const result = await work();
  return { ...result, cpu: cpuPercent(target, before, usageNow(target)) };
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
): Promise<Pick<RuntimeResult, "baseline" | "getNotification" | "byType" | "ingest"> & { afterBaselineMiB?: number }> {
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
  const deliveredBefore = receiver.delivered;
  const ingestStarted = performance.now();
  const ingest = await measured(target, () =>
    measureLoad(
      {
        url: `${api.accountUrl}/notifications`,
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify(notificationBody("ingest")),
      },
      load,
    ),
  );
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  return {
    baseline,
    getNotification,
    byType,
    ingest: { ...ingest, deliveriesPerSecondMeanwhile: (receiver.delivered - deliveredBefore) / ingestSeconds },
    ...(afterBaselineMiB === undefined ? {} : { afterBaselineMiB }),
  };
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
    const e2eMaximum = await measured(target, () => measureMaximum({ ...phase, window: config.window }));
    const rate = Math.max(1, e2eMaximum.notificationsPerSecond / 2);
    log(`   end-to-end at half the maximum: ${rate.toFixed(1)} notifications/s`);
    const e2eSteady = await measured(target, () => measureSteady({ ...phase, rate }));
    return { e2eMaximum, e2eSteady: { ...e2eSteady, offeredPerSecond: rate } };
  } finally {
    sender.close();
    receiver.reset();
  }
}

// A phase left out with --phases reports n/a for its figures.
const NOT_RUN_LOAD: Measured<LoadResult> = {
  perSecond: Number.NaN,
  served: 0,
  failed: 0,
  latencyMs: { p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
  seconds: 0,
  cpu: { server: Number.NaN, system: Number.NaN },
};
const NOT_RUN_E2E: Measured<EndToEndResult> = {
  notificationsPerSecond: Number.NaN,
  deliveriesPerSecond: Number.NaN,
  latencyMs: { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN, max: Number.NaN, count: 0 },
  failedSends: 0,
  failedSendStatuses: {},
  missingDeliveries: 0,
  duplicates: 0,
  cpu: { server: Number.NaN, system: Number.NaN },
};

/** Runs `work` against a fresh server, stopping it whatever happens; answers the server's peak memory too. */
async function withServer<T>(
  runtime: RuntimeName,
  config: BenchConfig,
  work: (target: Target) => Promise<T>,
): Promise<{ result: T; peakMiB: number | undefined; errorLines: number }> {
  const target = await startTarget(runtime, { profile: config.profile && runtime === "node", echo: false });
  try {
    const result = await work(target);
    return { result, peakMiB: serverPeakMiB(target), errorLines: target.errorLines() };
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
    ingest: { ...NOT_RUN_LOAD, deliveriesPerSecondMeanwhile: Number.NaN },
  };
  let endToEnd: Awaited<ReturnType<typeof endToEndScenarios>> = {
    e2eMaximum: NOT_RUN_E2E,
    e2eSteady: { ...NOT_RUN_E2E, offeredPerSecond: Number.NaN },
  };
  let requestPhaseMiB: number | undefined;
  let endToEndPhaseMiB: number | undefined;
  let errors = 0;
  if (config.phases.includes("requests")) {
    log("starting the server (fresh database) for scenarios 1-4");
    const phase = await withServer(runtime, config, (target) => requestScenarios(target, config, receiver, log));
    receiver.reset();
    requests = phase.result;
    requestPhaseMiB = phase.peakMiB;
    errors += phase.errorLines;
  }
  if (config.phases.includes("e2e")) {
    log("starting a fresh server for scenario 5");
    const phase = await withServer(runtime, config, (target) => endToEndScenarios(target, config, receiver, log));
    endToEnd = phase.result;
    endToEndPhaseMiB = phase.peakMiB;
    errors += phase.errorLines;
  }

  const phases = [requestPhaseMiB, endToEndPhaseMiB].filter((value): value is number => value !== undefined);
  return {
    runtime,
    ...requests,
    ...endToEnd,
    memory: {
      afterBaselineMiB: requests.afterBaselineMiB ?? null,
      peakMiB: phases.length > 0 ? Math.max(...phases) : null,
      requestPhaseMiB: requestPhaseMiB ?? null,
      endToEndPhaseMiB: endToEndPhaseMiB ?? null,
    },
    serverErrorLines: errors,
  };
}
