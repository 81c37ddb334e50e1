// Webhook jq conversion through the API (workerd): saving compiles the program (a 400 names what is wrong, nothing is
// stored), updating re-checks it, answers show it, and the test call shows the converted sample. Delivery, hostile
// programs included, is in the shared scenarios (scenarios/integration-calls.scenarios.ts), on both runtimes.
import type { RequestBody, Schemas } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, receiver } from "./delivery-helpers";
import { ACME, call, callText, expectHeraldError, heraldAs, login, typedCall, unique } from "./helpers";
import { deliveredTestCall, expectTemplateRefused } from "./integrations.setup";

let token: string;
beforeAll(async () => {
  token = await login(ACME);
});
const acme = () => ({ token, accountId: ACCOUNT });

const integrationsPath = `/herald/v2/${ACCOUNT}/integrations`;
const PROGRAM = '{text: "\\(.payload.threat) incident: \\(.payload.attack_summary)", type}';

/** A create Herald is expected to refuse: a raw call. */
function create(body: Record<string, unknown>) {
  return call("POST", integrationsPath, {
    token,
    body: { name: unique("jq"), target_url: "https://hooks.example.com/jq", ...body },
  });
}

/** A webhook created through the typed client (the 201 checked). */
async function created(body: Partial<Schemas["Create-Integration-Webhook"]>) {
  const request = { name: unique("jq"), target_url: "https://hooks.example.com/jq", ...body };
  const result = await typedCall(acme(), (herald) => herald.createIntegration(request));
  expect(result.status).toBe(201);
  return result.body;
}

/** An update Herald is expected to refuse (raw). */
const update = (id: string, body: Record<string, unknown>) => call("PUT", `${integrationsPath}/${id}`, { token, body });

/** An update through the typed client (the 200 checked). */
async function updated(id: string, body: RequestBody<"update_integration">) {
  const result = await typedCall(acme(), (herald) => herald.updateIntegration(id, body));
  expect(result.status).toBe(200);
  return result.body;
}

describe("saving a jq conversion", () => {
  it("stores the program and answers it", async () => {
    const result = await created({ payload_conversion_type: "jq", payload_template: PROGRAM });
    expect(result).toMatchObject({ payload_conversion_type: "jq", payload_template: PROGRAM, method: "POST" });
    const read = await heraldAs(acme()).getAccountIntegration(result.id);
    expect(read).toMatchObject({ payload_conversion_type: "jq", payload_template: PROGRAM });
  });

  it.each([
    ["{", "the jq program does not compile: unexpected <end-of-program> at 1:2 in object at 1:1"],
    ['.a | strftime("%Y")', "no such function strftime/1"],
    ["def f: g; f", "no such function g/0"],
    ['"\uD800"', "lone surrogate"],
    ["   ", "jq conversion needs a payload_template"],
  ])("answers 400 naming payload_template for %j, and stores nothing", async (program, problem) => {
    await expectTemplateRefused(token, { payload_conversion_type: "jq", payload_template: program }, problem);
  });

  it.each([
    ["a lone 0xFF byte", [0xff]],
    ["an encoded surrogate", [0xed, 0xa0, 0x80]],
  ])("refuses a program with invalid UTF-8 (%s): 400 invalid_json, nothing stored", async (_label, bytes) => {
    const name = unique("bytes");
    const text = JSON.stringify({
      name,
      target_url: "https://hooks.example.com/x",
      payload_conversion_type: "jq",
      payload_template: '{a: "\u0001"}',
    });
    const [head, tail] = text.split("\\u0001") as [string, string];
    const encoder = new TextEncoder();
    const result = await callText("POST", integrationsPath, {
      token,
      headers: { "content-type": "application/json" },
      body: new Uint8Array([...encoder.encode(head), ...bytes, ...encoder.encode(tail)]),
    });
    expect(result.status).toBe(400);
    expect(JSON.parse(result.text)).toMatchObject({ error: "invalid_json" });
    const list = await heraldAs(acme()).getAccountIntegrations();
    expect(list.integrations.map((i) => i.name)).not.toContain(name);
  });

  it("refuses a jq conversion without a program", async () => {
    const result = await create({ payload_conversion_type: "jq" });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.details).toContain("jq conversion needs a payload_template");
  });
});

describe("updating a jq conversion", () => {
  it("checks a new program, keeps the old one when refused, and moves between json, jq and default", async () => {
    const hook = await created({ payload_conversion_type: "json", payload_template: '{"id": {{id}}}' });

    const toJq = await updated(hook.id, { payload_conversion_type: "jq", payload_template: "{id}" });
    expect(toJq).toMatchObject({ payload_conversion_type: "jq", payload_template: "{id}" });

    const refused = await update(hook.id, { payload_template: "{id" });
    expectHeraldError(refused, 400, "invalid_value");
    expect(refused.body.path).toBe("payload_template");
    expect(refused.body.details).toContain("does not compile");
    const kept = await heraldAs(acme()).getAccountIntegration(hook.id);
    expect(kept).toMatchObject({ payload_conversion_type: "jq", payload_template: "{id}" });

    // Only the method changes: the stored program is kept (and checked again).
    const method = await updated(hook.id, { method: "PUT" });
    expect(method).toMatchObject({ payload_conversion_type: "jq", payload_template: "{id}", method: "PUT" });

    // The stored program is no json template: switching type alone is checked against it.
    const toJson = await update(hook.id, { payload_conversion_type: "json" });
    expectHeraldError(toJson, 400, "invalid_value");
    expect(toJson.body.path).toBe("payload_template");

    const back = await updated(hook.id, { payload_conversion_type: "default" });
    expect(back).toMatchObject({ payload_conversion_type: "default" });
    expect(back).not.toHaveProperty("payload_template");
  });
});

describe("the test call of a jq conversion", () => {
  it("shows and sends the converted sample", async () => {
    const target = await receiver();
    const hook = await created({
      target_url: target.url,
      payload_conversion_type: "jq",
      payload_template: PROGRAM,
      method: "PATCH",
    });
    const { sent, method } = await deliveredTestCall(token, hook.id, target);
    expect(sent).toEqual({
      text: "High incident: Herald test notification: a sample incident",
      type: "incidents/alerts",
    });
    expect(method).toBe("PATCH");
  });

  it("says why nothing was sent when the program fails on the sample", async () => {
    const target = await receiver();
    const hook = await created({
      target_url: target.url,
      payload_conversion_type: "jq",
      payload_template: "last(while(true; .))",
    });
    const result = await typedCall(acme(), (herald) => herald.testIntegration(hook.id, {}));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ code: 0, delivered: false });
    expect(result.body.reason).toMatch(/^payload_template: the jq program ran past its time limit/);
    expect(await target.calls()).toEqual([]);
  });
});
