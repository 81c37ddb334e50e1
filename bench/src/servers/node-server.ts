// The Node runtime under test, as its own process (so its peak memory and CPU are its own): Herald's app, consumers
// and sweeper from apps/api/node/runtime.ts, plus the baseline route. Configured through the environment like
// `pnpm --filter @herald/api serve`; prints one JSON line `{"ready": url}` once it listens.
import { startNodeRuntime } from "@herald/api/node/runtime";
import { withBaseline } from "./baseline";

const runtime = await startNodeRuntime({ port: 0, hostname: "127.0.0.1", compose: withBaseline });
process.stdout.write(`${JSON.stringify({ ready: runtime.url })}\n`);

// A clean exit (not a kill) lets --cpu-prof write its profile.
process.once("SIGTERM", () => {
  void runtime.close().finally(() => process.exit(0));
});
