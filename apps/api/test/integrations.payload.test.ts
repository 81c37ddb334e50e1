// Webhook payload conversion (`payload_conversion_type`, `payload_template`), `method` and `auth_header`: what a
// save checks, what answers show, what is sealed, and what a delivery sends to a receiver on the hooks.test fake.
import { env } from "cloudflare:test";
import type { RequestBody, Schemas } from "@herald/client";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_CONVERTED_BYTES } from "../src/delivery/payload-conversion";
import { createServices } from "../src/services/container";
import { ACCOUNT, freshType, receiver, send, settled, signIn, subscribe } from "./delivery-helpers";
import { call, expectHeraldError, heraldAs, typedCall, unique } from "./helpers";
import { deliveredTestCall, expectTemplateRefused } from "./integrations.setup";
import { ofType } from "./scenarios/harness";

let token: string;
let platform: string;
beforeAll(async () => {
  ({ token, platform } = await signIn());
});
const acme = () => ({ token, accountId: ACCOUNT });

const integrationsPath = `/herald/v2/${ACCOUNT}/integrations`;
const TEMPLATE =
  '{"summary": "{{payload.threat}}: {{payload.attack_summary}}", "incident": {{payload.long_incident_id}}, ' +
  '"level": "{{notification_data.threat_level}}", "data": {{notification_data}}, "missing": {{payload.nothing}}}';

/** A create Herald is expected to refuse: a raw call. */
function create(body: Record<string, unknown>) {
  return call("POST", integrationsPath, {
    token,
    body: { name: unique("converted"), target_url: "https://hooks.example.com/converted", ...body },
  });
}

/** A webhook created through the typed client (the 201 checked). */
async function created(body: Partial<Schemas["Create-Integration-Webhook"]>) {
  const request = { name: unique("converted"), target_url: "https://hooks.example.com/converted", ...body };
  const result = await typedCall(acme(), (herald) => herald.createIntegration(request));
  expect(result.status).toBe(201);
  return ofType(result.body, "webhook");
}

/** An update Herald is expected to refuse (raw). */
const update = (id: string, body: Record<string, unknown>) => call("PUT", `${integrationsPath}/${id}`, { token, body });

/** An update of a webhook through the typed client (the 200 checked). */
async function updated(id: string, body: RequestBody<"update_integration">) {
  const result = await typedCall(acme(), (herald) => herald.updateIntegration(id, body));
  expect(result.status).toBe(200);
  return ofType(result.body, "webhook");
}

async function storedSecrets(id: string): Promise<Record<string, string>> {
  const result = await createServices(env).db.$client.execute({
    sql: "select secrets, config from integrations where id = ?",
    args: [id],
  });
  return JSON.parse(String(result.rows[0]?.secrets));
}

describe("saving a webhook's conversion settings", () => {
  it("answers the defaults for a webhook that sets none", async () => {
    const hook = await created({});
    expect(hook).toMatchObject({ payload_conversion_type: "default", method: "POST" });
    expect(hook).not.toHaveProperty("payload_template");
    expect(hook).not.toHaveProperty("auth_header");
  });

  it("keeps a json template, the method and a sealed, masked auth_header", async () => {
    const secret = `Bearer ${crypto.randomUUID()}`;
    const hook = await created({
      payload_conversion_type: "json",
      payload_template: TEMPLATE,
      method: "PUT",
      auth_header: secret,
    });
    expect(hook).toMatchObject({
      payload_conversion_type: "json",
      payload_template: TEMPLATE,
      method: "PUT",
      auth_header: `****${secret.slice(-4)}`,
    });
    const read = await heraldAs(acme()).getAccountIntegration(hook.id);
    expect(read).toMatchObject({ payload_template: TEMPLATE, auth_header: `****${secret.slice(-4)}` });
    expect(JSON.stringify(read)).not.toContain(secret);
    const sealed = await storedSecrets(hook.id);
    expect(sealed.auth_header).toMatch(/^enc:v2:/);
    expect(sealed.auth_header).not.toContain(secret.slice(7));
  });

  it.each([
    [{ payload_conversion_type: "json" }, "json conversion needs a payload_template"],
    [{ payload_conversion_type: "json", payload_template: '{"a": {{payload.x}}' }, "not valid JSON"],
    [{ payload_conversion_type: "json", payload_template: '{"a": "{{payload.x"}' }, "has no closing }}"],
    [{ payload_conversion_type: "json", payload_template: '{"a": {{#payload}}}' }, "is not a field path"],
    [{ payload_conversion_type: "json", payload_template: '{"a": "\uD800"}' }, "lone surrogate"],
    [{ payload_template: '{"a": 1}' }, "applies only with payload_conversion_type json or jq"],
  ])("answers 400 naming payload_template for %j, and stores nothing", async (body, problem) => {
    await expectTemplateRefused(token, body, problem);
  });

  it.each([
    [{ payload_conversion_type: "xslt", payload_template: "." }, "payload_conversion_type"],
    [{ method: "GET" }, "method"],
    [{ auth_header: "Bearer a\r\nX-Injected: 1" }, "auth_header"],
  ])("answers 400 for %j", async (body, path) => {
    const result = await create(body);
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe(path);
  });

  it("refuses auth_header beside an Authorization custom header", async () => {
    const result = await create({ auth_header: "Bearer one", headers: { authorization: "Bearer two" } });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("auth_header");
  });
});

describe("updating a webhook's conversion settings", () => {
  it("keeps a credential sent back masked, replaces it when new, removes it when empty", async () => {
    const secret = `Basic ${btoa(`user:${crypto.randomUUID()}`)}`;
    const hook = await created({ auth_header: secret });
    const echoed = await updated(hook.id, { name: hook.name, auth_header: hook.auth_header });
    expect(echoed.auth_header).toBe(hook.auth_header);
    expect((await storedSecrets(hook.id)).auth_header).toMatch(/^enc:v2:/);

    const replaced = await updated(hook.id, { auth_header: "Bearer replaced-credential" });
    expect(replaced.auth_header).toBe("****tial");
    const removed = await updated(hook.id, { auth_header: "" });
    expect(removed).not.toHaveProperty("auth_header");
    expect(await storedSecrets(hook.id)).toEqual({});
  });

  it("checks a new template, keeps the stored one when only the method changes, drops it when back to default", async () => {
    const hook = await created({ payload_conversion_type: "json", payload_template: '{"id": {{id}}}' });
    const bad = await update(hook.id, { payload_template: "{" });
    expectHeraldError(bad, 400, "invalid_value");
    expect(bad.body.path).toBe("payload_template");

    const method = await updated(hook.id, { method: "PATCH" });
    expect(method).toMatchObject({ method: "PATCH", payload_template: '{"id": {{id}}}' });
    const back = await updated(hook.id, { payload_conversion_type: "default" });
    expect(back).toMatchObject({ payload_conversion_type: "default", method: "PATCH" });
    expect(back).not.toHaveProperty("payload_template");
    // A template alone does not switch the conversion on.
    const alone = await update(hook.id, { payload_template: '{"id": {{id}}}' });
    expectHeraldError(alone, 400, "invalid_value");
    const on = await updated(hook.id, { payload_conversion_type: "json", payload_template: '{"id": {{id}}}' });
    expect(on.payload_conversion_type).toBe("json");
  });

  it("refuses conversion settings on another type", async () => {
    const result = await typedCall(acme(), (herald) =>
      herald.createIntegration({
        name: unique("slack"),
        type: "slack",
        target_url: "https://hooks.slack.com/services/T0/B0/XXXX",
      }),
    );
    expect(result.status).toBe(201);
    const refused = await update(result.body.id, { payload_template: '{"a": 1}' });
    expectHeraldError(refused, 400, "invalid_value");
    expect(refused.body.path).toBe("payload_template");
  });
});

describe("delivering a converted webhook (workerd, hooks.test)", () => {
  it("sends the converted body with its method and Authorization, signed over what was sent", async () => {
    const target = await receiver();
    const authorization = `Bearer ${crypto.randomUUID()}`;
    const hook = await created({
      target_url: target.url,
      payload_conversion_type: "json",
      payload_template: TEMPLATE,
      method: "PUT",
      auth_header: authorization,
      headers: { "X-Team": "soc" },
    });
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: hook.id, subscriber_type: "connection" }]);
    const incident = unique("incident");
    const notification = await send(token, type, {
      notification_data: { threat_level: "high", note: 'quote " and }} {{id}}' },
      payload: { long_incident_id: incident, threat: "High", attack_summary: 'SSH "brute"\nforce' },
    });
    const [leg] = await settled(token, notification.id, 1);
    expect(leg?.status).toBe("DELIVRD");

    const [received] = await target.calls();
    expect(received?.method).toBe("PUT");
    expect(received?.headers.authorization).toBe(authorization);
    expect(received?.headers["x-team"]).toBe("soc");
    expect(JSON.parse(received?.body ?? "")).toEqual({
      summary: 'High: SSH "brute"\nforce',
      incident,
      level: "high",
      data: { threat_level: "high", note: 'quote " and }} {{id}}' },
      missing: null,
    });
    const secret = await heraldAs(acme()).getIntegrationSecret(hook.id);
    expect(() => new Webhook(secret.key).verify(received?.body ?? "", received?.headers ?? {})).not.toThrow();
  });

  it("fails a leg whose converted body is too large permanently, with the reason in the attempts log", async () => {
    const target = await receiver();
    const hook = await created({
      target_url: target.url,
      payload_conversion_type: "json",
      payload_template: `[${Array.from({ length: 10 }, () => "{{payload.attack_summary}}").join(",")}]`,
    });
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: hook.id, subscriber_type: "connection" }]);
    const notification = await send(token, type, {
      payload: { long_incident_id: unique("incident"), attack_summary: "x".repeat(100_000) },
    });
    const [leg] = await settled(token, notification.id, 1);
    expect(leg?.status).toBe("FAILED");
    expect(leg?.attempts).toHaveLength(1);
    expect(leg?.last_error).toContain(`the converted body is over ${MAX_CONVERTED_BYTES} bytes`);
    expect(await target.calls()).toEqual([]);
  });

  it("keeps an unconverted webhook's body the notification document", async () => {
    const target = await receiver();
    const hook = await created({ target_url: target.url });
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: hook.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    await settled(token, notification.id, 1);
    const [received] = await target.calls();
    expect(received?.method).toBe("POST");
    expect(received?.headers).not.toHaveProperty("authorization");
    expect(JSON.parse(received?.body ?? "")).toMatchObject({ id: notification.id, type, account_id: ACCOUNT });
  });

  it("the test call shows and sends the converted sample", async () => {
    const target = await receiver();
    const hook = await created({
      target_url: target.url,
      payload_conversion_type: "json",
      payload_template: '{"text": "{{payload.attack_summary}}", "type": {{type}}}',
      method: "PATCH",
    });
    const { sent, method } = await deliveredTestCall(token, hook.id, target);
    expect(sent).toEqual({ text: "Herald test notification: a sample incident", type: "incidents/alerts" });
    expect(method).toBe("PATCH");
  });
});
