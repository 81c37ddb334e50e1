import { describe, expect, it } from "vitest";
import { DISCORD_ANSWERS } from "../fakes/discord";
import { MAX_TEAMS_MESSAGE_BYTES, MSTEAMS_ANSWERS } from "../fakes/msteams";
import { SLACK_ANSWERS, SLACK_BURST } from "../fakes/slack";
import { classified, vendors } from "./vendor-fakes.setup";

// The chat vendors' fakes: Slack, Teams Workflows and Discord, each documented answer and rate limit.

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
