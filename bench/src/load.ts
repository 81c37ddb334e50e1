// Closed-loop HTTP load (scenarios 1 to 4) with autocannon, run in this process: `connections` keep-alive
// connections, each sending its next request as soon as the previous one is answered.
import autocannon from "autocannon";

export interface LoadRequest {
  url: string;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  /** 2xx answers per second (200 for reads, 202 for sends). */
  perSecond: number;
  served: number;
  /** Answers with another status, connection errors, timeouts, and requests unanswered when the window closed. */
  failed: number;
  /** Requests autocannon had sent and not seen answered when the window closed (it abandons them). */
  unanswered: number;
  latencyMs: { p50: number; p99: number; max: number };
  seconds: number;
}

function run(request: LoadRequest, connections: number, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: request.url,
    method: request.method ?? "GET",
    headers: request.headers ?? {},
    ...(request.body === undefined ? {} : { body: request.body }),
    connections,
    duration: seconds,
    timeout: 30,
  });
}

/** Warms the route up unmeasured for `warmupSeconds`, then measures it for `seconds`. */
export async function measureLoad(
  request: LoadRequest,
  options: { connections: number; seconds: number; warmupSeconds: number },
): Promise<LoadResult> {
  if (options.warmupSeconds > 0) await run(request, options.connections, options.warmupSeconds);
  const result = await run(request, options.connections, options.seconds);
  const served = result["2xx"];
  const unanswered = Math.max(0, result.requests.sent - result.requests.total - result.errors);
  return {
    perSecond: served / result.duration,
    served,
    failed: result.non2xx + result.errors + unanswered,
    unanswered,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    seconds: result.duration,
  };
}
