import type { RequestBody, Schemas } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_WRITER, call, expectError, heraldAs, login, typedCall, unique } from "./helpers";
import { ANSWER_KEYS, integrationCount, storedRow } from "./integrations.setup";
import { ofType } from "./scenarios/harness";

// `email` (e-mail ticketing) integrations through the API (issue #16): what the type takes, refuses and shows, and
// its test calls. Delivery end to end is scenarios/email-integration.scenarios.ts; Resend's statuses are
// integrations.email-resend.test.ts.

const ACCOUNT = "12345678";
const path = `/herald/v2/${ACCOUNT}/integrations`;

let token: string;
beforeAll(async () => {
  token = await login(ACME);
});
const acme = () => ({ token, accountId: ACCOUNT });

const mailbox = () => `${unique("tickets")}@example.com`;

/** A create Herald is expected to refuse (or sending what the types forbid): a raw call. */
async function create(body: Record<string, unknown>, at = path) {
  return call("POST", at, { token, body: { name: unique("tickets"), ...body } });
}

/** An email integration created through the typed client (the 201 checked). */
async function created(body: Omit<Schemas["Create-Integration-Email"], "name" | "type">) {
  const request = { name: unique("tickets"), type: "email" as const, ...body };
  const result = await typedCall(acme(), (herald) => herald.createIntegration(request));
  expect(result.status).toBe(201);
  return ofType(result.body, "email");
}

/** An update through the typed client (the 200 checked). */
async function updated(id: string, body: RequestBody<"update_integration">) {
  const result = await typedCall(acme(), (herald) => herald.updateIntegration(id, body));
  expect(result.status).toBe(200);
  return ofType(result.body, "email");
}

async function emailsTo(to: string) {
  const result = await heraldAs(acme()).getCapturedEmails({ limit: 200 });
  return result.emails.filter((email) => email.to === to);
}

const BAD_ADDRESSES = [
  ["two addresses", "a@example.com, b@example.com"],
  ["a display name", "Tickets <tickets@example.com>"],
  ["no domain", "tickets@"],
  ["no @", "tickets.example.com"],
  ["a space", "tick ets@example.com"],
  ["a header injection", "tickets@example.com\r\nBcc: x@example.com"],
  ["a number", 42],
] as const;

describe("creating email integrations", () => {
  it("answers its shape, the address as it is (not a credential), and stores the address and subject only", async () => {
    const email = mailbox();
    const subject_template = "[SOC] {{display.threat}}: {{display.summary}}";
    const answer = await created({ email, subject_template });
    expect(Object.keys(answer).sort()).toEqual([...ANSWER_KEYS, "email", "subject_template", "type"].sort());
    expect(answer).toMatchObject({ type: "email", email, subject_template });
    expect(await storedRow(answer.id)).toEqual({
      type: "email",
      targetUrl: email,
      headers: {},
      config: { subject_template },
      secrets: {},
    });
    expect(await heraldAs(acme()).getAccountIntegration(answer.id)).toEqual(answer);
  });

  it("leaves subject_template out when none (or an empty one) was given", async () => {
    const plain = await created({ email: mailbox() });
    expect(plain).not.toHaveProperty("subject_template");
    const empty = await created({ email: mailbox(), subject_template: "" });
    expect(empty).not.toHaveProperty("subject_template");
    expect((await storedRow(empty.id)).config).toEqual({});
  });

  it("creates one by type in the path, as Alert Logic's console does ({name, email})", async () => {
    const email = mailbox();
    const result = await typedCall(acme(), (herald) =>
      herald.createIntegrationOfType("email", { name: unique("tickets"), email }),
    );
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ type: "email", email });
    expectError(await create({ type: "webhook", email }, `${path}/email`), 400, "invalid_value", { path: "type" });
  });

  it.each(BAD_ADDRESSES)("refuses an address with %s: 400 naming email, storing nothing", async (_case, email) => {
    const before = await integrationCount(token);
    const result = await create({ type: "email", email });
    expect(result.status).toBe(400);
    expect(result.body.path).toBe("email");
    expect(await integrationCount(token)).toBe(before);
  });

  it("refuses a missing address: 400 naming email", async () => {
    const result = await create({ type: "email" });
    expectError(result, 400, "missing_required_property", { details: "email" });
  });

  it.each([
    ["an unclosed tag", "Incident {{payload.id"],
    ["an unclosed section", "{{#payload}}Incident"],
    ["a mismatched section", "{{#a}}x{{/b}}"],
  ])("refuses a subject template with %s: 400 naming subject_template, storing nothing", async (_case, template) => {
    const before = await integrationCount(token);
    const result = await create({ type: "email", email: mailbox(), subject_template: template });
    expectError(result, 400, "invalid_value", { path: "subject_template" });
    expect(result.body.details).toMatch(/^is not a valid Mustache template: /);
    expect(await integrationCount(token)).toBe(before);
  });

  it("drops other types' properties on create, as every type does, and needs the admin role", async () => {
    const result = await create({ type: "email", email: mailbox(), target_url: "https://example.com/hook" });
    // An unknown property of the type is dropped, as for every type; nothing of it is stored.
    expect(result.status).toBe(201);
    expect(await storedRow(result.body.id)).toMatchObject({ targetUrl: result.body.email, headers: {} });
    const writer = await login(ACME_WRITER);
    const refused = await call("POST", path, { token: writer, body: { name: "x", type: "email", email: mailbox() } });
    expectError(refused, 403, "forbidden");
  });

  it("is listed by get_integration_types with the JSON Schema of its configuration", async () => {
    const result = await heraldAs(acme()).getIntegrationTypes();
    const email = result.integration_types.find((type) => type.name === "email");
    expect(email?.description).toMatch(/e-mail/i);
    expect(email?.configuration?.required).toEqual(expect.arrayContaining(["name", "type", "email"]));
    expect(email?.configuration?.properties).toMatchObject({
      email: { type: "string", format: "email" },
      subject_template: { type: "string", maxLength: 1000 },
    });
  });
});

describe("updating email integrations", () => {
  it("changes the address and the subject template, each checked as on create; '' removes the template", async () => {
    const integration = await created({ email: mailbox(), subject_template: "first {{payload.x}}" });
    const itemPath = `${path}/${integration.id}`;
    const moved = mailbox();
    const changed = await updated(integration.id, { email: moved, subject_template: "second" });
    expect(changed).toMatchObject({ email: moved, subject_template: "second" });

    const renamed = await updated(integration.id, { name: "renamed" });
    expect(renamed).toMatchObject({ name: "renamed", email: moved, subject_template: "second" });

    const stored = await storedRow(integration.id);
    expectError(
      await call("PUT", itemPath, { token, body: { email: "a@example.com, b@example.com" } }),
      400,
      "invalid_value",
      {
        path: "email",
      },
    );
    expectError(await call("PUT", itemPath, { token, body: { subject_template: "{{#open}}" } }), 400, "invalid_value", {
      path: "subject_template",
    });
    expect(await storedRow(integration.id)).toEqual(stored);

    const cleared = await updated(integration.id, { subject_template: "" });
    expect(cleared).not.toHaveProperty("subject_template");
    expect(cleared.email).toBe(moved);
  });

  it("refuses other types' properties and a change of type", async () => {
    const integration = await created({ email: mailbox() });
    const itemPath = `${path}/${integration.id}`;
    for (const [property, value] of [
      ["target_url", "https://example.com/hook"],
      ["headers", { "X-A": "1" }],
      ["token", "11111111-2222-3333-4444-555555555555"],
    ] as const) {
      expectError(await call("PUT", itemPath, { token, body: { [property]: value } }), 400, "invalid_value", {
        path: property,
      });
    }
    expectError(await call("PUT", itemPath, { token, body: { type: "webhook" } }), 400, "invalid_value", {
      path: "type",
    });
    // ...and no other type takes the e-mail ones.
    const hook = await heraldAs(acme()).createIntegration({
      name: unique("hook"),
      target_url: "https://example.com/hook",
    });
    expectError(await call("PUT", `${path}/${hook.id}`, { token, body: { email: mailbox() } }), 400, "invalid_value", {
      path: "email",
    });
  });
});

describe("test calls", () => {
  it("POST .../integrations/{id}/test sends one sample e-mail of the chosen type and answers what was sent", async () => {
    const email = mailbox();
    const integration = await created({ email, subject_template: "[Report] {{payload.report_name}}" });
    const result = await typedCall(acme(), (herald) =>
      herald.testIntegration(integration.id, { notification_type: "report/scheduled" }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      code: 200,
      rawbody: "captured",
      delivered: true,
      to: email,
      subject: "[Report] Herald test report",
    });
    const [captured, ...more] = await emailsTo(email);
    expect(more).toEqual([]);
    expect(captured).toMatchObject({ delivery_id: null, subject: "[Report] Herald test report" });
    expect(captured?.text).toBe(result.body.request_body);
    expect(captured?.text).toContain("Herald test report");
  });

  it("POST /{account_id}/email/test takes an unsaved configuration, checked like a create; nothing is stored", async () => {
    const email = mailbox();
    const before = await integrationCount(token);
    const result = await typedCall(acme(), (herald) =>
      herald.testEmail({ email, subject_template: "[Test] {{account.name}}: {{display.summary}}" }),
    );
    expect(result.status).toBe(200);
    const subject = "[Test] Acme Dev: Herald test notification: a sample incident";
    expect(result.body).toMatchObject({ code: 200, delivered: true, to: email, subject });
    expect(await emailsTo(email)).toEqual([expect.objectContaining({ subject })]);
    expect(await integrationCount(token)).toBe(before);

    const broken = await call("POST", `/herald/v2/${ACCOUNT}/email/test`, {
      token,
      body: { email: mailbox(), subject_template: "{{#x}}" },
    });
    expectError(broken, 400, "invalid_value", { path: "subject_template" });
    const list = await call("POST", `/herald/v2/${ACCOUNT}/email/test`, {
      token,
      body: { email: "a@example.com; b@example.com" },
    });
    expectError(list, 400, "invalid_value", { path: "email" });
    const otherType = await call("POST", `/herald/v2/${ACCOUNT}/email/test`, {
      token,
      body: { email: mailbox(), type: "slack" },
    });
    expectError(otherType, 400, "invalid_value", { path: "type" });
  });
});
