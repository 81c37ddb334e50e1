// The paths and values Alert Logic's console client (@al/herald on @al/core) sends that Herald's own operations name
// differently (issue #16): the type in the create path, the older webhook-test and sent-incident paths, the bulk
// Endpoints lookup, and `payload.cid` as a string. node/al-herald.test.ts runs the client itself; this checks the
// answers' edges in workerd.
import { beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, freshType, receiver, settled, subscribe } from "./delivery-helpers";
import { ACME, ACME_WRITER, BASE, call, expectError, GLOBEX, login, PLATFORM, unique } from "./helpers";
import { vendorUrls } from "./scenarios/channel.scenarios";

let token: string;
let platform: string;
beforeAll(async () => {
  token = await login(ACME);
  platform = await login(PLATFORM);
});

const integrations = `/herald/v2/${ACCOUNT}/integrations`;

describe("POST /{account_id}/integrations/{type}", () => {
  it("creates an integration of the path's type, the body's type left out or the same", async () => {
    const slack = await call("POST", `${integrations}/slack`, {
      token,
      body: { name: unique("slack"), target_url: vendorUrls.slack().url },
    });
    expect(slack.status, JSON.stringify(slack.body)).toBe(201);
    expect(slack.body).toMatchObject({
      type: "slack",
      target_url: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/\*{4}/),
    });

    const webhook = await call("POST", `${integrations}/webhook`, {
      token,
      body: { name: unique("hook"), type: "webhook", target_url: "https://example.com/hook", header: { "X-A": "1" } },
    });
    expect(webhook.status).toBe(201);
    expect(webhook.body).toMatchObject({ type: "webhook", headers: { "X-A": "1" } });

    const listed = await call("GET", integrations, { token });
    const ids = listed.body.integrations.map((integration: { id: string }) => integration.id);
    expect(ids).toEqual(expect.arrayContaining([slack.body.id, webhook.body.id]));
  });

  it("checks the body as the path type's request: a webhook's URL on a slack path is a 400 naming target_url", async () => {
    const result = await call("POST", `${integrations}/slack`, {
      token,
      body: { name: unique("slack"), target_url: "https://example.com/not-slack" },
    });
    expectError(result, 400, "invalid_value", { path: "target_url" });
  });

  it("refuses a body type that differs from the path's, naming type", async () => {
    const result = await call("POST", `${integrations}/slack`, {
      token,
      body: { name: unique("slack"), type: "webhook", target_url: "https://example.com/hook" },
    });
    expectError(result, 400, "invalid_value", {
      path: "type",
      details: "the body's type 'webhook' differs from the path's 'slack'",
    });
  });

  it("answers a type Herald does not have yet with a 400 naming type, never a 404, 405 or 5xx", async () => {
    for (const type of ["ms_power_automate", "jira_cloud"]) {
      const result = await call("POST", `${integrations}/${type}`, {
        token,
        body: { name: unique(type), email: "soc@example.com" },
      });
      expectError(result, 400, "invalid_value", { path: "type" });
      expect(result.body.details).toContain(`'${type}'`);
    }
  });

  it("creates an email (Email Ticketing) integration from the console's payload {name, email}", async () => {
    const name = unique("tickets");
    const result = await call("POST", `${integrations}/email`, { token, body: { name, email: "soc@example.com" } });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(result.body).toMatchObject({ name, type: "email", email: "soc@example.com" });
    const read = await call("GET", `${integrations}/${result.body.id}`, { token });
    expect(read.body).toEqual(result.body);
  });

  it("needs the admin role", async () => {
    const writer = await login(ACME_WRITER);
    const result = await call("POST", `${integrations}/webhook`, {
      token: writer,
      body: { name: unique("hook"), target_url: "https://example.com/hook" },
    });
    expect(result.status).toBe(403);
  });
});

describe("POST /{account_id}/{type}/test", () => {
  it("tests a Jira connection with the console's payload: one call to the site, nothing stored", async () => {
    const email = `${unique("console")}@example.com`.toLowerCase();
    const jira = await call("POST", `/herald/v2/${ACCOUNT}/jira/test`, {
      token,
      body: { email, api_token: "t", reporter_id: "1", jira_domain: "x.atlassian.net", project: "P" },
    });
    expect(jira.status, JSON.stringify(jira.body)).toBe(200);
    expect(jira.body).toMatchObject({ code: 201, delivered: true });
    const issues = await (await fetch(`https://x.atlassian.net/__issues/${encodeURIComponent(email)}`)).json();
    expect(issues).toEqual([expect.objectContaining({ project: "P", reporter: "1" })]);
  });

  it("refuses a type Herald does not have yet with a 400 naming type", async () => {
    const automate = await call("POST", `/herald/v2/${ACCOUNT}/ms_power_automate/test`, {
      token,
      body: { name: "Flow", target_url: "https://prod-00.westus.logic.azure.com/workflows/x" },
    });
    expectError(automate, 400, "invalid_value", { path: "type" });
  });

  it("checks the configuration like a create (vendor host rules included) before calling anything", async () => {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/slack/test`, {
      token,
      body: { target_url: "https://example.com/not-slack" },
    });
    expectError(result, 400, "invalid_value", { path: "target_url" });
  });

  it("leaves webhook/test and email/test to their own routes", async () => {
    const target = await receiver([{ status: 200, body: "ok" }]);
    const webhook = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
      token,
      body: { url: target.url, method: "POST" },
    });
    expect(webhook.status).toBe(200);
    expect(webhook.body).toEqual({ code: 200, rawbody: "ok" });
    const email = await call("POST", `/herald/v2/${ACCOUNT}/email/test`, { token, body: { email: "soc@example.com" } });
    expect(email.status).toBe(200);
    // test_email is the email integration type's configuration test: the console's {email} is its configuration.
    expect(email.body).toMatchObject({ code: 200, rawbody: "captured", delivered: true, to: "soc@example.com" });
  });
});

describe("the older paths", () => {
  it("POST /webhook/test (no account) calls the target and answers {response: {code, rawbody}}", async () => {
    const target = await receiver([{ status: 202, body: "accepted" }]);
    const result = await call("POST", "/herald/v2/webhook/test", {
      token,
      body: { url: target.url, method: "POST", data: { console: true }, headers: { "X-Console": "1" } },
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ response: { code: 202, rawbody: "accepted" } });
    const [received] = await target.calls();
    expect(JSON.parse(received?.body ?? "")).toEqual({ console: true });
    expect(received?.headers["x-console"]).toBe("1");
  });

  it("POST /webhook/test applies the same address checks and needs the admin role", async () => {
    const loopback = await call("POST", "/herald/v2/webhook/test", {
      token,
      body: { url: "http://127.0.0.1/x", method: "POST" },
    });
    expectError(loopback, 400, "invalid_value", { path: "url" });
    const writer = await login(ACME_WRITER);
    const refused = await call("POST", "/herald/v2/webhook/test", {
      token: writer,
      body: { url: "https://example.com/x", method: "POST" },
    });
    expect(refused.status).toBe(403);
  });

  it("GET /{account_id}/notifications/features/incidents/incidents/{id} answers what get_sent_incident_notifications does", async () => {
    const target = await receiver();
    const hook = await call("POST", integrations, { token, body: { name: unique("hook"), target_url: target.url } });
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: hook.body.id, subscriber_type: "connection" }]);
    const incident = unique("incident");
    const sent = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
      token,
      body: { type, notification_data: {}, asset_data: {}, payload: { long_incident_id: incident, cid: "68450188" } },
    });
    expect(sent.status).toBe(202);
    expect(sent.body.payload.cid).toBe(68450188);
    await settled(token, sent.body.id, 1);

    const current = await call("GET", `/herald/v2/${ACCOUNT}/notifications/type/incidents/alerts/${incident}`, {
      token,
    });
    const older = await call("GET", `/herald/v2/${ACCOUNT}/notifications/features/incidents/incidents/${incident}`, {
      token,
    });
    expect(current.status).toBe(200);
    expect(older.status).toBe(200);
    expect(older.body).toEqual(current.body);
    expect(older.body.notifications).toEqual([expect.objectContaining({ id: sent.body.id })]);

    const globex = await login(GLOBEX);
    const foreign = await call("GET", `/herald/v2/${ACCOUNT}/notifications/features/incidents/incidents/${incident}`, {
      token: globex,
    });
    expect(foreign.status).toBe(403);
  });

  it("are in the OpenAPI document, deprecated and marked to stay out of the generated client", async () => {
    const document = (await call("GET", "/herald/v2/openapi.json")).body;
    const webhookTest = document.paths["/herald/v2/webhook/test"].post;
    const incidents =
      document.paths["/herald/v2/{account_id}/notifications/features/incidents/incidents/{long_incident_id}"].get;
    for (const operation of [webhookTest, incidents]) {
      expect(operation).toMatchObject({ deprecated: true, "x-herald-client": false });
    }
  });
});

describe("payload.cid", () => {
  it("takes a number or a numeric string, stored as the number, and refuses other strings", async () => {
    const type = await freshType(platform);
    const send = (cid: unknown) =>
      call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
        token,
        body: { type, notification_data: {}, asset_data: {}, payload: { cid } },
      });
    expect((await send(42)).body.payload.cid).toBe(42);
    const stringCid = await send("0042");
    expect(stringCid.status).toBe(202);
    expect(stringCid.body.payload.cid).toBe(42);
    expectError(await send("C-42"), 400, "wrong_type", { path: "payload.cid" });
  });
});

describe("POST /endpoints/v1/{account_id}/residency/{residency}/endpoints", () => {
  it("maps each service asked for to this deployment's host, as @al/core reads it", async () => {
    const result = await call("POST", `/endpoints/v1/${ACCOUNT}/residency/default/endpoints`, {
      token,
      body: ["aims", "herald", "subscriptions"],
    });
    expect(result.status).toBe(200);
    const host = new URL(BASE).host;
    expect(result.body).toEqual({ aims: host, herald: host, subscriptions: host });
  });

  it("answers only for the token's account, and takes a list of names", async () => {
    const foreign = await call("POST", `/endpoints/v1/${GLOBEX.accountId}/residency/default/endpoints`, {
      token,
      body: ["herald"],
    });
    expect(foreign.status).toBe(403);
    const notAList = await call("POST", `/endpoints/v1/${ACCOUNT}/residency/default/endpoints`, {
      token,
      body: { herald: true },
    });
    expect(notAList.status).toBe(400);
  });
});
