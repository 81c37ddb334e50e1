// The database server the Worker talks to in `wrangler dev` (libSQL over HTTP), as its own process so that its CPU
// and memory are measured apart from the Worker's and from the load generator's. Prints `{"ready": url}`.
// It serves @herald/libsql-dev-server's handler through its own node:http server, counting on the way in what the
// Worker pays for: every HTTP request is a database round trip, and the statements it carries are counted from its
// Hrana body. GET STATS_PATH answers those counters, plus how long the handler took, to tell a slow database from a
// starved Worker.
import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { emptyCounters, scriptStatements, statementWeight } from "@herald/api/node/counting";
import { createLibsqlHandler } from "@herald/libsql-dev-server";
import { STATS_PATH } from "./baseline";

const path = process.argv[2];
if (!path) throw new Error("usage: libsql-server.ts <database file>");

interface HranaStatement {
  sql?: string;
}
interface HranaRequest {
  type?: string;
  stmt?: HranaStatement;
  batch?: { steps?: Array<{ stmt?: HranaStatement }> };
  sql?: string;
}

/** The statements of one Hrana pipeline body (`execute`, `batch` steps, `sequence` scripts). */
function statementsOf(body: Buffer): number {
  let requests: HranaRequest[];
  try {
    requests = (JSON.parse(body.toString("utf8")) as { requests?: HranaRequest[] }).requests ?? [];
  } catch {
    return 0;
  }
  let statements = 0;
  for (const request of requests) {
    if (request.type === "execute") statements += statementWeight(request.stmt?.sql);
    else if (request.type === "batch") {
      for (const step of request.batch?.steps ?? []) statements += statementWeight(step.stmt?.sql);
    } else if (request.type === "sequence" && request.sql !== undefined) statements += scriptStatements(request.sql);
  }
  return statements;
}

const counters = emptyCounters();
/** Milliseconds the handler spent on pipeline requests (waiting for a busy lock included), and the most at once. */
const timing = { handlerMs: 0, slowestMs: 0, inFlight: 0, maxInFlight: 0 };
/** Hrana errors answered, by code (SQLITE_BUSY_SNAPSHOT, STREAM_EXPIRED, ...): what the Worker saw fail. */
const errors: Record<string, number> = {};

function countErrors(body: Buffer): void {
  // Most answers carry no error: only those that do are parsed.
  if (!body.includes('"type":"error"') && !body.includes('"code"')) return;
  const text = body.toString("utf8");
  for (const match of text.matchAll(/"code":"([A-Z_0-9]+)"/g)) {
    const code = match[1] ?? "UNKNOWN";
    errors[code] = (errors[code] ?? 0) + 1;
  }
}
const handler = createLibsqlHandler({ path });

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const server = createServer((request, response) => {
  void (async () => {
    try {
      if (request.method === "GET" && request.url === STATS_PATH) {
        response
          .writeHead(200, { "content-type": "application/json" })
          .end(JSON.stringify({ ...counters, timing, errors }));
        return;
      }
      const body = await readBody(request);
      if (body && request.url === "/v2/pipeline") {
        counters.dbRoundTrips += 1;
        counters.dbStatements += statementsOf(body);
      }
      const headers = new Headers();
      for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
        headers.append(request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string);
      }
      const started = performance.now();
      timing.inFlight += 1;
      timing.maxInFlight = Math.max(timing.maxInFlight, timing.inFlight);
      const answer = await handler.fetch(
        new Request(new URL(request.url ?? "/", "http://libsql"), { method: request.method ?? "GET", headers, body }),
      );
      const answerBody = Buffer.from(await answer.arrayBuffer());
      countErrors(answerBody);
      const took = performance.now() - started;
      timing.inFlight -= 1;
      timing.handlerMs += took;
      timing.slowestMs = Math.max(timing.slowestMs, took);
      response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(answerBody);
    } catch {
      // The client went away mid-request: nothing useful is left to answer.
      if (!response.headersSent) response.writeHead(400);
      response.end();
    }
  })();
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
process.stdout.write(`${JSON.stringify({ ready: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
process.once("SIGTERM", () => {
  server.closeAllConnections();
  server.close(() => {
    handler.close();
    process.exit(0);
  });
});
