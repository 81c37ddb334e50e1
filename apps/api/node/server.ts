// `npm run serve`: Herald on Node, for a single-machine self-host. Configure with the same variables as the Worker
// (AUTH_TOKEN_SECRET, ENCRYPTION_KEY, LIBSQL_URL, ...); HERALD_PORT and HERALD_HOST choose where it listens.
import { startNodeRuntime } from "./runtime";

const runtime = await startNodeRuntime({
  port: Number(process.env.HERALD_PORT ?? 8787),
  hostname: process.env.HERALD_HOST ?? "127.0.0.1",
});
console.log(`herald: serving on ${runtime.url} (Node runtime)`);

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void runtime.close().then(() => process.exit(0));
  });
}
