import { describe, expect, it } from "vitest";
import { PAGERDUTY_ANSWERS, type PagerDutyAlert } from "../fakes/pagerduty";
import { SPLUNK_HEC_ANSWERS } from "../fakes/splunk-hec";
import { loopbackToVendorUrl } from "../fakes/vendors";
import { classified, vendors } from "./vendor-fakes.setup";

// The incident and log vendors' fakes: PagerDuty's Events API v2 and Splunk's HTTP Event Collector, and the loopback
// layout the Node runtime's tests reach every fake through.

describe("PagerDuty Events API v2", () => {
  const KEY = "R0123456789abcdef0123456789abcd0";
  const URL_ = "https://events.pagerduty.com/v2/enqueue";
  const trigger = (dedupKey?: string, payload: Record<string, unknown> = {}) => ({
    routing_key: KEY,
    event_action: "trigger",
    ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
    payload: { summary: "Disk full on db-1", source: "db-1", severity: "critical", ...payload },
  });
  const incidents = async (call: ReturnType<typeof vendors>["call"]) =>
    (await (await call(`https://events.pagerduty.com/__incidents/${KEY}`)).json()) as PagerDutyAlert[];

  it("answers 202 success to a trigger and opens one alert; repeats join it; resolve resolves it", async () => {
    const { postJson, call } = vendors();
    const answer = await postJson(URL_, trigger("inc-1"));
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "inc-1" });
    await postJson(URL_, trigger("inc-1"));
    expect(await incidents(call)).toMatchObject([
      { dedupKey: "inc-1", status: "triggered", severity: "critical", source: "db-1", summary: "Disk full on db-1" },
    ]);
    expect((await postJson(URL_, { routing_key: KEY, event_action: "resolve", dedup_key: "inc-1" })).status).toBe(202);
    const [alert] = await incidents(call);
    expect(alert?.status).toBe("resolved");
    expect(alert?.events.map((event) => event.action)).toEqual(["trigger", "trigger", "resolve"]);
  });

  it("opens a new alert for a trigger after a resolve, drops a resolve with no open alert, and makes dedup keys", async () => {
    const { postJson, call } = vendors();
    await postJson(URL_, trigger("inc-2"));
    await postJson(URL_, { routing_key: KEY, event_action: "resolve", dedup_key: "inc-2" });
    await postJson(URL_, trigger("inc-2"));
    expect((await postJson(URL_, { routing_key: KEY, event_action: "acknowledge", dedup_key: "none" })).status).toBe(
      202,
    );
    const made = (await (await postJson(URL_, trigger())).json()) as { dedup_key: string };
    expect(made.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect((await incidents(call)).map((alert) => [alert.dedupKey, alert.status])).toEqual([
      ["inc-2", "resolved"],
      ["inc-2", "triggered"],
      [made.dedup_key, "triggered"],
    ]);
  });

  it("serves the EU host too", async () => {
    const { postJson } = vendors();
    expect((await postJson("https://events.eu.pagerduty.com/v2/enqueue", trigger("eu"))).status).toBe(202);
  });

  it.each([
    [
      "a short routing key",
      { ...trigger("k"), routing_key: "abc" },
      "Length of 'routing_key' is incorrect (should be 32 characters)",
    ],
    [
      "an unknown action",
      { ...trigger("k"), event_action: "escalate" },
      "'event_action' is invalid (must be one of: trigger, acknowledge, resolve)",
    ],
    [
      "a dedup key over 255",
      trigger("k".repeat(256)),
      "'dedup_key' is invalid (must be a string of at most 255 characters)",
    ],
    ["a resolve without dedup key", { routing_key: KEY, event_action: "resolve" }, "'dedup_key' is missing or blank"],
    [
      "a summary over 1,024",
      trigger("k", { summary: "s".repeat(1025) }),
      "'payload.summary' is too long (maximum is 1024 characters)",
    ],
    ["no source", trigger("k", { source: "" }), "'payload.source' is missing or blank"],
    [
      "an unknown severity",
      trigger("k", { severity: "high" }),
      "'payload.severity' is invalid (must be one of: critical, error, warning, info)",
    ],
    ["a trigger without payload", { routing_key: KEY, event_action: "trigger" }, "'payload' is missing or blank"],
  ])("refuses %s with 400 invalid event", async (_name, body, error) => {
    const { postJson, call } = vendors();
    const answer = await postJson(URL_, body);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({
      status: "invalid event",
      message: "Event object is invalid",
      errors: [error],
    });
    expect(await incidents(call)).toEqual([]);
  });

  it("answers a scripted unknown routing key with 400 Invalid routing key, which the classifier disables", async () => {
    const { postJson, script, now } = vendors();
    await script("events.pagerduty.com", KEY, [PAGERDUTY_ANSWERS.unknownKey]);
    const answer = await postJson(URL_, trigger("k"));
    expect(await classified("pagerduty", answer, now())).toEqual({
      kind: "permanent",
      reason: "PagerDuty: Invalid routing key",
      disableIntegration: true,
    });
  });

  it("allows 120 events a minute per routing key, then answers 429 without Retry-After", async () => {
    const { postJson, advance, now } = vendors();
    for (let i = 0; i < 120; i += 1) {
      expect((await postJson(URL_, trigger(`r${i}`))).status).toBe(202);
      advance(100);
    }
    const limited = await postJson(URL_, trigger("one too many"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBeNull();
    expect(await classified("pagerduty", limited, now())).toMatchObject({
      kind: "retry",
      rateLimited: true,
      retryAfterSeconds: 30,
    });
    advance(60_000);
    expect((await postJson(URL_, trigger("a minute later"))).status).toBe(202);
  });
});

describe("Splunk HTTP Event Collector", () => {
  const TOKEN = "12345678-9abc-def0-1234-56789abcdef0";
  const URL_ = "https://splunk.test:8088/services/collector/event";
  // null sends no Authorization at all.
  const send = (v: ReturnType<typeof vendors>, body: string, authorization: string | null = `Splunk ${TOKEN}`) =>
    v.call(URL_, {
      method: "POST",
      headers: authorization === null ? {} : { authorization },
      body,
    });

  it("answers 200 Success to one or more concatenated events and keeps them", async () => {
    const v = vendors();
    const one = await send(v, JSON.stringify({ event: { id: 1 }, sourcetype: "herald" }));
    expect([one.status, await one.json()]).toEqual([200, { text: "Success", code: 0 }]);
    const two = await send(v, `${JSON.stringify({ event: "a" })}\n${JSON.stringify({ event: { b: "}{" } })}`);
    expect(two.status).toBe(200);
    const events = await (await v.call(`https://splunk.test:8088/__events/${TOKEN}`)).json();
    expect(events).toEqual([{ event: { id: 1 }, sourcetype: "herald" }, { event: "a" }, { event: { b: "}{" } }]);
    expect(await classified("splunk_hec", await send(v, '{"event":"c"}'), v.now())).toEqual({ kind: "delivered" });
  });

  it.each([
    ["no Authorization", '{"event":1}', null, 401, { text: "Token is required", code: 2 }],
    ["a Bearer Authorization", '{"event":1}', "Bearer abc", 401, { text: "Invalid authorization", code: 3 }],
    ["a token Splunk never issued", '{"event":1}', "Splunk not-a-token", 403, { text: "Invalid token", code: 4 }],
    ["an empty body", "  ", `Splunk ${TOKEN}`, 400, { text: "No data", code: 5 }],
    [
      "a body that is not JSON",
      "event=1",
      `Splunk ${TOKEN}`,
      400,
      { text: "Invalid data format", code: 6, "invalid-event-number": 0 },
    ],
    [
      "a second event without event",
      '{"event":1}{"time":2}',
      `Splunk ${TOKEN}`,
      400,
      { text: "Event field is required", code: 12, "invalid-event-number": 1 },
    ],
    [
      "a blank event",
      '{"event":""}',
      `Splunk ${TOKEN}`,
      400,
      { text: "Event field cannot be blank", code: 13, "invalid-event-number": 0 },
    ],
  ])("refuses %s", async (_name, body, authorization, status, expected) => {
    const v = vendors();
    const answer = await send(v, body, authorization);
    expect([answer.status, await answer.json()]).toEqual([status, expected]);
    expect(v.fakes.splunkHec.events(TOKEN)).toEqual([]);
  });

  it("answers a wrong token in a way the classifier disables, and a scripted busy server with 503 and Retry-After", async () => {
    const v = vendors();
    expect(await classified("splunk_hec", await send(v, '{"event":1}', "Splunk wrong"), v.now())).toEqual({
      kind: "permanent",
      reason: "Splunk HEC: Invalid token (code 4)",
      disableIntegration: true,
    });
    await v.script("splunk.test:8088", TOKEN, [SPLUNK_HEC_ANSWERS.serverBusy, { vendor: true }]);
    expect(await classified("splunk_hec", await send(v, '{"event":1}'), v.now())).toEqual({
      kind: "retry",
      reason: "Splunk HEC: Server is busy (code 9) (HTTP 503)",
      retryAfterSeconds: 5,
    });
    expect((await send(v, '{"event":1}')).status).toBe(200);
    expect((await v.requests("splunk.test:8088", TOKEN)).map((c) => [c.status, c.reason ?? null])).toEqual([
      [503, "scripted"],
      [200, null],
    ]);
  });
});

describe("the loopback layout", () => {
  it("maps /<type>/<vendor path> to the vendor's URL", () => {
    expect(loopbackToVendorUrl(new URL("http://127.0.0.1:1/slack/services/T1/B1/x"))?.href).toBe(
      "https://hooks.slack.com/services/T1/B1/x",
    );
    expect(loopbackToVendorUrl(new URL("http://127.0.0.1:1/pagerduty/v2/enqueue"))?.href).toBe(
      "https://events.pagerduty.com/v2/enqueue",
    );
    expect(
      loopbackToVendorUrl(new URL("http://127.0.0.1:1/msteams/workflows/a/triggers/manual/paths/invoke?sig=1"))?.href,
    ).toBe("https://prod-00.westus.logic.azure.com/workflows/a/triggers/manual/paths/invoke?sig=1");
    expect(loopbackToVendorUrl(new URL("http://127.0.0.1:1/splunk_hec/__events/t"))?.href).toBe(
      "https://splunk.test:8088/__events/t",
    );
    expect(loopbackToVendorUrl(new URL("http://127.0.0.1:1/hook-1"))).toBeUndefined();
  });
});
