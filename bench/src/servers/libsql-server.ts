// The database server the Worker talks to in `wrangler dev` (libSQL over HTTP), as its own process so that its CPU
// and memory are measured apart from the Worker's and from the load generator's. Prints `{"ready": url}`.
import { startLibsqlDevServer } from "@herald/libsql-dev-server";

const path = process.argv[2];
if (!path) throw new Error("usage: libsql-server.ts <database file>");
const server = await startLibsqlDevServer({ path, port: 0 });
process.stdout.write(`${JSON.stringify({ ready: server.url })}\n`);
process.once("SIGTERM", () => {
  void server.close().finally(() => process.exit(0));
});
