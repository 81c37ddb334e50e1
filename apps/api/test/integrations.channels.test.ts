import type { RequestBody } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_WRITER, call, expectError, heraldAs, login, typedCall, unique } from "./helpers";
import { ANSWER_KEYS, integrationCount, SEALED, storedRow } from "./integrations.setup";
import { vendorUrls } from "./scenarios/channel.scenarios";
import { type IntegrationBody, ofType } from "./scenarios/harness";

// Alert-channel integrations through the API (issue #12): what each type takes, refuses and shows. Delivery to the
// vendors' fakes is scenarios/channel.scenarios.ts.

const ACCOUNT = "12345678";
const path = `/herald/v2/${ACCOUNT}/integrations`;
const ROUTING_KEY = "R0123456789ABCDEF0123456789ABCDE";
const HEC_TOKEN = "11111111-2222-3333-4444-555555555555";

let token: string;
beforeAll(async () => {
  token = await login(ACME);
});
const acme = () => ({ token, accountId: ACCOUNT });

/** A create Herald is expected to refuse: a raw call. */
async function create(body: Record<string, unknown>) {
  return call("POST", path, { token, body: { name: unique("channel"), ...body } });
}

/** A create through the typed client (the 201 checked). */
async function created(body: IntegrationBody) {
  const request = { name: unique("channel"), ...body } as RequestBody<"create_integration">;
  const result = await typedCall(acme(), (herald) => herald.createIntegration(request));
  expect(result.status).toBe(201);
  return result.body;
}

/** An update through the typed client (the 200 checked). */
async function updated(id: string, body: RequestBody<"update_integration">) {
  const result = await typedCall(acme(), (herald) => herald.updateIntegration(id, body));
  expect(result.status).toBe(200);
  return result.body;
}

describe("creating alert-channel integrations", () => {
  it("answers each type's shape, credentials masked, and seals them at rest", async () => {
    const slack = vendorUrls.slack();
    const answer = ofType(await created({ type: "slack", target_url: slack.url }), "slack");
    expect(answer).toMatchObject({ type: "slack", target_url: `https://hooks.slack.com/****${slack.url.slice(-4)}` });
    expect(Object.keys(answer).sort()).toEqual([...ANSWER_KEYS, "target_url", "type"].sort());
    const stored = await storedRow(answer.id);
    expect(stored.targetUrl).toBe(answer.target_url);
    expect(stored.secrets.url).toMatch(SEALED);
    expect(JSON.stringify(stored)).not.toContain(slack.key);

    const pagerduty = await created({ type: "pagerduty", routing_key: ROUTING_KEY, region: "eu" });
    expect(pagerduty).toMatchObject({
      type: "pagerduty",
      routing_key: "****BCDE",
      region: "eu",
      target_url: "https://events.eu.pagerduty.com/v2/enqueue",
    });
    expect((await storedRow(pagerduty.id)).secrets.routing_key).toMatch(SEALED);

    const splunk = await created({
      type: "splunk_hec",
      target_url: "https://splunk.example.com:8088/services/collector/event",
      token: HEC_TOKEN,
      index: "security",
      sourcetype: "herald:notification",
    });
    expect(splunk).toMatchObject({ token: "****5555", index: "security", sourcetype: "herald:notification" });
    expect(await storedRow(splunk.id)).toMatchObject({
      config: { index: "security", sourcetype: "herald:notification" },
    });
    expect((await storedRow(splunk.id)).secrets.token).toMatch(SEALED);

    const listed = await heraldAs(acme()).getAccountIntegrations();
    const text = JSON.stringify(listed);
    for (const secret of [slack.key, ROUTING_KEY, HEC_TOKEN]) expect(text).not.toContain(secret);
  });

  it.each([
    ["slack on another host", { type: "slack", target_url: "https://hooks.example.com/services/T/B/x" }, /Slack host/],
    ["slack over http", { type: "slack", target_url: "http://hooks.slack.com/services/T/B/x" }, /https/],
    ["slack at an internal address", { type: "slack", target_url: "https://10.0.0.1/services/T/B/x" }, /private/],
    ["slack, not a webhook path", { type: "slack", target_url: "https://hooks.slack.com/api/chat" }, /Slack URL/],
    ["teams on another host", { type: "msteams", target_url: "https://evil.example.com/workflows/x" }, /Teams/],
    ["discord, not a webhook", { type: "discord", target_url: "https://discord.com/api/users/@me" }, /Discord URL/],
    [
      "pagerduty at another URL",
      { type: "pagerduty", routing_key: ROUTING_KEY, target_url: "https://evil.example.com/v2/enqueue" },
      /PagerDuty/,
    ],
    [
      "splunk at loopback",
      { type: "splunk_hec", target_url: "http://127.0.0.1:8088/services/collector/event", token: HEC_TOKEN },
      /loopback/,
    ],
  ])("refuses %s with 400 naming target_url, storing nothing", async (_case, body, reason) => {
    const before = await integrationCount(token);
    const result = await create(body);
    expectError(result, 400, "invalid_value", { path: "target_url" });
    expect(result.body.details).toMatch(reason);
    expect(await integrationCount(token)).toBe(before);
  });

  it.each([
    ["a malformed routing key", { type: "pagerduty", routing_key: "short" }, "routing_key"],
    [
      "an unknown severity",
      { type: "pagerduty", routing_key: ROUTING_KEY, severity_map: { high: "page" } },
      "severity_map.high",
    ],
    [
      "a resolve field outside the notification",
      { type: "pagerduty", routing_key: ROUTING_KEY, resolve_when: { field: "account.id", values: ["x"] } },
      "resolve_when.field",
    ],
    [
      "a token with spaces",
      { type: "splunk_hec", target_url: "https://splunk.example.com/services/collector/event", token: "a b" },
      "token",
    ],
  ])("refuses %s with a 400 naming it", async (_case, body, field) => {
    const before = await integrationCount(token);
    const result = await create(body);
    expect(result.status).toBe(400);
    expect(result.body.path ?? result.body.details).toContain(field);
    expect(await integrationCount(token)).toBe(before);
  });

  it("refuses a missing credential and an unknown type with 400s, never a 5xx", async () => {
    const missing = await create({
      type: "splunk_hec",
      target_url: "https://splunk.example.com/services/collector/event",
    });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain("token");
    expect((await create({ type: "pagerduty" })).status).toBe(400);
    expect((await create({ type: "carrier-pigeon", target_url: "https://example.com" })).status).toBe(400);
  });

  it("needs the admin role", async () => {
    const writer = await login(ACME_WRITER);
    const result = await call("POST", path, {
      token: writer,
      body: { name: "x", type: "slack", target_url: vendorUrls.slack().url },
    });
    expectError(result, 403, "forbidden");
  });
});

describe("updating alert-channel integrations", () => {
  it("keeps a credential sent back masked, replaces one sent new, and checks it like a create", async () => {
    const first = vendorUrls.slack();
    const integration = ofType(await created({ type: "slack", target_url: first.url }), "slack");
    const itemPath = `${path}/${integration.id}`;
    const echoed = ofType(
      await updated(integration.id, { name: "renamed", target_url: integration.target_url }),
      "slack",
    );
    const stored = await storedRow(integration.id);
    expect(echoed.target_url).toBe(integration.target_url);

    const wrongHost = await call("PUT", itemPath, {
      token,
      body: { target_url: "https://hooks.example.com/services/T/B/x" },
    });
    expectError(wrongHost, 400, "invalid_value", { path: "target_url" });
    expect(await storedRow(integration.id)).toEqual(stored);

    const second = vendorUrls.slack();
    const moved = ofType(await updated(integration.id, { target_url: second.url }), "slack");
    expect(moved.target_url).toBe(`https://hooks.slack.com/****${second.url.slice(-4)}`);
    expect((await storedRow(integration.id)).secrets.url).not.toBe(stored.secrets.url);
  });

  it("keeps a masked routing key, and merges PagerDuty settings", async () => {
    const integration = await created({ type: "pagerduty", routing_key: ROUTING_KEY });
    const result = await updated(integration.id, {
      routing_key: "****BCDE",
      severity_map: { high: "critical" },
      region: "eu",
    });
    expect(result).toMatchObject({
      routing_key: "****BCDE",
      severity_map: { high: "critical" },
      region: "eu",
      target_url: "https://events.eu.pagerduty.com/v2/enqueue",
    });
    const renamed = await updated(integration.id, { name: "on call" });
    expect(renamed).toMatchObject({
      name: "on call",
      severity_map: { high: "critical" },
      routing_key: "****BCDE",
    });
  });

  it("refuses a change of type and properties of another type", async () => {
    const integration = await created({ type: "slack", target_url: vendorUrls.slack().url });
    const itemPath = `${path}/${integration.id}`;
    expectError(await call("PUT", itemPath, { token, body: { type: "webhook" } }), 400, "invalid_value", {
      path: "type",
    });
    expectError(await call("PUT", itemPath, { token, body: { routing_key: ROUTING_KEY } }), 400, "invalid_value", {
      path: "routing_key",
    });
    expectError(await call("PUT", itemPath, { token, body: { headers: { "X-Team": "soc" } } }), 400, "invalid_value", {
      path: "headers",
    });
  });
});

describe("a subscription's message template", () => {
  it("is checked when saved", async () => {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
      token,
      body: {
        name: unique("sub"),
        class: "event",
        notification_type: "incidents/alerts",
        options: { message_template: "{{#payload}}unclosed" },
      },
    });
    expectError(result, 400, "invalid_value", { path: "options.message_template" });
  });
});
