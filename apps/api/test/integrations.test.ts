import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_READER, ACME_WRITER, call, expectHeraldError, GLOBEX, login, PLATFORM, unique } from "./helpers";
import { UPPERCASE_UUID } from "./notification-factories";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);

let acme: string;
let globex: string;
let reader: string;
let writer: string;
let platform: string;

beforeAll(async () => {
  acme = await login(ACME);
  globex = await login(GLOBEX);
  reader = await login(ACME_READER);
  writer = await login(ACME_WRITER);
  platform = await login(PLATFORM);
});

const integrationsPath = (accountId = ACME_ID) => `/herald/v2/${accountId}/integrations`;
const integrationPath = (id: string, accountId = ACME_ID) => `/herald/v2/${accountId}/integrations/${id}`;

async function createIntegration(body: Record<string, unknown> = {}, token = acme, accountId = ACME_ID) {
  const result = await call("POST", integrationsPath(accountId), {
    token,
    body: { name: unique("hook"), target_url: "https://hooks.example.com/herald", ...body },
  });
  expect(result.status).toBe(201);
  return result.body;
}

async function listedNames(token = acme, accountId = ACME_ID): Promise<string[]> {
  const result = await call("GET", integrationsPath(accountId), { token });
  expect(result.status).toBe(200);
  return result.body.integrations.map((integration: { name: string }) => integration.name);
}

describe("GET /herald/v2/integration_types", () => {
  it.each([
    ["acme", () => acme],
    ["reader", () => reader],
    ["platform", () => platform],
  ])("answers every type with its configuration's JSON Schema to any token (%s)", async (_who, token) => {
    const result = await call("GET", "/herald/v2/integration_types", { token: token() });
    expect(result.status).toBe(200);
    const types = result.body.integration_types as Array<{ name: string; configuration: { required: string[] } }>;
    expect(types.map((type) => type.name)).toEqual([
      "webhook",
      "slack",
      "msteams",
      "pagerduty",
      "discord",
      "splunk_hec",
      "jira",
      "jsd",
      "snow",
      "email",
    ]);
    const required = Object.fromEntries(types.map((type) => [type.name, type.configuration.required]));
    // Alert Logic's clients create webhooks without a type: it is not required there.
    expect(required.webhook).toEqual(["name", "target_url"]);
    expect(required.slack).toEqual(["name", "type", "target_url"]);
    expect(required.pagerduty).toEqual(["name", "type", "routing_key"]);
    expect(required.splunk_hec).toEqual(["name", "type", "target_url", "token"]);
    expect(required.jira).toEqual(["name", "type", "jira_domain", "email", "api_token", "project"]);
    expect(required.jsd).toEqual([
      "name",
      "type",
      "jira_domain",
      "email",
      "api_token",
      "service_desk_id",
      "request_type_id",
    ]);
    expect(required.snow).toEqual(["name", "type", "instance_name"]);
    expect(required.email).toEqual(["name", "type", "email"]);
  });

  it("answers 401 without a token", async () => {
    expectHeraldError(await call("GET", "/herald/v2/integration_types"), 401, "unauthorized");
  });
});

describe("POST /herald/v2/{account_id}/integrations", () => {
  it("creates a webhook for an account admin: 201 with headers and header", async () => {
    const name = unique("hook");
    const before = nowSeconds();
    const result = await call("POST", integrationsPath(), {
      token: acme,
      body: { name, target_url: "https://hooks.example.com/x", headers: { "X-Header": "HeaderValue" } },
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      id: expect.stringMatching(UPPERCASE_UUID),
      account_id: ACME_ID,
      name,
      type: "webhook",
      target_url: "https://hooks.example.com/x",
      headers: { "X-Header": "HeaderValue" },
      header: { "X-Header": "HeaderValue" },
      created: { at: expect.any(Number), by: ACME_ADMIN_USER },
      modified: { at: expect.any(Number), by: ACME_ADMIN_USER },
    });
    expect(result.body.created.at).toBeGreaterThanOrEqual(before - 1);
    expect(result.body.created.at).toBeLessThanOrEqual(nowSeconds() + 1);
    expect(result.body.modified).toEqual(result.body.created);
  });

  it("defaults headers to none", async () => {
    const created = await createIntegration();
    expect(created.headers).toEqual({});
    expect(created.header).toEqual({});
  });

  it("accepts header (singular) as an alias of headers", async () => {
    const created = await createIntegration({ header: { "X-Alias": "yes" } });
    expect(created.headers).toEqual({ "X-Alias": "yes" });
    expect(created.header).toEqual({ "X-Alias": "yes" });
    const read = await call("GET", integrationPath(created.id), { token: acme });
    expect(read.body.headers).toEqual({ "X-Alias": "yes" });
  });

  it("accepts header and headers together when they agree", async () => {
    const created = await createIntegration({ header: { "X-A": "1" }, headers: { "X-A": "1" } });
    expect(created.headers).toEqual({ "X-A": "1" });
  });

  it("answers 400 when header and headers disagree, and stores nothing", async () => {
    const name = unique("disagree");
    const result = await call("POST", integrationsPath(), {
      token: acme,
      body: { name, target_url: "https://hooks.example.com/x", headers: { "X-A": "1" }, header: { "X-A": "2" } },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("header");
    expect(await listedNames()).not.toContain(name);
  });

  it.each([
    ["writer", () => writer, 403],
    ["reader", () => reader, 403],
  ])("answers 403 to a %s token, and stores nothing", async (_who, token, status) => {
    const name = unique("denied");
    const result = await call("POST", integrationsPath(), {
      token: token(),
      body: { name, target_url: "https://hooks.example.com/x" },
    });
    expectHeraldError(result, status, "forbidden");
    expect(await listedNames()).not.toContain(name);
  });

  it("answers 403 for another account, and stores nothing there", async () => {
    const name = unique("cross");
    const result = await call("POST", integrationsPath(GLOBEX_ID), {
      token: acme,
      body: { name, target_url: "https://hooks.example.com/x" },
    });
    expectHeraldError(result, 403, "forbidden");
    expect(await listedNames(globex, GLOBEX_ID)).not.toContain(name);
  });

  it.each(["name", "target_url"])("answers 400 missing_required_property without %s", async (field) => {
    const body: Record<string, unknown> = { name: unique("hook"), target_url: "https://hooks.example.com/x" };
    delete body[field];
    const result = await call("POST", integrationsPath(), { token: acme, body });
    expectHeraldError(result, 400, "missing_required_property");
    expect(result.body.details).toBe(field);
  });

  it.each([
    ["type", "carrier_pigeon"],
    ["name", ""],
    ["target_url", `https://hooks.example.com/${"x".repeat(2048)}`],
  ])("answers 400 for %s %j", async (field, value) => {
    const name = unique("bad");
    const result = await call("POST", integrationsPath(), {
      token: acme,
      body: { name, target_url: "https://hooks.example.com/x", [field]: value },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe(field);
  });

  // Which targets are refused, in every spelling and at every door (and again at send time): test/ssrf.test.ts.
  it("answers 400 naming target_url for a private target, and stores nothing", async () => {
    const name = unique("ssrf");
    const result = await call("POST", integrationsPath(), {
      token: acme,
      body: { name, target_url: "http://169.254.169.254/latest/meta-data" },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("target_url");
    expect(await listedNames()).not.toContain(name);
  });

  const manyHeaders = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`X-H${i}`, "v"]));

  it.each([
    ["a value with CR LF", { "X-A": "ok\r\nX-Injected: 1" }, "headers.X-A"],
    ["a value with LF", { "X-A": "ok\nX-Injected: 1" }, "headers.X-A"],
    ["a value with CR", { "X-A": "ok\rX-Injected: 1" }, "headers.X-A"],
    ["a value with NUL", { "X-A": "ok\u0000" }, "headers.X-A"],
    ["a value over 4096 characters", { "X-A": "v".repeat(4097) }, "headers.X-A"],
    ["a name with a space", { "Bad Header": "x" }, "headers.Bad Header"],
    ["a name with a colon", { "X:Y": "x" }, "headers.X:Y"],
    ["an empty name", { "": "x" }, "headers."],
    ["a name with non-ASCII letters", { Äpfel: "x" }, "headers.Äpfel"],
    ["names that differ only in case", { "X-A": "1", "x-a": "2" }, "headers"],
    ["more than 50 headers", manyHeaders, "headers"],
  ])("answers 400 for headers with %s, and stores nothing", async (_label, headers, path) => {
    for (const field of ["headers", "header"]) {
      const name = unique("headers");
      const result = await call("POST", integrationsPath(), {
        token: acme,
        body: { name, target_url: "https://hooks.example.com/x", [field]: headers },
      });
      expectHeraldError(result, 400, "invalid_value");
      expect(result.body.path).toBe(field === "headers" ? path : path.replace(/^headers/, "header"));
      expect(await listedNames()).not.toContain(name);
    }
  });

  it("answers 400 wrong_type for a header value that is not a string", async () => {
    const result = await call("POST", integrationsPath(), {
      token: acme,
      body: { name: unique("hook"), target_url: "https://hooks.example.com/x", headers: { "X-A": 1 } },
    });
    expectHeraldError(result, 400, "wrong_type");
    expect(result.body.path).toBe("headers.X-A");
  });
});

describe("GET /herald/v2/{account_id}/integrations", () => {
  it("lists the account's integrations, as created", async () => {
    const created = await createIntegration({ headers: { "X-Listed": "1" } });
    const result = await call("GET", integrationsPath(), { token: acme });
    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual(["integrations"]);
    const listed = result.body.integrations.find((i: { id: string }) => i.id === created.id);
    expect(listed).toEqual(created);
  });

  it("lets a read-only member list", async () => {
    const created = await createIntegration();
    expect(await listedNames(reader)).toContain(created.name);
  });

  it("never lists another account's integrations", async () => {
    const mine = await createIntegration();
    const theirs = await createIntegration({}, globex, GLOBEX_ID);
    const acmeNames = await listedNames(acme);
    const globexNames = await listedNames(globex, GLOBEX_ID);
    expect(acmeNames).toContain(mine.name);
    expect(acmeNames).not.toContain(theirs.name);
    expect(globexNames).toContain(theirs.name);
    expect(globexNames).not.toContain(mine.name);
  });

  it("answers 403 for another account", async () => {
    expectHeraldError(await call("GET", integrationsPath(GLOBEX_ID), { token: acme }), 403, "forbidden");
  });
});

describe("GET /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers the integration, by upper- or lower-case id, to any member", async () => {
    const created = await createIntegration();
    for (const [token, id] of [
      [acme, created.id],
      [acme, created.id.toLowerCase()],
      [reader, created.id],
    ]) {
      const result = await call("GET", integrationPath(id), { token });
      expect(result.status).toBe(200);
      expect(result.body).toEqual(created);
    }
  });

  it("answers 404 for an unknown id", async () => {
    expectHeraldError(await call("GET", integrationPath(crypto.randomUUID()), { token: acme }), 404, "not_found");
  });

  it("answers 403 on another account's path", async () => {
    const theirs = await createIntegration({}, globex, GLOBEX_ID);
    expectHeraldError(await call("GET", integrationPath(theirs.id, GLOBEX_ID), { token: acme }), 403, "forbidden");
  });

  it("answers 404 on my path with another account's id", async () => {
    const theirs = await createIntegration({}, globex, GLOBEX_ID);
    expectHeraldError(await call("GET", integrationPath(theirs.id), { token: acme }), 404, "not_found");
  });
});

describe("PUT /herald/v2/{account_id}/integrations/{id}", () => {
  it("changes only the fields sent", async () => {
    const created = await createIntegration({ headers: { "X-Keep": "1" } });
    const result = await call("PUT", integrationPath(created.id), { token: acme, body: { name: "Renamed" } });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ...created, name: "Renamed", modified: expect.any(Object) });
    expect(result.body.modified.by).toBe(ACME_ADMIN_USER);
    expect(result.body.modified.at).toBeGreaterThanOrEqual(created.created.at);
    expect((await call("GET", integrationPath(created.id), { token: acme })).body).toEqual(result.body);
  });

  it("replaces the whole header set, through headers or header", async () => {
    const created = await createIntegration({ headers: { "X-Old": "1", "X-Other": "2" } });
    const viaHeaders = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { headers: { "X-New": "3" } },
    });
    expect(viaHeaders.status).toBe(200);
    expect(viaHeaders.body.headers).toEqual({ "X-New": "3" });
    const viaHeader = await call("PUT", integrationPath(created.id), { token: acme, body: { header: {} } });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.headers).toEqual({});
    expect(viaHeader.body.header).toEqual({});
  });

  it("moves the target to another public URL", async () => {
    const created = await createIntegration();
    const result = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { target_url: "https://hooks.example.com/v2" },
    });
    expect(result.status).toBe(200);
    expect(result.body.target_url).toBe("https://hooks.example.com/v2");
  });

  it("answers 400 naming target_url for a private target, and keeps the old target", async () => {
    const created = await createIntegration();
    const result = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { target_url: "http://10.0.0.1/" },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("target_url");
    expect((await call("GET", integrationPath(created.id), { token: acme })).body.target_url).toBe(created.target_url);
  });

  it("answers 400 for a header value with CR/LF, and keeps the old headers", async () => {
    const created = await createIntegration({ headers: { "X-A": "1" } });
    const result = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { headers: { "X-A": "1\r\nX-B: 2" } },
    });
    expectHeraldError(result, 400, "invalid_value");
    expect((await call("GET", integrationPath(created.id), { token: acme })).body.headers).toEqual({ "X-A": "1" });
  });

  it.each([
    ["writer", () => writer],
    ["reader", () => reader],
  ])("answers 403 to a %s token, and changes nothing", async (_who, token) => {
    const created = await createIntegration();
    const result = await call("PUT", integrationPath(created.id), { token: token(), body: { name: "Hijacked" } });
    expectHeraldError(result, 403, "forbidden");
    expect((await call("GET", integrationPath(created.id), { token: acme })).body.name).toBe(created.name);
  });

  it("answers 404 for an unknown id", async () => {
    const result = await call("PUT", integrationPath(crypto.randomUUID()), { token: acme, body: { name: "x" } });
    expectHeraldError(result, 404, "not_found");
  });

  it("answers 403 on another account's path and 404 for its id on mine; nothing changes", async () => {
    const theirs = await createIntegration({}, globex, GLOBEX_ID);
    expectHeraldError(
      await call("PUT", integrationPath(theirs.id, GLOBEX_ID), { token: acme, body: { name: "Hijacked" } }),
      403,
      "forbidden",
    );
    expectHeraldError(
      await call("PUT", integrationPath(theirs.id), { token: acme, body: { name: "Hijacked" } }),
      404,
      "not_found",
    );
    expect((await call("GET", integrationPath(theirs.id, GLOBEX_ID), { token: globex })).body.name).toBe(theirs.name);
  });
});

describe("DELETE /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers 204, then the integration is gone", async () => {
    const created = await createIntegration();
    const deleted = await call("DELETE", integrationPath(created.id.toLowerCase()), { token: acme });
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expectHeraldError(await call("GET", integrationPath(created.id), { token: acme }), 404, "not_found");
    expectHeraldError(await call("DELETE", integrationPath(created.id), { token: acme }), 404, "not_found");
    expect(await listedNames()).not.toContain(created.name);
  });

  it("unsubscribes the integration from every subscription", async () => {
    const created = await createIntegration();
    const subscription = await call("POST", `/herald/v2/${ACME_ID}/subscriptions`, {
      token: acme,
      body: {
        name: unique("with-connection"),
        class: "event",
        notification_type: "incidents/alerts",
        subscribers: [{ subscriber: created.id, subscriber_type: "connection" }],
      },
    });
    expect(subscription.status).toBe(201);
    expect(subscription.body.subscribers).toHaveLength(1);

    expect((await call("DELETE", integrationPath(created.id), { token: acme })).status).toBe(204);
    const subscribers = await call("GET", `/herald/v2/${ACME_ID}/subscriptions/${subscription.body.id}/subscribers`, {
      token: acme,
    });
    expect(subscribers.status).toBe(200);
    expect(subscribers.body.subscribers).toEqual([]);
  });

  it.each([
    ["writer", () => writer],
    ["reader", () => reader],
  ])("answers 403 to a %s token, and deletes nothing", async (_who, token) => {
    const created = await createIntegration();
    expectHeraldError(await call("DELETE", integrationPath(created.id), { token: token() }), 403, "forbidden");
    expect((await call("GET", integrationPath(created.id), { token: acme })).status).toBe(200);
  });

  it("answers 403 on another account's path and 404 for its id on mine; nothing is deleted", async () => {
    const theirs = await createIntegration({}, globex, GLOBEX_ID);
    expectHeraldError(await call("DELETE", integrationPath(theirs.id, GLOBEX_ID), { token: acme }), 403, "forbidden");
    expectHeraldError(await call("DELETE", integrationPath(theirs.id), { token: acme }), 404, "not_found");
    expect((await call("GET", integrationPath(theirs.id, GLOBEX_ID), { token: globex })).status).toBe(200);
  });
});

describe("signature_scheme", () => {
  const secretPath = (id: string) => `${integrationPath(id)}/secret`;

  it("defaults to hmac-sha256, with no public key, and a whsec_ secret as before", async () => {
    const created = await createIntegration();
    expect(created.signature_scheme).toBe("hmac-sha256");
    expect(created).not.toHaveProperty("public_key");
    const secret = await call("GET", secretPath(created.id), { token: acme });
    expect(secret.body).toEqual({ key: expect.stringMatching(/^whsec_/), signature_scheme: "hmac-sha256" });
  });

  it("makes an ed25519 webhook whose public key any member reads and only admins read as its secret", async () => {
    const created = await createIntegration({ signature_scheme: "ed25519" });
    expect(created.signature_scheme).toBe("ed25519");
    expect(created.public_key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const read = await call("GET", integrationPath(created.id), { token: reader });
    expect(read.status).toBe(200);
    expect(read.body.public_key).toBe(created.public_key);
    const secret = await call("GET", secretPath(created.id), { token: acme });
    expect(secret.body).toEqual({ key: created.public_key, signature_scheme: "ed25519" });
    expectHeraldError(await call("GET", secretPath(created.id), { token: writer }), 403, "forbidden");
    // The secret key never leaves Herald: not in an answer, a list or the secret's.
    const listed = await call("GET", integrationsPath(), { token: acme });
    for (const body of [created, read.body, secret.body, listed.body])
      expect(JSON.stringify(body)).not.toMatch(/whsk_/);
  });

  it("rotates an ed25519 key to a new ed25519 key, the previous one signing for the overlap", async () => {
    const created = await createIntegration({ signature_scheme: "ed25519" });
    const rotated = await call("POST", `${secretPath(created.id)}/rotate`, { token: acme });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      key: expect.stringMatching(/^whpk_/),
      signature_scheme: "ed25519",
      previous_key_expires_at: expect.any(Number),
    });
    expect(rotated.body.key).not.toBe(created.public_key);
    expect(rotated.body.previous_key_expires_at).toBeGreaterThan(nowSeconds());
    expect((await call("GET", integrationPath(created.id), { token: acme })).body.public_key).toBe(rotated.body.key);
  });

  it("switches scheme on update, with a new key and the previous one kept for the overlap; the same scheme keeps the key", async () => {
    const created = await createIntegration();
    const before = (await call("GET", secretPath(created.id), { token: acme })).body.key as string;
    const same = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { signature_scheme: "hmac-sha256" },
    });
    expect(same.status).toBe(200);
    expect((await call("GET", secretPath(created.id), { token: acme })).body).toEqual({
      key: before,
      signature_scheme: "hmac-sha256",
    });

    const switched = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { signature_scheme: "ed25519" },
    });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ signature_scheme: "ed25519", public_key: expect.stringMatching(/^whpk_/) });
    const secret = await call("GET", secretPath(created.id), { token: acme });
    expect(secret.body).toMatchObject({ key: switched.body.public_key, signature_scheme: "ed25519" });
    expect(secret.body.previous_key_expires_at).toBeGreaterThan(nowSeconds());

    const back = await call("PUT", integrationPath(created.id), {
      token: acme,
      body: { signature_scheme: "hmac-sha256" },
    });
    expect(back.body.signature_scheme).toBe("hmac-sha256");
    expect(back.body).not.toHaveProperty("public_key");
    const secretAgain = (await call("GET", secretPath(created.id), { token: acme })).body.key as string;
    expect(secretAgain).toMatch(/^whsec_/);
    expect(secretAgain).not.toBe(before);
  });

  it("answers 400 naming signature_scheme for a scheme Herald does not have, and stores or changes nothing", async () => {
    const name = unique("bad-scheme");
    const created = await call("POST", integrationsPath(), {
      token: acme,
      body: { name, target_url: "https://hooks.example.com/x", signature_scheme: "rsa" },
    });
    expectHeraldError(created, 400, "invalid_value");
    expect(created.body.path).toBe("signature_scheme");
    expect(await listedNames()).not.toContain(name);

    const existing = await createIntegration();
    const updated = await call("PUT", integrationPath(existing.id), {
      token: acme,
      body: { signature_scheme: "HMAC" },
    });
    expectHeraldError(updated, 400, "invalid_value");
    expect(updated.body.path).toBe("signature_scheme");
    expect((await call("GET", integrationPath(existing.id), { token: acme })).body).toEqual(existing);
  });

  it("answers 400 for signature_scheme on an integration that is not a webhook", async () => {
    const slack = await createIntegration({
      type: "slack",
      target_url: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    });
    const result = await call("PUT", integrationPath(slack.id), { token: acme, body: { signature_scheme: "ed25519" } });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("signature_scheme");
  });
});
