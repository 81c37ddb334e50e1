import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  createHeraldClient,
  DEFAULT_RETRY_POLICY,
  HeraldError,
  isReplaySafe,
  parseRetryAfter,
  retryDelay,
} from "../src/index";
import { createTransport, type RetryPolicy } from "../src/transport";
import { fakeFetch, json } from "./fake-fetch";

const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const clock = (random = 0.5) => ({ now: () => Date.parse("2026-01-01T00:00:00Z"), random: () => random });
const unavailable = () => json({ error: "service_unavailable" }, 503);
const notification = { id: "N1", type: "incidents/alerts" };
const sendBody = { type: "incidents/alerts", notification_data: {}, asset_data: {}, payload: {} };

/** A client whose retries wait 1 ms, talking to a scripted fetch. */
function client(steps: Parameters<typeof fakeFetch>[0], retries?: number) {
  const fake = fakeFetch(steps);
  const herald = createHeraldClient({
    baseUrl: "https://herald.test",
    token: "T",
    accountId: "12345678",
    fetch: fake.fetch,
    retryDelay: { baseMs: 1, maxMs: 5 },
    ...(retries !== undefined ? { retries } : {}),
  });
  return { herald, requests: fake.requests };
}

describe("backoff", () => {
  it("doubles from the base delay, with jitter between half and all of it, up to the maximum", () => {
    expect(backoffDelay(0, policy, () => 0)).toBe(50);
    expect(backoffDelay(0, policy, () => 1)).toBe(100);
    expect(backoffDelay(2, policy, () => 1)).toBe(400);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(600);
    expect(backoffDelay(10, policy, () => 1)).toBe(1_000);
  });

  it("defaults to 3 retries", () => {
    expect(DEFAULT_RETRY_POLICY.retries).toBe(3);
  });
});

describe("Retry-After", () => {
  it("reads delay-seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3_000);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("replaces the backoff, and is not waited for when it asks for more than the maximum delay", () => {
    const answer = (value: string) => new Response(null, { status: 503, headers: { "retry-after": value } });
    expect(retryDelay(0, answer("1"), policy, clock())).toBe(1_000);
    expect(retryDelay(0, answer("2"), policy, clock())).toBeUndefined();
    expect(retryDelay(0, new Response(null, { status: 503 }), policy, clock())).toBe(75);
  });

  it("is honoured by the transport", async () => {
    const fake = fakeFetch([new Response(null, { status: 429, headers: { "retry-after": "2" } }), json({})]);
    const waits: number[] = [];
    const send = createTransport({
      fetch: fake.fetch,
      policy: { ...policy, maxDelayMs: 5_000 },
      tokens: { token: async () => "T", invalidate: () => false },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    const response = await send(new Request("https://herald.test/herald/v2/notification_types"));
    expect(response.status).toBe(200);
    expect(waits).toEqual([2_000]);
  });
});

describe("what is retried", () => {
  it("retries 429, 502, 503, 504 and network errors; nothing else", () => {
    for (const status of [429, 502, 503, 504]) {
      expect(retryDelay(0, new Response(null, { status }), policy, clock())).toBeTypeOf("number");
    }
    for (const status of [400, 401, 404, 409, 500, 501]) {
      expect(retryDelay(0, new Response(null, { status }), policy, clock())).toBeUndefined();
    }
    expect(retryDelay(0, undefined, policy, clock())).toBeTypeOf("number");
    expect(retryDelay(3, undefined, policy, clock())).toBeUndefined();
  });

  it("only replays GET, HEAD and requests carrying an Idempotency-Key", () => {
    const url = "https://herald.test/x";
    expect(isReplaySafe(new Request(url))).toBe(true);
    expect(isReplaySafe(new Request(url, { method: "HEAD" }))).toBe(true);
    expect(isReplaySafe(new Request(url, { method: "POST" }))).toBe(false);
    expect(isReplaySafe(new Request(url, { method: "DELETE" }))).toBe(false);
    expect(isReplaySafe(new Request(url, { method: "POST", headers: { "Idempotency-Key": "k" } }))).toBe(true);
  });

  it("retries a GET until it succeeds", async () => {
    const { herald, requests } = client([
      unavailable(),
      new Response("bad gateway", { status: 502 }),
      json(notification),
    ]);
    await expect(herald.getNotification("N1")).resolves.toEqual(notification);
    expect(requests).toHaveLength(3);
    expect(requests.every((request) => request.headers["x-aims-auth-token"] === "T")).toBe(true);
  });

  it("gives up after `retries` retries and throws the last answer", async () => {
    const { herald, requests } = client([unavailable()], 2);
    const error = await herald.getNotificationTypes().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toMatchObject({ status: 503, operation: "get_notification_types" });
    expect(requests).toHaveLength(3);
  });

  it("retries network errors of a GET, then rethrows the last one", async () => {
    const { herald, requests } = client([new TypeError("fetch failed")]);
    await expect(herald.getNotificationTypes()).rejects.toThrow("fetch failed");
    expect(requests).toHaveLength(4);

    const recovering = client([new TypeError("fetch failed"), json({ notification_types: [] })]);
    await expect(recovering.herald.getNotificationTypes()).resolves.toEqual({ notification_types: [] });
  });

  it("never retries a send without an Idempotency-Key", async () => {
    const { herald, requests } = client([unavailable(), json(notification, 202)]);
    await expect(herald.sentNotification(sendBody)).rejects.toMatchObject({ status: 503 });
    expect(requests).toHaveLength(1);

    const dropped = client([new TypeError("fetch failed"), json(notification, 202)]);
    await expect(dropped.herald.sentNotification(sendBody)).rejects.toThrow("fetch failed");
    expect(dropped.requests).toHaveLength(1);
  });

  it("retries a send with a generated Idempotency-Key, sending the same key and body each time", async () => {
    const { herald, requests } = client([unavailable(), new TypeError("reset"), json(notification, 202)]);
    await expect(herald.sentNotification(sendBody, { idempotencyKey: true })).resolves.toEqual(notification);
    expect(requests).toHaveLength(3);
    const keys = new Set(requests.map((request) => request.headers["idempotency-key"]));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requests.every((request) => JSON.parse(request.body).type === "incidents/alerts")).toBe(true);

    const second = client([json(notification, 202)]);
    await second.herald.sendNotification(sendBody, { idempotencyKey: true });
    expect(second.requests[0]!.headers["idempotency-key"]).not.toBe([...keys][0]);
  });

  it("uses a given Idempotency-Key as is", async () => {
    const { herald, requests } = client([new Response(null, { status: 504 }), json(notification, 202)]);
    await herald.sendNotification(sendBody, { idempotencyKey: "incident-L-1" });
    expect(requests.map((request) => request.headers["idempotency-key"])).toEqual(["incident-L-1", "incident-L-1"]);
  });

  it("does not retry once the caller aborts", async () => {
    const controller = new AbortController();
    const { herald, requests } = client([
      () => {
        controller.abort();
        throw new DOMException("aborted", "AbortError");
      },
    ]);
    await expect(herald.getNotificationTypes({ signal: controller.signal })).rejects.toThrow();
    expect(requests).toHaveLength(1);
  });
});
