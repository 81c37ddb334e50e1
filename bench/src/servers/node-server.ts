// The Node runtime under test, as its own process (so its peak memory and CPU are its own): Herald's app, consumers
// and sweeper from apps/api/node/runtime.ts, plus the baseline route. Configured through the environment like
// `pnpm --filter @herald/api serve`; prints one JSON line `{"ready": url}` once it listens. The libSQL client and
// the queue producers are wrapped to count what Herald pays for; GET STATS_PATH answers the counters.
import { startNodeRuntime } from "@herald/api/node/runtime";
import { withBaseline } from "./baseline";
import { countingQueue, emptyCounters } from "./counters";
import { countingClient } from "./counting-client";

const counters = emptyCounters();

const runtime = await startNodeRuntime({
  port: 0,
  hostname: "127.0.0.1",
  compose: (herald) => withBaseline(herald, () => counters),
  wrapDbClient: (client) => countingClient(client, counters),
  wrapProducer: (queue, producer) => countingQueue(queue, producer, counters),
});
process.stdout.write(`${JSON.stringify({ ready: runtime.url })}\n`);

// A clean exit (not a kill) lets --cpu-prof write its profile.
process.once("SIGTERM", () => {
  void runtime.close().finally(() => process.exit(0));
});
