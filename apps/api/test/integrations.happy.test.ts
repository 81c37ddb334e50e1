import { INTEGRATION_TYPES } from "@herald/contracts";
import { describe, expect, it } from "vitest";
import { ACME, call, expectHeraldError, typedCall, unique } from "./helpers";
import { UPPERCASE_UUID } from "./notification-factories";
import { subscriptionBody } from "./setup/fixtures";
import * as integrations from "./setup/integrations";
import { signedIn } from "./setup/sessions";

// Integrations as they should work: the types, create, list, get, update and delete of webhooks, and their signature
// schemes. Refusals are in integrations.errors.test.ts, roles and other accounts in integrations.security.test.ts.

const ACME_ID = ACME.accountId;
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);

const { acme, reader, writer, platform } = signedIn("acme", "reader", "writer", "platform");

describe("GET /herald/v2/integration_types", () => {
  it.each([
    ["acme", () => acme],
    ["reader", () => reader],
    ["platform", () => platform],
  ])("answers every type with its configuration's JSON Schema to any token (%s)", async (_who, who) => {
    const result = await typedCall(who(), (herald) => herald.getIntegrationTypes());
    expect(result.status).toBe(200);
    const types = result.body.integration_types as Array<{ name: string; configuration: { required: string[] } }>;
    // Every type the contract names, in its order.
    expect(types.map((type) => type.name)).toEqual([...INTEGRATION_TYPES]);
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
});

describe("POST /herald/v2/{account_id}/integrations", () => {
  it("creates a webhook for an account admin: 201 with headers and header", async () => {
    const name = unique("hook");
    const before = nowSeconds();
    const result = await typedCall(acme, (herald) =>
      herald.createIntegration({
        name,
        target_url: "https://hooks.example.com/x",
        headers: { "X-Header": "HeaderValue" },
      }),
    );
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
    const created = await integrations.create(acme);
    expect(created.headers).toEqual({});
    expect(created.header).toEqual({});
  });

  it("accepts header (singular) as an alias of headers", async () => {
    const created = await integrations.create(acme, { header: { "X-Alias": "yes" } });
    expect(created.headers).toEqual({ "X-Alias": "yes" });
    expect(created.header).toEqual({ "X-Alias": "yes" });
    expect((await integrations.read(acme, created.id)).headers).toEqual({ "X-Alias": "yes" });
  });

  it("accepts header and headers together when they agree", async () => {
    const created = await integrations.create(acme, { header: { "X-A": "1" }, headers: { "X-A": "1" } });
    expect(created.headers).toEqual({ "X-A": "1" });
  });
});

describe("GET /herald/v2/{account_id}/integrations", () => {
  it("lists the account's integrations, as created", async () => {
    const created = await integrations.create(acme, { headers: { "X-Listed": "1" } });
    const result = await typedCall(acme, (herald) => herald.getAccountIntegrations());
    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual(["integrations"]);
    const listed = result.body.integrations.find((i) => i.id === created.id);
    expect(listed).toEqual(created);
  });
});

describe("GET /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers the integration, by upper- or lower-case id, to any member", async () => {
    const created = await integrations.create(acme);
    for (const [who, id] of [
      [acme, created.id],
      [acme, created.id.toLowerCase()],
      [reader, created.id],
    ] as const) {
      expect(await integrations.read(who, id)).toEqual(created);
    }
  });
});

describe("PUT /herald/v2/{account_id}/integrations/{id}", () => {
  const update = (id: string, body: Parameters<typeof acme.herald.updateIntegration>[1]) =>
    typedCall(acme, (herald) => herald.updateIntegration(id, body));

  it("changes only the fields sent", async () => {
    const created = await integrations.create(acme, { headers: { "X-Keep": "1" } });
    const result = await update(created.id, { name: "Renamed" });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ ...created, name: "Renamed", modified: expect.any(Object) });
    expect(result.body.modified.by).toBe(ACME_ADMIN_USER);
    expect(result.body.modified.at).toBeGreaterThanOrEqual(created.created.at);
    expect(await integrations.read(acme, created.id)).toEqual(result.body);
  });

  it("replaces the whole header set, through headers or header", async () => {
    const created = await integrations.create(acme, { headers: { "X-Old": "1", "X-Other": "2" } });
    const viaHeaders = await update(created.id, { headers: { "X-New": "3" } });
    expect(viaHeaders.status).toBe(200);
    expect(viaHeaders.body).toMatchObject({ headers: { "X-New": "3" } });
    const viaHeader = await update(created.id, { header: {} });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body).toMatchObject({ headers: {}, header: {} });
    expect(await integrations.read(acme, created.id)).toMatchObject({ headers: {}, header: {} });
  });

  it("moves the target to another public URL", async () => {
    const created = await integrations.create(acme);
    const result = await update(created.id, { target_url: "https://hooks.example.com/v2" });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ target_url: "https://hooks.example.com/v2" });
  });
});

describe("DELETE /herald/v2/{account_id}/integrations/{id}", () => {
  it("answers 204, then the integration is gone", async () => {
    const created = await integrations.create(acme);
    const deleted = await typedCall(acme, (herald) => herald.deleteIntegration(created.id.toLowerCase()));
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expectHeraldError(await integrations.get(acme, created.id), 404, "not_found");
    expectHeraldError(await integrations.remove(acme, created.id), 404, "not_found");
    expect(await integrations.names(acme)).not.toContain(created.name);
  });

  it("unsubscribes the integration from every subscription", async () => {
    const created = await integrations.create(acme);
    const subscription = await typedCall(acme, (herald) =>
      herald.createSubscription(
        subscriptionBody({
          name: unique("with-connection"),
          subscribers: [{ subscriber: created.id, subscriber_type: "connection" }],
        }),
      ),
    );
    expect(subscription.status).toBe(201);
    expect(subscription.body.subscribers).toHaveLength(1);

    expect((await typedCall(acme, (herald) => herald.deleteIntegration(created.id))).status).toBe(204);
    const subscribers = await typedCall(acme, (herald) =>
      herald.getAccountSubscriptionSubscribers(subscription.body.id),
    );
    expect(subscribers.status).toBe(200);
    expect(subscribers.body.subscribers).toEqual([]);
  });
});

describe("signature_scheme", () => {
  const secretOf = async (id: string) => {
    const { status, body } = await typedCall(acme, (herald) => herald.getIntegrationSecret(id));
    expect(status).toBe(200);
    return body;
  };

  it("defaults to hmac-sha256, with no public key, and a whsec_ secret as before", async () => {
    const created = await integrations.create(acme);
    expect(created.signature_scheme).toBe("hmac-sha256");
    expect(created).not.toHaveProperty("public_key");
    expect(await secretOf(created.id)).toEqual({
      key: expect.stringMatching(/^whsec_/),
      signature_scheme: "hmac-sha256",
    });
  });

  it("makes an ed25519 webhook whose public key any member reads and only admins read as its secret", async () => {
    const created = await integrations.create(acme, { signature_scheme: "ed25519" });
    expect(created.signature_scheme).toBe("ed25519");
    expect(created.public_key).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    const read = await integrations.read(reader, created.id);
    expect(read.public_key).toBe(created.public_key);
    const secret = await secretOf(created.id);
    expect(secret).toEqual({ key: created.public_key, signature_scheme: "ed25519" });
    const secretPath = `${integrations.itemPath(created.id, ACME_ID)}/secret`;
    expectHeraldError(await call("GET", secretPath, { token: writer.token }), 403, "forbidden");
    // The secret key never leaves Herald: not in an answer, a list or the secret's.
    const listed = await acme.herald.getAccountIntegrations();
    for (const body of [created, read, secret, listed]) expect(JSON.stringify(body)).not.toMatch(/whsk_/);
  });

  it("rotates an ed25519 key to a new ed25519 key, the previous one signing for the overlap", async () => {
    const created = await integrations.create(acme, { signature_scheme: "ed25519" });
    const rotated = await typedCall(acme, (herald) => herald.rotateIntegrationSecret(created.id));
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      key: expect.stringMatching(/^whpk_/),
      signature_scheme: "ed25519",
      previous_key_expires_at: expect.any(Number),
    });
    expect(rotated.body.key).not.toBe(created.public_key);
    expect(rotated.body.previous_key_expires_at).toBeGreaterThan(nowSeconds());
    expect((await integrations.read(acme, created.id)).public_key).toBe(rotated.body.key);
  });

  it("switches scheme on update, with a new key and the previous one kept for the overlap; the same scheme keeps the key", async () => {
    const created = await integrations.create(acme);
    const scheme = (signature_scheme: "hmac-sha256" | "ed25519") =>
      typedCall(acme, (herald) => herald.updateIntegration(created.id, { signature_scheme }));
    const before = (await secretOf(created.id)).key;
    const same = await scheme("hmac-sha256");
    expect(same.status).toBe(200);
    expect(await secretOf(created.id)).toEqual({ key: before, signature_scheme: "hmac-sha256" });

    const switched = await scheme("ed25519");
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ signature_scheme: "ed25519", public_key: expect.stringMatching(/^whpk_/) });
    const secret = await secretOf(created.id);
    expect(secret).toMatchObject({
      key: (switched.body as { public_key?: string }).public_key,
      signature_scheme: "ed25519",
    });
    expect(secret.previous_key_expires_at).toBeGreaterThan(nowSeconds());

    const back = await scheme("hmac-sha256");
    expect(back.body).toMatchObject({ signature_scheme: "hmac-sha256" });
    expect(back.body).not.toHaveProperty("public_key");
    const secretAgain = (await secretOf(created.id)).key;
    expect(secretAgain).toMatch(/^whsec_/);
    expect(secretAgain).not.toBe(before);
  });
});
