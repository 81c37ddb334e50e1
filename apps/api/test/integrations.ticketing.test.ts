import { env } from "cloudflare:test";
import type { RequestBody } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../src/services/container";
import { JIRA_HOST, type JiraIssue } from "./fakes/jira";
import { ACME, ACME_WRITER, call, expectError, heraldAs, login, typedCall, unique } from "./helpers";
import { SEALED, storedRow } from "./integrations.setup";
import { ofType } from "./scenarios/harness";

// Ticketing integrations through the API (issue #16 part 1): what jira, jsd and snow take, refuse and show, and the
// test call. Delivery to the vendors' fakes is scenarios/ticketing.scenarios.ts.

const ACCOUNT = "12345678";
const path = `/herald/v2/${ACCOUNT}/integrations`;
const TOKEN = "ATATT3xFfGF0aBcDeFgHiJkLmNoPqRsTuVwXyZ";

let token: string;
beforeAll(async () => {
  token = await login(ACME);
});
const acme = () => ({ token, accountId: ACCOUNT });

const jira = (extra: Record<string, unknown> = {}) => ({
  type: "jira",
  jira_domain: "acme.atlassian.net",
  email: "soc-bot@example.com",
  api_token: TOKEN,
  project: "SEC",
  ...extra,
});
const jsd = { type: "jsd", jira_domain: "acme.atlassian.net", email: "soc-bot@example.com", api_token: TOKEN };

/** A create Herald is expected to refuse: a raw call, sending what the types forbid. */
const create = (body: Record<string, unknown>) =>
  call("POST", path, { token, body: { name: unique("tickets"), ...body } });

/** A create expected to succeed, through the typed client, checking the 201. */
async function created(body: Record<string, unknown>) {
  const request = { name: unique("tickets"), ...body } as RequestBody<"create_integration">;
  const result = await typedCall(acme(), (herald) => herald.createIntegration(request));
  expect(result.status).toBe(201);
  return result.body;
}

/** An update Herald is expected to refuse (raw). */
const update = (id: string, body: Record<string, unknown>) => call("PUT", `${path}/${id}`, { token, body });

/** An update expected to succeed, through the typed client, checking the 200. */
async function updated(id: string, body: RequestBody<"update_integration">) {
  const result = await typedCall(acme(), (herald) => herald.updateIntegration(id, body));
  expect(result.status).toBe(200);
  return result.body;
}

describe("creating ticketing integrations", () => {
  it("jira: answers its shape with the token masked, sealed at rest, the site stored as its https origin", async () => {
    const answer = await created(jira({ reporter_id: "5b10ac8d82e05b22cc7d4ef5" }));
    expect(answer).toMatchObject({
      type: "jira",
      jira_domain: "acme.atlassian.net",
      email: "soc-bot@example.com",
      api_token: "****wXyZ",
      project: "SEC",
      reporter_id: "5b10ac8d82e05b22cc7d4ef5",
      issue_type: "Task",
    });
    const stored = await storedRow(answer.id);
    expect(stored.targetUrl).toBe("https://acme.atlassian.net");
    expect(stored.secrets.api_token).toMatch(SEALED);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    const read = await heraldAs(acme()).getAccountIntegration(answer.id);
    expect(JSON.stringify(read)).not.toContain(TOKEN);
  });

  it("jsd and snow: their shapes, each credential masked; snow takes an instance name or host", async () => {
    expect(await created({ ...jsd, service_desk_id: "4", request_type_id: "25" })).toMatchObject({
      type: "jsd",
      jira_domain: "acme.atlassian.net",
      api_token: "****wXyZ",
      service_desk_id: "4",
      request_type_id: "25",
    });
    const basic = await created({ type: "snow", instance_name: "acme", username: "herald", password: "hunter22" });
    expect(basic).toMatchObject({ instance_name: "acme.service-now.com", username: "herald", password: "****er22" });
    expect(basic).not.toHaveProperty("auth_header");
    expect((await storedRow(basic.id)).secrets.password).toMatch(SEALED);
    const bearer = await created({
      type: "snow",
      instance_name: "acme.service-now.com",
      auth_header: "Bearer abcdefgh",
    });
    expect(bearer).toMatchObject({ instance_name: "acme.service-now.com", auth_header: "****efgh" });
    expect(bearer).not.toHaveProperty("password");
  });

  it.each([
    ["a host not at Atlassian", jira({ jira_domain: "jira.example.com" }), "jira_domain", /Jira Cloud host/],
    ["an internal address", jira({ jira_domain: "http://10.0.0.5" }), "jira_domain", /./],
    ["http to Atlassian", jira({ jira_domain: "http://acme.atlassian.net" }), "jira_domain", /https/],
    ["a path on the site", jira({ jira_domain: "https://acme.atlassian.net/rest" }), "jira_domain", /site alone/],
    ["a look-alike host", jira({ jira_domain: "acme.atlassian.net.evil.com" }), "jira_domain", /Jira Cloud host/],
    ["a fragment after the site", jira({ jira_domain: "acme.atlassian.net#x" }), "jira_domain", /site alone/],
    ["credentials before the host", jira({ jira_domain: "acme.atlassian.net@evil.com" }), "jira_domain", /./],
    [
      "a ServiceNow look-alike",
      { type: "snow", instance_name: "acme.service-now.com.evil.io", auth_header: "Bearer x" },
      "instance_name",
      /ServiceNow host/,
    ],
  ])("refuses %s with a 400 on the site's field", async (_what, body, field, details) => {
    const result = await create(body);
    expectError(result, 400, "invalid_value", { path: field });
    expect(result.body.details).toMatch(details);
  });

  it.each([
    ["a malformed e-mail", jira({ email: "not-an-address" }), "email"],
    ["a project with spaces", jira({ project: "S E C" }), "project"],
    ["a non-numeric service desk", { ...jsd, service_desk_id: "desk", request_type_id: "25" }, "service_desk_id"],
    ["snow without credentials", { type: "snow", instance_name: "acme" }, "auth_header"],
    [
      "snow with both kinds",
      { type: "snow", instance_name: "acme", username: "u", password: "p", auth_header: "Bearer x" },
      "auth_header",
    ],
    ["snow with a user but no password", { type: "snow", instance_name: "acme", username: "u" }, "auth_header"],
  ])("refuses %s with a 400 naming it, never a 5xx", async (_what, body, field) => {
    const result = await create(body);
    expect(result.status, JSON.stringify(result.body)).toBe(400);
    expect(result.body.path).toBe(field);
  });

  it("names a missing credential as Herald names missing properties", async () => {
    expectError(await create(jira({ api_token: undefined })), 400, "missing_required_property", {
      details: "api_token",
    });
  });

  it("needs the admin role", async () => {
    const writer = await login(ACME_WRITER);
    const result = await call("POST", path, { token: writer, body: { name: unique("jira"), ...jira() } });
    expect(result.status).toBe(403);
  });
});

describe("updating ticketing integrations", () => {
  it("keeps a masked api_token, replaces a new one, and checks a new site like a create", async () => {
    const answer = ofType(await created(jira()), "jira");
    const kept = await updated(answer.id, { api_token: answer.api_token, project: "OPS", issue_type: "Bug" });
    expect(kept).toMatchObject({ project: "OPS", issue_type: "Bug", api_token: answer.api_token });
    const opened = async () =>
      createServices(env).secrets.open(
        (await storedRow(answer.id)).secrets.api_token,
        `integrations/${answer.id.toUpperCase()}/secrets/api_token`,
      );
    expect(await opened()).toBe(TOKEN);
    const replaced = ofType(await updated(answer.id, { api_token: "ATATTnew-token-1234" }), "jira");
    expect(replaced.api_token).toBe("****1234");
    expect(await opened()).toBe("ATATTnew-token-1234");
    expectError(await update(answer.id, { jira_domain: "evil.example.com" }), 400, "invalid_value", {
      path: "jira_domain",
    });
    expectError(await update(answer.id, { instance_name: "acme" }), 400, "invalid_value", { path: "instance_name" });
    expectError(await update(answer.id, { type: "snow" }), 400, "invalid_value", { path: "type" });
  });

  it("snow: switching to auth_header drops the password, and back again; one kind always remains", async () => {
    const answer = await created({ type: "snow", instance_name: "acme", username: "herald", password: "hunter22" });
    const bearer = await updated(answer.id, { auth_header: "Bearer abcdefgh" });
    expect(bearer).toMatchObject({ auth_header: "****efgh" });
    expect(bearer).not.toHaveProperty("password");
    expect(bearer).not.toHaveProperty("username");
    expectError(await update(answer.id, { username: "someone" }), 400, "invalid_value", { path: "auth_header" });
    const back = await updated(answer.id, { username: "herald2", password: "swordfish" });
    expect(back).toMatchObject({ username: "herald2", password: "****fish" });
    expect(back).not.toHaveProperty("auth_header");
  });
});

describe("test calls", () => {
  it("a stored jira integration opens a sample issue and answers Jira's 201", async () => {
    const email = `${unique("test")}@example.com`.toLowerCase();
    const answer = await created(jira({ email, jira_domain: JIRA_HOST }));
    const result = await typedCall(acme(), (herald) => herald.testIntegration(answer.id, {}));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ code: 201, delivered: true });
    expect(JSON.parse(result.body.rawbody ?? "")).toMatchObject({ key: "SEC-1" });
    const issues = (await (
      await fetch(`https://${JIRA_HOST}/__issues/${encodeURIComponent(email)}`)
    ).json()) as JiraIssue[];
    expect(issues).toHaveLength(1);
    expect(issues[0]!.summary).toContain("Herald test notification");
  });

  it("answers what Jira refused, without disabling the integration", async () => {
    const answer = await created(
      jira({ email: `${unique("test")}@example.com`.toLowerCase(), api_token: "revoked-1" }),
    );
    // The test call itself succeeds (200): its answer reports what Jira refused.
    const result = await heraldAs(acme()).testIntegration(answer.id, {});
    expect(result).toMatchObject({ code: 401, delivered: false });
    expect(result.reason).toMatch(/Client must be authenticated/);
    const again = await heraldAs(acme()).testIntegration(answer.id, {});
    expect(again).toMatchObject({ code: 401 });
  });

  it("checks an unsaved configuration's site before calling anything", async () => {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/jira/test`, {
      token,
      body: { email: "soc@example.com", api_token: "t", jira_domain: "127.0.0.1", project: "SEC" },
    });
    expectError(result, 400, "invalid_value", { path: "jira_domain" });
  });
});
