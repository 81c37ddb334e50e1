// Where Prometheus scrapes the Node runtime: /metrics on the API's port behind a bearer token
// (HERALD_METRICS_TOKEN), or on a port of its own without one (HERALD_METRICS_PORT), which an operator keeps off
// the public network. Metrics name routes and notification types, never accounts or payloads, but they are still
// the operator's, not the public's.
import { createHash, timingSafeEqual } from "node:crypto";
import { type ServerType, serve } from "@hono/node-server";
import { METRICS_CONTENT_TYPE } from "./metrics";

export const METRICS_PATH = "/metrics";

/** A token shorter than this is refused at start: it would be guessable. */
const MIN_TOKEN_LENGTH = 16;

export interface MetricsOptions {
  token?: string;
  port?: number;
  hostname?: string;
}

/** The options, or a one-line reason they cannot serve (the caller names it as a start-up failure). */
export function metricsOptionsProblem(options: MetricsOptions): string | undefined {
  if (options.token !== undefined && options.token.length < MIN_TOKEN_LENGTH)
    return `HERALD_METRICS_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (e.g. \`openssl rand -hex 32\`)`;
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535))
    return "HERALD_METRICS_PORT must be a port number (0-65535)";
  return undefined;
}

/** /metrics on the API's port: only to a request bearing the token. */
export async function serveMetrics(request: Request, scrape: () => Promise<string>, token: string): Promise<Response> {
  if (request.method !== "GET" && request.method !== "HEAD")
    return new Response("only GET\n", { status: 405, headers: { allow: "GET, HEAD" } });
  const given = /^Bearer\s+(.+)$/i.exec(request.headers.get("authorization") ?? "")?.[1]?.trim();
  if (given === undefined || !sameSecret(given, token))
    return new Response("a bearer token is required\n", {
      status: 401,
      headers: { "www-authenticate": 'Bearer realm="herald-metrics"' },
    });
  return metricsResponse(scrape);
}

/** A listener of its own that serves /metrics and nothing else. */
export async function listenForMetrics(
  at: { port: number; hostname: string },
  scrape: () => Promise<string>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve(
      {
        fetch: (request) =>
          new URL(request.url).pathname === METRICS_PATH && request.method === "GET"
            ? metricsResponse(scrape)
            : new Response("not found\n", { status: 404 }),
        ...at,
      },
      () => resolve(started),
    );
    started.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : at.port;
  return {
    url: `http://${at.hostname}:${port}${METRICS_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function metricsResponse(scrape: () => Promise<string>): Promise<Response> {
  return new Response(await scrape(), { headers: { "content-type": METRICS_CONTENT_TYPE } });
}

/** Compares digests, so the time taken says nothing of how much of the token matched. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
