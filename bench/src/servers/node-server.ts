// The Node runtime under test, as its own process (so its peak memory and CPU are its own): Herald's app, consumers
// and sweeper from apps/api/node/runtime.ts (the pipeline in its own thread, as `npm run serve` runs it), plus the
// baseline route. Configured through the environment like `pnpm --filter @herald/api serve`; prints one JSON line
// `{"ready": url}` once it listens. The runtime counts its database calls and queue messages in both threads
// (`countCalls`); GET STATS_PATH answers them.
import { startNodeRuntime } from "@herald/api/node/runtime";
import { withBaseline } from "./baseline";

let counters: () => Promise<import("@herald/api/node/counting").ServerCounters> = () => {
  throw new Error("not started");
};
const runtime = await startNodeRuntime({
  port: 0,
  hostname: "127.0.0.1",
  compose: (herald) => withBaseline(herald, () => counters()),
  countCalls: true,
});
counters = () => runtime.counters();
process.stdout.write(`${JSON.stringify({ ready: runtime.url })}\n`);

// A clean exit (not a kill) lets --cpu-prof write its profile.
process.once("SIGTERM", () => {
  void runtime.close().finally(() => process.exit(0));
});
