// The HTTP layer under the generated client: the token header, retries with backoff, one token renewal on 401.

/** A fetch: the global one, a Worker's `SELF.fetch`, a service binding's `fetch`, ... */
export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** The first retry waits about this long; each one after waits twice as long as the one before. */
  baseDelayMs: number;
  /** No wait is longer; a `Retry-After` asking for more is not waited for (the error is thrown instead). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Statuses worth another try: rate limited, or a gateway or the service briefly unavailable. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export const AUTH_HEADER = "x-aims-auth-token";

/**
 * Whether sending `request` twice is harmless: GET and HEAD, and requests with an `Idempotency-Key` (Herald answers
 * the first result to a repeat). Other writes are never retried: a lost answer does not mean a lost request.
 */
export function isReplaySafe(request: Request): boolean {
  return request.method === "GET" || request.method === "HEAD" || request.headers.has("idempotency-key");
}

/** Exponential backoff with jitter: retry `n` (0-based) waits between half and all of min(max, base × 2^n). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Milliseconds a `Retry-After` value asks for (delay-seconds or an HTTP date); undefined when absent or invalid. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * How long to wait before retry `retry` (0-based) after `response`, or after a network error when it is undefined;
 * undefined when it should not be retried at all.
 */
export function retryDelay(
  retry: number,
  response: Response | undefined,
  policy: RetryPolicy,
  clock: { now: () => number; random: () => number },
): number | undefined {
  if (retry >= policy.retries) return undefined;
  if (response && !RETRYABLE_STATUSES.has(response.status)) return undefined;
  const asked = parseRetryAfter(response?.headers.get("retry-after"), clock.now());
  if (asked === undefined) return backoffDelay(retry, policy, clock.random);
  return asked <= policy.maxDelayMs ? asked : undefined;
}

/** Where the token comes from: fixed, or a login session that can be renewed. */
export interface TokenSource {
  token(): Promise<string>;
  /** Drops the current token so the next `token()` gets a new one; false when it cannot be renewed. */
  invalidate(): boolean;
}

export interface TransportOptions {
  fetch: FetchLike;
  policy: RetryPolicy;
  tokens: TokenSource;
  headers?: Record<string, string>;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SendOptions {
  /** Send the token (default true). */
  authenticate?: boolean;
  /** Overrides `isReplaySafe(request)`. */
  replaySafe?: boolean;
}

export type Transport = (request: Request, options?: SendOptions) => Promise<Response>;

export function createTransport(options: TransportOptions): Transport {
  const clock = { now: options.now ?? Date.now, random: options.random ?? Math.random };
  const sleep = options.sleep ?? abortableSleep;

  return async function send(request, { authenticate = true, replaySafe = isReplaySafe(request) } = {}) {
    // Buffered once, so every attempt can send it again.
    const body = request.body ? await request.arrayBuffer() : undefined;
    const signal = request.signal;
    let renewed = false;
    for (let retry = 0; ; ) {
      const headers = new Headers(options.headers);
      for (const [name, value] of request.headers) headers.set(name, value);
      if (authenticate) headers.set(AUTH_HEADER, await options.tokens.token());
      const attempt = new Request(request.url, {
        method: request.method,
        headers,
        body,
        signal,
        redirect: request.redirect,
      });

      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await options.fetch(attempt);
      } catch (error) {
        if (signal.aborted) throw error;
        failure = error;
      }

      // An expired or revoked token: nothing was done, so one new login and a resend is safe for any method.
      if (response?.status === 401 && authenticate && !renewed && options.tokens.invalidate()) {
        renewed = true;
        discard(response);
        continue;
      }

      const delay = replaySafe ? retryDelay(retry, response, options.policy, clock) : undefined;
      if (delay === undefined) {
        if (response) return response;
        throw failure;
      }
      if (response) discard(response);
      await sleep(delay, signal);
      retry += 1;
    }
  };
}

/** Frees the connection of an answer that will not be read; not awaited, since nothing depends on it. */
function discard(response: Response): void {
  response.body?.cancel().catch(() => {});
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
