// `wrangler dev --local` for the bench, started through wrangler's own API (the one its CLI calls) so that the
// devtools inspector can be off, which the CLI cannot do. With the inspector on, wrangler 4.86's InspectorProxyWorker
// enables the Network domain on the Worker's runtime whether or not DevTools is attached, and turns each event (4 or
// so per subrequest of the Worker) into an HTTP request from wrangler's proxy workerd to this Node process: under the
// bench's load that proxy held thousands of sockets in CLOSE_WAIT and ran out of file descriptors (bench/README.md,
// cloudflare/workers-sdk#14191). The bench opens no DevTools, so it loses nothing.
// Usage: wrangler-dev.ts <config> <port> <persist dir>; the Worker's vars as JSON in BENCH_WORKER_VARS.
// Prints `{"ready": url}`.
import { unstable_startWorker } from "wrangler";

const [config, port, persist] = process.argv.slice(2);
if (!config || !port || !persist) throw new Error("usage: wrangler-dev.ts <config> <port> <persist dir>");
const vars = JSON.parse(process.env.BENCH_WORKER_VARS ?? "{}") as Record<string, string>;

const worker = await unstable_startWorker({
  config,
  bindings: Object.fromEntries(
    Object.entries(vars).map(([name, value]) => [name, { type: "plain_text" as const, value }]),
  ),
  dev: {
    remote: false,
    inspector: false,
    server: { hostname: "127.0.0.1", port: Number(port) },
    persist,
    watch: false,
    liveReload: false,
  },
});
await worker.ready;
process.stdout.write(`${JSON.stringify({ ready: (await worker.url).origin })}\n`);
process.once("SIGTERM", () => {
  void worker.dispose().finally(() => process.exit(0));
});
