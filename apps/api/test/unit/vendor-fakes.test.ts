import { describe, expect, it } from "vitest";
import { classifyChannelAnswer } from "../../src/delivery/channels/outcomes";
import { DISCORD_ANSWERS } from "../fakes/discord";
import { MAX_TEAMS_MESSAGE_BYTES, MSTEAMS_ANSWERS } from "../fakes/msteams";
import { PAGERDUTY_ANSWERS, type PagerDutyAlert } from "../fakes/pagerduty";
import { SLACK_ANSWERS, SLACK_BURST } from "../fakes/slack";
import { SPLUNK_HEC_ANSWERS } from "../fakes/splunk-hec";
import type { VendorCall, VendorStep } from "../fakes/vendor-kit";
import { createVendorFakes, loopbackToVendorUrl } from "../fakes/vendors";

// The vendor fakes, called directly (one fresh set per test, on a clock the test moves), so each documented answer
// and each rate limit is checked without waiting. channels.test.ts reaches them through miniflare's outboundService,
// as the Worker's calls do.

const START_MS = Date.UTC(2026, 11, 2, 12, 0, 0);

function vendors() {
  let nowMs = START_MS;
  const fakes = createVendorFakes({ now: () => nowMs });
  const call = async (url: string, init: RequestInit = {}) => {
    const answer = await fakes.fetch(new Request(url, init));
    if (!answer) throw new Error(`no fake for ${url}`);
    return answer;
  };
  const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
    call(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const script = (host: string, key: string, steps: VendorStep[]) =>
    postJson(`https://${host}/__script/${encodeURIComponent(key)}`, steps);
  const requests = async (host: string, key: string) =>
    (await (await call(`https://${host}/__requests/${encodeURIComponent(key)}`)).json()) as VendorCall[];
  return { fakes, call, postJson, script, requests, advance: (ms: number) => (nowMs += ms), now: () => nowMs };
}

async function classified(type: Parameters<typeof classifyChannelAnswer>[0], answer: Response, nowMs: number) {
  return classifyChannelAnswer(
    type,
    { status: answer.status, headers: answer.headers, body: await answer.text() },
    nowMs,
  );
}

describe("Slack incoming webhooks", () => {
  const KEY = "T0001/B0001/abcDEF123";
  const URL_ = `https://hooks.slack.com/services/${KEY}`;
  const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });

  it("answers 200 ok (text/plain) to text and to blocks, and records both as accepted", async () => {
    const { postJson, requests, advance } = vendors();
    const first = await postJson(URL_, { text: "hello" });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(await first.text()).toBe("ok");
    advance(1000);
    const blocks = [
      { type: "header", text: { type: "plain_text", text: "h".repeat(150) } },
      section("s".repeat(3000)),
      { type: "section", fields: Array.from({ length: 10 }, () => ({ type: "mrkdwn", text: "f".repeat(2000) })) },
      { type: "divider" },
      { type: "context", elements: [{ type: "mrkdwn", text: "ctx" }] },
    ];
    const second = await postJson(URL_, { text: "fallback", blocks });
    expect([second.status, await second.text()]).toEqual([200, "ok"]);
    const calls = await requests("hooks.slack.com", KEY);
    expect(calls.map((c) => [c.status, c.accepted])).toEqual([
      [200, true],
      [200, true],
    ]);
    expect(JSON.parse(calls[0]?.body ?? "")).toEqual({ text: "hello" });
    expect(calls[0]?.headers["content-type"]).toBe("application/json");
  });

  it.each([
    ["a body that is not JSON", "{not json", "invalid_payload"],
    ["neither text nor blocks", { username: "x" }, "no_text"],
    ["blocks that are not a list", { blocks: "nope" }, "invalid_blocks_format"],
    ["51 blocks", { blocks: Array.from({ length: 51 }, () => section("x")) }, "invalid_blocks"],
    ["section text over 3,000", { blocks: [section("x".repeat(3001))] }, "invalid_blocks"],
    [
      "header text over 150",
      { blocks: [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }] },
      "invalid_blocks",
    ],
    ["a mrkdwn header", { blocks: [{ type: "header", text: { type: "mrkdwn", text: "x" } }] }, "invalid_blocks"],
    [
      "11 fields",
      { blocks: [{ type: "section", fields: Array.from({ length: 11 }, () => ({ type: "mrkdwn", text: "f" })) }] },
      "invalid_blocks",
    ],
    [
      "a field over 2,000",
      { blocks: [{ type: "section", fields: [{ type: "mrkdwn", text: "f".repeat(2001) }] }] },
      "invalid_blocks",
    ],
    ["an unknown block type", { blocks: [{ type: "carousel" }] }, "invalid_blocks"],
    ["a section with neither text nor fields", { blocks: [{ type: "section" }] }, "invalid_blocks"],
  ])("refuses %s with 400 %s", async (_name, body, word) => {
    const { postJson, requests } = vendors();
    const answer = await postJson(URL_, body);
    expect([answer.status, await answer.text()]).toEqual([400, word]);
    expect((await requests("hooks.slack.com", KEY)).map((c) => [c.accepted, c.reason])).toEqual([[false, word]]);
  });

  it("refuses a body that is not sent as JSON", async () => {
    const { call } = vendors();
    const answer = await call(URL_, { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
    expect([answer.status, await answer.text()]).toEqual([400, "invalid_payload"]);
  });

  it("answers 404 no_service to a path that is no webhook", async () => {
    const { postJson } = vendors();
    const answer = await postJson("https://hooks.slack.com/services/nope", { text: "x" });
    expect([answer.status, await answer.text()]).toEqual([404, "no_service"]);
  });

  it("answers scripted deleted and archived webhooks, which the classifier disables, until reset", async () => {
    const { postJson, script, now } = vendors();
    await script("hooks.slack.com", KEY, [SLACK_ANSWERS.deleted]);
    const deleted = await postJson(URL_, { text: "x" });
    expect(deleted.status).toBe(404);
    expect(await classified("slack", deleted, now())).toEqual({
      kind: "permanent",
      reason: "Slack: no_service",
      disableIntegration: true,
    });
    await script("hooks.slack.com", KEY, [SLACK_ANSWERS.archived, { vendor: true }]);
    const archived = await postJson(URL_, { text: "x" });
    expect([archived.status, await archived.text()]).toEqual([410, "channel_is_archived"]);
    const back = await postJson(URL_, { text: "x" });
    expect([back.status, await back.text()]).toEqual([200, "ok"]);
  });

  it(`lets a burst of ${SLACK_BURST} through, then answers 429 with Retry-After: 1, which classifies as rate limited`, async () => {
    const { postJson, now } = vendors();
    const answers = [];
    for (let i = 0; i < 10; i += 1) answers.push(await postJson(URL_, { text: `burst ${i}` }));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(SLACK_BURST);
    expect(statuses.slice(SLACK_BURST).every((status) => status === 429)).toBe(true);
    const limited = answers[SLACK_BURST] as Response;
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(await classified("slack", limited, now())).toEqual({
      kind: "retry",
      reason: "Slack: rate_limited (HTTP 429)",
      rateLimited: true,
      retryAfterSeconds: 1,
    });
  });

  it("accepts calls spaced a second apart, however many, and limits each webhook on its own", async () => {
    const { postJson, advance } = vendors();
    for (let i = 0; i < 10; i += 1) {
      expect((await postJson(URL_, { text: `spaced ${i}` })).status).toBe(200);
      advance(1000);
    }
    for (let i = 0; i < SLACK_BURST; i += 1) await postJson(URL_, { text: "drain" });
    expect((await postJson(URL_, { text: "limited" })).status).toBe(429);
    expect((await postJson("https://hooks.slack.com/services/T0001/B0002/other", { text: "x" })).status).toBe(200);
  });
});

describe("Teams Workflows", () => {
  const ID = "0123456789abcdef0123456789abcdef";
  const QUERY = "api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=s3cr3t";
  const URL_ = `https://prod-00.westus.logic.azure.com/workflows/${ID}/triggers/manual/paths/invoke?${QUERY}`;
  const card = (body: unknown[] = [{ type: "TextBlock", text: "hi" }]) => ({
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        content: { type: "AdaptiveCard", version: "1.4", body },
      },
    ],
  });

  it("answers 202 to an Adaptive Card message and records it as accepted, on either host", async () => {
    const { postJson, requests } = vendors();
    const answer = await postJson(URL_, card());
    expect(answer.status).toBe(202);
    expect(await answer.text()).toBe("");
    const platform = `https://default0123.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/${ID}/triggers/manual/paths/invoke?${QUERY}`;
    expect((await postJson(platform, card())).status).toBe(202);
    expect((await requests(new URL(URL_).host, ID)).map((c) => c.accepted)).toEqual([true, true]);
  });

  it.each([
    ["a message without attachments", { type: "message", attachments: [] }, "attachments must hold an Adaptive Card"],
    ["a card without type message", { ...card(), type: "card" }, 'type must be "message"'],
    [
      "a legacy MessageCard",
      {
        type: "message",
        attachments: [{ contentType: "application/vnd.microsoft.teams.card.o365connector", content: {} }],
      },
      "attachment contentType must be application/vnd.microsoft.card.adaptive",
    ],
  ])("answers 202 to %s, as Teams does, but records that it would not post", async (_name, body, reason) => {
    const { postJson, requests } = vendors();
    expect((await postJson(URL_, body)).status).toBe(202);
    expect((await requests(new URL(URL_).host, ID)).map((c) => [c.accepted, c.reason])).toEqual([[false, reason]]);
  });

  it("records a message over 28 KB as too large", async () => {
    const { postJson, requests } = vendors();
    const big = card([{ type: "TextBlock", text: "x".repeat(MAX_TEAMS_MESSAGE_BYTES) }]);
    expect((await postJson(URL_, big)).status).toBe(202);
    expect((await requests(new URL(URL_).host, ID))[0]?.reason).toMatch(/^Request Entity too large/);
  });

  it("refuses what the trigger itself checks: signature, api-version, JSON", async () => {
    const { postJson } = vendors();
    const unsigned = await postJson(URL_.replace("&sig=s3cr3t", ""), card());
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: { code: string } }).error.code).toBe("DirectApiAuthorizationRequired");
    const unversioned = await postJson(URL_.replace("api-version=2016-06-01&", ""), card());
    expect(unversioned.status).toBe(400);
    const garbled = await postJson(URL_, "{oops");
    expect(garbled.status).toBe(400);
    expect(((await garbled.json()) as { error: { code: string } }).error.code).toBe("InvalidRequestContent");
  });

  it("answers a scripted deleted workflow with 404 WorkflowNotFound, which the classifier disables", async () => {
    const { postJson, script, now } = vendors();
    await script(new URL(URL_).host, ID, [MSTEAMS_ANSWERS.deleted]);
    const answer = await postJson(URL_, card());
    expect(await classified("msteams", answer, now())).toEqual({
      kind: "permanent",
      reason: "Teams: WorkflowNotFound: The workflow could not be found.",
      disableIntegration: true,
    });
  });
});

describe("Discord webhooks", () => {
  const ID = "1180000000000000123";
  const URL_ = `https://discord.com/api/webhooks/${ID}/tok_EN-123`;

  it("answers 204, or 200 with the message when wait=true, on discord.com and discordapp.com", async () => {
    const { postJson, advance } = vendors();
    const plain = await postJson(URL_, { content: "hello" });
    expect(plain.status).toBe(204);
    expect(plain.headers.get("x-ratelimit-limit")).toBe("5");
    const waited = await postJson(`${URL_}?wait=true`, { embeds: [{ title: "t", description: "d" }] });
    expect(waited.status).toBe(200);
    expect(await waited.json()).toMatchObject({ webhook_id: ID, embeds: [{ title: "t" }] });
    advance(2000);
    expect((await postJson(URL_.replace("discord.com", "discordapp.com"), { content: "x" })).status).toBe(204);
  });

  const embed = (fields: Record<string, unknown>) => ({ embeds: [{ title: "t", ...fields }] });

  it.each([
    ["content over 2,000", { content: "x".repeat(2001) }, { content: { _errors: [expect.anything()] } }],
    [
      "11 embeds",
      { embeds: Array.from({ length: 11 }, () => ({ title: "t" })) },
      { embeds: { _errors: [expect.anything()] } },
    ],
    ["a title over 256", embed({ title: "x".repeat(257) }), { embeds: { "0": { title: expect.anything() } } }],
    [
      "a description over 4,096",
      embed({ description: "x".repeat(4097) }),
      { embeds: { "0": { description: expect.anything() } } },
    ],
    [
      "26 fields",
      embed({ fields: Array.from({ length: 26 }, () => ({ name: "n", value: "v" })) }),
      { embeds: { "0": { fields: { _errors: [expect.anything()] } } } },
    ],
    [
      "a field name over 256",
      embed({ fields: [{ name: "x".repeat(257), value: "v" }] }),
      { embeds: { "0": { fields: { "0": { name: expect.anything() } } } } },
    ],
    [
      "a field value over 1,024",
      embed({ fields: [{ name: "n", value: "x".repeat(1025) }] }),
      { embeds: { "0": { fields: { "0": { value: expect.anything() } } } } },
    ],
    [
      "a footer over 2,048",
      embed({ footer: { text: "x".repeat(2049) } }),
      { embeds: { "0": { footer: { text: expect.anything() } } } },
    ],
    [
      "embeds over 6,000 characters in all",
      { embeds: [{ description: "x".repeat(4000) }, { description: "x".repeat(2001) }] },
      {
        embeds: { _errors: [{ code: "MAX_EMBED_SIZE_EXCEEDED", message: "Embed size exceeds maximum size of 6000" }] },
      },
    ],
  ])("refuses %s with 400 Invalid Form Body (50035)", async (_name, body, errors) => {
    const { postJson } = vendors();
    const answer = await postJson(URL_, body);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ message: "Invalid Form Body", code: 50035, errors });
  });

  it("refuses an empty message (50006) and bad JSON (50109)", async () => {
    const { postJson } = vendors();
    expect(await (await postJson(URL_, { username: "x" })).json()).toEqual({
      message: "Cannot send an empty message",
      code: 50006,
    });
    const garbled = await postJson(URL_, "{oops");
    expect([garbled.status, ((await garbled.json()) as { code: number }).code]).toEqual([400, 50109]);
  });

  it("answers 404 Unknown Webhook to a malformed id and to a scripted deleted webhook", async () => {
    const { postJson, script, now } = vendors();
    const malformed = await postJson("https://discord.com/api/webhooks/abc/def", { content: "x" });
    expect([malformed.status, await malformed.json()]).toEqual([404, { message: "Unknown Webhook", code: 10015 }]);
    await script("discord.com", ID, [DISCORD_ANSWERS.deleted]);
    const deleted = await postJson(URL_, { content: "x" });
    expect(await classified("discord", deleted, now())).toEqual({
      kind: "permanent",
      reason: "Discord: Unknown Webhook (10015)",
      disableIntegration: true,
    });
  });

  it("allows 5 calls per 2 s per webhook, then answers 429 with retry_after and Retry-After", async () => {
    const { postJson, advance, now } = vendors();
    for (let i = 0; i < 5; i += 1) expect((await postJson(URL_, { content: `${i}` })).status).toBe(204);
    advance(500);
    const limited = await postJson(URL_, { content: "sixth" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("2");
    const body = (await limited.clone().json()) as { message: string; retry_after: number; global: boolean };
    expect(body).toEqual({ message: "You are being rate limited.", retry_after: 1.5, global: false });
    expect(await classified("discord", limited, now())).toEqual({
      kind: "retry",
      reason: "Discord: You are being rate limited.",
      rateLimited: true,
      retryAfterSeconds: 2,
    });
    advance(1500);
    expect((await postJson(URL_, { content: "after the window" })).status).toBe(204);
  });
});

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
