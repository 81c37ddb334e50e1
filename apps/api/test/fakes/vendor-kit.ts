// What every vendor fake shares: the record of calls, the scripts that override the vendor, the control paths, and
// the rate limiters. WHATWG Request/Response only, so a fake runs the same in workerd (behind miniflare's
// outboundService, fakes.node.ts) and in Node (serve.node.ts).
//
// Control paths, on each vendor's host (a key is what identifies one integration at that vendor; see each fake):
//   POST /__script/<key>    body: VendorStep[]; the key's next calls answer the steps in turn, the last one repeating.
//                           A step is a scripted-receiver Step ({status, body, headers, delayMs, drop}) or
//                           {"vendor": true}: answer as the vendor would. Script [{"vendor": true}] to reset.
//   GET  /__requests/<key>  every call for the key: VendorCall[] (accepted, refused and scripted alike)
//   GET  /__requests        every call to this vendor
import { DROPPED_CONNECTION_HEADER, type ReceivedCall, type Step } from "../scenarios/scripted-receiver";

export type VendorStep = Step | { vendor: true };

export interface VendorCall extends ReceivedCall {
  key: string;
  status: number;
  /** The vendor took the message (for Teams: the card would post, see msteams.ts). */
  accepted: boolean;
  /** Why it was refused, in the vendor's words; "scripted" when a script answered. */
  reason?: string;
}

/** A fake's answer to one call, and whether the vendor would have taken the message. */
export interface Verdict {
  status: number;
  body?: string | null;
  headers?: Record<string, string>;
  accepted: boolean;
  reason?: string;
}

export interface VendorFake {
  /** The key a call belongs to (its webhook, routing key or token); "" when the call names none. */
  keyOf(call: ReceivedCall, url: URL): string;
  /** How the vendor answers the call. */
  answer(call: ReceivedCall, url: URL, key: string): Verdict;
  /** Extra read-only control paths (`GET /__<name>/<key>`), e.g. PagerDuty's incidents. */
  inspect?(name: string, key: string): unknown;
}

export type Clock = () => number;

export const json = (value: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } });

export const jsonVerdict = (
  value: unknown,
  status: number,
  extra: { accepted?: boolean; reason?: string; headers?: Record<string, string> } = {},
): Verdict => ({
  status,
  body: JSON.stringify(value),
  headers: { "content-type": "application/json", ...extra.headers },
  accepted: extra.accepted ?? (status >= 200 && status <= 299),
  ...(extra.reason === undefined ? {} : { reason: extra.reason }),
});

export const textVerdict = (text: string, status: number, headers: Record<string, string> = {}): Verdict => ({
  status,
  body: text,
  headers: { "content-type": "text/plain; charset=utf-8", ...headers },
  accepted: status >= 200 && status <= 299,
  ...(status >= 200 && status <= 299 ? {} : { reason: text }),
});

/** Serves one vendor: control paths, then the key's script if any, then the vendor itself; records every call. */
export class VendorEndpoint {
  private readonly calls: VendorCall[] = [];
  private readonly scripts = new Map<string, { steps: VendorStep[]; used: number }>();

  constructor(
    private readonly fake: VendorFake,
    private readonly now: Clock,
  ) {}

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const control = await this.control(request, url);
    if (control) return control;
    const call: ReceivedCall = {
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: request.method === "GET" || request.method === "HEAD" ? "" : await request.text(),
      at: this.now(),
    };
    const key = this.fake.keyOf(call, url);
    const step = this.nextStep(key);
    if (step && !("vendor" in step)) return this.scripted(step, call, key);
    const verdict = this.fake.answer(call, url, key);
    this.calls.push({
      ...call,
      key,
      status: verdict.status,
      accepted: verdict.accepted,
      ...(verdict.reason === undefined ? {} : { reason: verdict.reason }),
    });
    return new Response(emptyStatus(verdict.status) ? null : (verdict.body ?? null), {
      status: verdict.status,
      headers: verdict.headers ?? {},
    });
  }

  script(key: string, steps: VendorStep[]): void {
    this.scripts.set(key, { steps, used: 0 });
  }

  received(key?: string): VendorCall[] {
    return key === undefined ? [...this.calls] : this.calls.filter((call) => call.key === key);
  }

  private async control(request: Request, url: URL): Promise<Response | undefined> {
    const match = /^\/__([a-z]+)(?:\/(.*))?$/.exec(url.pathname);
    if (!match) return undefined;
    const [, name, rawKey] = match;
    const key = rawKey === undefined ? undefined : decodeURIComponent(rawKey);
    if (name === "script" && key !== undefined && request.method === "POST") {
      this.script(key, (await request.json()) as VendorStep[]);
      return json({ ok: true });
    }
    if (name === "requests" && request.method === "GET") return json(this.received(key));
    const inspected = key === undefined ? undefined : this.fake.inspect?.(name ?? "", key);
    return inspected === undefined ? json({ message: "unknown control path" }, 404) : json(inspected);
  }

  private nextStep(key: string): VendorStep | undefined {
    const script = this.scripts.get(key);
    if (!script || script.steps.length === 0) return undefined;
    const step = script.steps[Math.min(script.used, script.steps.length - 1)];
    script.used += 1;
    return step;
  }

  private async scripted(step: Step, call: ReceivedCall, key: string): Promise<Response> {
    const status = step.status ?? 200;
    this.calls.push({ ...call, key, status, accepted: false, reason: "scripted" });
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    // As hooks.test: miniflare must answer, so a drop is a marked answer the harness turns into a lost connection.
    if (step.drop) return new Response(null, { status: 502, headers: { [DROPPED_CONNECTION_HEADER]: "1" } });
    return new Response(emptyStatus(status) ? null : (step.body ?? ""), { status, headers: step.headers ?? {} });
  }
}

function emptyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}

/** A token bucket per key: `burst` calls at once, refilled at `perSecond`. */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {}

  /** Takes a token, or says how many milliseconds until one is there. */
  take(key: string, nowMs: number): { ok: true } | { ok: false; waitMs: number } {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    const tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: nowMs });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: nowMs });
    return { ok: false, waitMs: Math.ceil(((1 - tokens) / this.perSecond) * 1000) };
  }
}

/** A fixed window per key opened by its first call, as Discord's buckets: `limit` calls per `windowMs`. */
export class FixedWindows {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(key: string, nowMs: number): { ok: boolean; remaining: number; resetAfterMs: number; resetAt: number } {
    const open = this.windows.get(key);
    const window = open && open.resetAt > nowMs ? open : { count: 0, resetAt: nowMs + this.windowMs };
    const ok = window.count < this.limit;
    if (ok) window.count += 1;
    this.windows.set(key, window);
    return { ok, remaining: this.limit - window.count, resetAfterMs: window.resetAt - nowMs, resetAt: window.resetAt };
  }
}

/** A sliding window per key: at most `limit` calls in any `windowMs`, as PagerDuty's look-back minute. */
export class SlidingWindows {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  take(key: string, nowMs: number): boolean {
    const recent = (this.seen.get(key) ?? []).filter((at) => at > nowMs - this.windowMs);
    const ok = recent.length < this.limit;
    if (ok) recent.push(nowMs);
    this.seen.set(key, recent);
    return ok;
  }
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isJsonContentType(headers: Record<string, string>): boolean {
  return /^application\/json\b/i.test(headers["content-type"] ?? "");
}
