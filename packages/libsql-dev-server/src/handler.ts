import { randomBytes } from "node:crypto";
import { SqliteConnection } from "./connection";
import { type PipelineResponseBody, ProtocolError, parsePipelineRequestBody, toHranaError } from "./hrana";
import { Stream } from "./stream";

export type LibsqlHandlerOptions = {
  /** SQLite file; created if missing. */
  path: string;
  /** An idle stream is closed after this long, rolling back its open transaction (sqld uses 10 s). */
  streamTtlMs?: number;
  /** How long a statement keeps retrying while another stream holds the write lock. */
  busyTimeoutMs?: number;
  /** When set, `POST /v2/pipeline` requires `Authorization: Bearer <authToken>`, as Turso does. */
  authToken?: string;
};

export type LibsqlHandler = {
  fetch(request: Request): Promise<Response>;
  /** Closes every connection; open transactions are rolled back. */
  close(): void;
};

const DEFAULT_STREAM_TTL_MS = 10_000;
const DEFAULT_BUSY_TIMEOUT_MS = 5_000;
const MAX_IDLE_CONNECTIONS = 4;

type ParkedStream = { stream: Stream; expiry: NodeJS.Timeout };

/**
 * Hrana over HTTP v2 (JSON) as a fetch-style handler, so it can serve both node:http and miniflare's
 * `outboundService` (in-process, no port).
 */
export function createLibsqlHandler(options: LibsqlHandlerOptions): LibsqlHandler {
  const streamTtlMs = options.streamTtlMs ?? DEFAULT_STREAM_TTL_MS;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const connections = new Set<SqliteConnection>();
  const idleConnections: SqliteConnection[] = [];
  const parkedStreams = new Map<string, ParkedStream>();
  let closed = false;

  const openConnection = (): SqliteConnection => {
    const connection = idleConnections.pop() ?? new SqliteConnection(options.path);
    connections.add(connection);
    return connection;
  };

  const releaseConnection = (connection: SqliteConnection): void => {
    if (!closed && idleConnections.length < MAX_IDLE_CONNECTIONS && connection.resetForReuse()) {
      idleConnections.push(connection);
      return;
    }
    connection.close();
    connections.delete(connection);
  };

  // Between HTTP requests a stream waits here under a fresh, unguessable baton.
  const park = (stream: Stream): string => {
    const baton = randomBytes(24).toString("base64url");
    const expiry = setTimeout(() => {
      parkedStreams.delete(baton);
      releaseConnection(stream.connection);
    }, streamTtlMs);
    expiry.unref();
    parkedStreams.set(baton, { stream, expiry });
    return baton;
  };

  // Taking the stream out of the map makes a concurrent request with the same baton fail, which keeps one
  // stream's requests in order.
  const unpark = (baton: string): Stream | undefined => {
    const parked = parkedStreams.get(baton);
    if (!parked) return undefined;
    parkedStreams.delete(baton);
    clearTimeout(parked.expiry);
    return parked.stream;
  };

  const handlePipeline = async (request: Request): Promise<Response> => {
    let body: ReturnType<typeof parsePipelineRequestBody>;
    try {
      body = parsePipelineRequestBody(await request.json());
    } catch (error) {
      const message = error instanceof ProtocolError ? error.message : "Body is not valid JSON";
      return errorResponse(400, message, "PROTOCOL_ERROR");
    }
    const stream = body.baton === null ? new Stream(openConnection(), busyTimeoutMs) : unpark(body.baton);
    if (!stream) {
      return errorResponse(
        400,
        `Unknown baton: the stream was closed or expired after ${streamTtlMs} ms idle`,
        "STREAM_EXPIRED",
      );
    }
    const results = [];
    for (const streamRequest of body.requests) results.push(await stream.handle(streamRequest));
    let baton: string | null = null;
    if (stream.isClosed || closed) releaseConnection(stream.connection);
    else baton = park(stream);
    const responseBody: PipelineResponseBody = { baton, base_url: null, results };
    return Response.json(responseBody);
  };

  // Fails fast on a bad path, and leaves one ready connection for the first stream.
  releaseConnection(openConnection());

  return {
    async fetch(request) {
      try {
        const { pathname } = new URL(request.url);
        if (request.method === "GET" && pathname === "/health") return new Response("ok");
        if (request.method === "GET" && pathname === "/v2") return new Response("Hrana over HTTP, version 2 (JSON)");
        if (pathname !== "/v2/pipeline") return errorResponse(404, `Not found: ${pathname}`, "NOT_FOUND");
        if (request.method !== "POST") return errorResponse(405, "Use POST for /v2/pipeline", "METHOD_NOT_ALLOWED");
        if (options.authToken !== undefined && request.headers.get("authorization") !== `Bearer ${options.authToken}`) {
          return errorResponse(401, "Missing or wrong bearer token", "UNAUTHORIZED");
        }
        if (closed) return errorResponse(503, "The server is shutting down", "SERVER_CLOSED");
        return await handlePipeline(request);
      } catch (error) {
        // never let one request take the process down; the client sees the error instead
        const { message } = toHranaError(error);
        return errorResponse(500, message, "INTERNAL_ERROR");
      }
    },

    close() {
      if (closed) return;
      closed = true;
      for (const { expiry } of parkedStreams.values()) clearTimeout(expiry);
      parkedStreams.clear();
      idleConnections.length = 0;
      // includes connections of requests still running; their next statement fails with STREAM_CLOSED
      for (const connection of connections) connection.close();
      connections.clear();
    },
  };
}

/** JSON `{ message, code }`: the client turns it into an error carrying that code. */
function errorResponse(status: number, message: string, code: string): Response {
  return Response.json({ message, code }, { status });
}
