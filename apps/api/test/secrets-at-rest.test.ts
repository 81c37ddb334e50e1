import { env } from "cloudflare:test";
import type { Schemas } from "@herald/client";
import { findIntegration, integrations, provisionAccount } from "@herald/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { hashSecret } from "../src/auth/secrets";
import {
  openIntegration,
  resealIntegrationSecrets,
  sealHeaders,
  sealSigningSecret,
} from "../src/security/integration-secrets";
import { createSecretBox } from "../src/security/secret-box";
import { createServices } from "../src/services/container";
import { ACCOUNT, freshType, receiver, send, settled, signIn, subscribe } from "./delivery-helpers";
import { BASE, call, expectHeraldError, heraldAs, login, typedCall, unique } from "./helpers";
import { ofType } from "./scenarios/harness";

let token: string;
let platform: string;
beforeAll(async () => {
  ({ token, platform } = await signIn());
});
const acme = () => ({ token, accountId: ACCOUNT });

const integrationsPath = `/herald/v2/${ACCOUNT}/integrations`;
const SEALED_NOW = /^enc:v2:test-current:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;

/** Credentials unique to one test, so a scan of the whole database finds only that test's values. */
function credentials() {
  const bearer = `Bearer ${crypto.randomUUID()}`;
  const apiKey = `key-${crypto.randomUUID()}`;
  return { bearer, apiKey, headers: { Authorization: bearer, "X-Api-Key": apiKey, "X-Team": "soc" } };
}

async function createIntegration(targetUrl: string, headers: Record<string, string>) {
  const result = await typedCall(acme(), (herald) =>
    herald.createIntegration({ name: unique("sealed"), target_url: targetUrl, headers }),
  );
  expect(result.status).toBe(201);
  return ofType(result.body, "webhook");
}

/** The integration's signing secret, through the typed client. */
const secretOf = async (id: string) => (await heraldAs(acme()).getIntegrationSecret(id)).key;

/** The stored columns, as SQLite holds them. */
async function rawRow(id: string) {
  const result = await createServices(env).db.$client.execute({
    sql: "select signing_secret, previous_signing_secret, headers from integrations where id = ?",
    args: [id],
  });
  const row = result.rows[0] as unknown as {
    signing_secret: string;
    previous_signing_secret: string | null;
    headers: string;
  };
  return { ...row, headersParsed: JSON.parse(row.headers) as Record<string, string> };
}

/** An account of the calling test's own, with an admin key, logged in. */
async function freshAccount(): Promise<{ accountId: string; token: string }> {
  const accountId = String(10_000_000 + Math.floor(Math.random() * 80_000_000));
  const keyId = unique("testkey");
  const secret = unique("testsecret");
  await provisionAccount(createServices(env).db, {
    account: { id: accountId, name: unique("account") },
    user: { id: crypto.randomUUID().toUpperCase(), name: "Test admin" },
    key: { id: keyId, secretHash: await hashSecret(secret), role: "admin", platformAdmin: false },
    now: Date.now(),
  });
  return { accountId, token: await login({ keyId, secret }) };
}

/** The stored row, opened as Herald opens it. */
async function openedRow(id: string) {
  const services = createServices(env);
  const row = await findIntegration(services.db, ACCOUNT, id);
  return openIntegration(services.secrets, row!);
}

/** Every table of the database, every row, as text: what a stolen database file would show. */
async function tablesContaining(needles: string[]): Promise<string[]> {
  const client = createServices(env).db.$client;
  const tables = await client.execute("select name from sqlite_master where type = 'table'");
  const found: string[] = [];
  for (const { name } of tables.rows) {
    const text = JSON.stringify((await client.execute(`select * from "${String(name)}"`)).rows);
    for (const needle of needles) if (text.includes(needle)) found.push(`${String(name)} holds ${needle}`);
  }
  return found;
}

describe("integration secrets at rest", () => {
  it("stores signing secrets and credential headers sealed, and nothing of them in clear anywhere", async () => {
    const { bearer, apiKey, headers } = credentials();
    const target = await receiver();
    const integration = await createIntegration(target.url, headers);
    const oldSecret = await secretOf(integration.id);
    const created = await rawRow(integration.id);
    expect(created.signing_secret).toMatch(SEALED_NOW);
    expect(created.previous_signing_secret).toBeNull();
    expect(created.headersParsed.Authorization).toMatch(SEALED_NOW);
    const rotated = await typedCall(acme(), (herald) => herald.rotateIntegrationSecret(integration.id));
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.key;
    expect(newSecret).toMatch(/^whsec_/);

    // The delivery still carries the credentials and both signatures: the consumer opened what it stored.
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    expect((await settled(token, notification.id, 1))[0]!.status).toBe("DELIVRD");
    const [received] = await target.calls();
    expect(received!.headers.authorization).toBe(bearer);
    expect(received!.headers["x-api-key"]).toBe(apiKey);
    expect(received!.headers["x-team"]).toBe("soc");
    expect(() => new Webhook(newSecret).verify(received!.body, received!.headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(received!.body, received!.headers)).not.toThrow();

    const row = await rawRow(integration.id);
    expect(row.signing_secret).toMatch(SEALED_NOW);
    expect(row.previous_signing_secret).toMatch(SEALED_NOW);
    expect(row.headersParsed.Authorization).toMatch(SEALED_NOW);
    expect(row.headersParsed["X-Api-Key"]).toMatch(SEALED_NOW);
    expect(row.headersParsed["X-Team"]).toBe("soc");

    // The attempt stores the headers it sent, masked before they were written: signatures too.
    const attempts = await createServices(env).db.$client.execute({
      sql: "select request_headers from delivery_attempts where delivery_id = (select id from deliveries where notification_id = ?)",
      args: [notification.id],
    });
    expect(attempts.rows).toHaveLength(1);
    expect(JSON.parse(String(attempts.rows[0]!.request_headers))).toMatchObject({
      Authorization: `****${bearer.slice(-4)}`,
      "X-Api-Key": `****${apiKey.slice(-4)}`,
      "X-Team": "soc",
      "webhook-id": received!.headers["webhook-id"],
      "webhook-timestamp": received!.headers["webhook-timestamp"],
      "webhook-signature": "v1,**** v1,****",
    });
    const signatures = received!.headers["webhook-signature"]!.split(" ").map((entry) => entry.slice("v1,".length));
    expect(signatures).toHaveLength(2);

    const secrets = [oldSecret, newSecret, oldSecret.slice("whsec_".length), newSecret.slice("whsec_".length)];
    expect(
      await tablesContaining([
        ...secrets,
        bearer,
        bearer.slice("Bearer ".length, -4),
        apiKey.slice(0, -4),
        ...signatures,
      ]),
    ).toEqual([]);
    // The scan does see the row, and its audit log entries: its name is not a secret.
    expect((await tablesContaining([integration.name])).sort()).toEqual([
      `audit_events holds ${integration.name}`,
      `integrations holds ${integration.name}`,
    ]);
  });

  it("stores Ed25519 secret keys sealed, the current and the previous, and nothing of them in clear anywhere", async () => {
    const created = await typedCall(acme(), (herald) =>
      herald.createIntegration({
        name: unique("sealed-ed25519"),
        target_url: "https://hooks.example.com/ed25519",
        signature_scheme: "ed25519",
      }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await typedCall(acme(), (herald) => herald.rotateIntegrationSecret(id))).status).toBe(200);
    const row = await rawRow(id);
    expect(row.signing_secret).toMatch(SEALED_NOW);
    expect(row.previous_signing_secret).toMatch(SEALED_NOW);
    // Opened as Herald opens it: the two secret keys, whose base64 (and the seeds in it) no table holds.
    const opened = await openedRow(id);
    const keys = [opened.signingSecret, opened.previousSigningSecret as string];
    for (const key of keys) expect(key).toMatch(/^whsk_/);
    const seeds = keys.map((key) => key.slice("whsk_".length, "whsk_".length + 40));
    expect(await tablesContaining([...keys, ...seeds])).toEqual([]);
  });

  it("masks credential header values in every answer, and shows other headers as they are", async () => {
    const { bearer, apiKey, headers } = credentials();
    const masked = {
      Authorization: `****${bearer.slice(-4)}`,
      "X-Api-Key": `****${apiKey.slice(-4)}`,
      "X-Team": "soc",
    };
    const created = await createIntegration("https://hooks.example.com/masked", headers);
    const herald = heraldAs(acme());
    const answers = [
      created,
      await herald.getAccountIntegration(created.id),
      (await herald.getAccountIntegrations()).integrations.find((i) => i.id === created.id),
      await herald.updateIntegration(created.id, { name: unique("renamed") }),
    ];
    for (const answer of answers) {
      const webhook = ofType(answer as Schemas["Integration"], "webhook");
      expect(webhook.headers).toEqual(masked);
      expect(webhook.header).toEqual(masked);
      const text = JSON.stringify(answer);
      expect(text).not.toContain(bearer.slice(-12));
      expect(text).not.toContain(apiKey.slice(-12));
      expect(text).not.toMatch(/whsec_|enc:v/);
    }
  });

  it("keeps a credential when a client sends its masked value back, and replaces it with a new value", async () => {
    const { bearer, headers } = credentials();
    const created = await createIntegration("https://hooks.example.com/echo", headers);

    // Read, change the name, send everything back: the masks must not replace the credentials.
    const read = ofType(await heraldAs(acme()).getAccountIntegration(created.id), "webhook");
    const echoed = await typedCall(acme(), (herald) =>
      herald.updateIntegration(created.id, { name: unique("echoed"), headers: read.headers }),
    );
    expect(echoed.status).toBe(200);
    expect(ofType(echoed.body, "webhook").headers).toEqual(read.headers);
    expect((await openedRow(created.id)).headers.Authorization).toBe(bearer);

    const replaced = await heraldAs(acme()).updateIntegration(created.id, {
      headers: { Authorization: "Bearer replaced-value-7777" },
    });
    expect(ofType(replaced, "webhook").headers).toEqual({ Authorization: "****7777" });
    const row = await rawRow(created.id);
    expect(row.headersParsed.Authorization).toMatch(SEALED_NOW);
    expect((await openedRow(created.id)).headers.Authorization).toBe("Bearer replaced-value-7777");
  });

  it("opens values sealed under ENCRYPTION_PREVIOUS_KEY, and reseal-secrets moves them to the current key", async () => {
    const { bearer, headers } = credentials();
    const target = await receiver();
    const created = await createIntegration(target.url, headers);
    const secret = await secretOf(created.id);

    // The row as a deployment sealed it before its key was rotated.
    const before = await createSecretBox({
      current: { id: env.ENCRYPTION_PREVIOUS_KEY_ID, key: env.ENCRYPTION_PREVIOUS_KEY },
    });
    const services = createServices(env);
    await services.db
      .update(integrations)
      .set({
        signingSecret: await sealSigningSecret(before, created.id, secret),
        headers: await sealHeaders(before, created.id, headers),
      })
      .where(eq(integrations.id, created.id));
    expect((await rawRow(created.id)).signing_secret).toMatch(/^enc:v2:test-previous:/);

    expect(await secretOf(created.id)).toBe(secret);
    const shown = ofType(await heraldAs(acme()).getAccountIntegration(created.id), "webhook");
    expect(shown.headers?.Authorization).toBe(`****${bearer.slice(-4)}`);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: created.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    expect((await settled(token, notification.id, 1))[0]!.status).toBe("DELIVRD");
    const [received] = await target.calls();
    expect(received!.headers.authorization).toBe(bearer);
    expect(() => new Webhook(secret).verify(received!.body, received!.headers)).not.toThrow();

    const counts = await resealIntegrationSecrets(services.db, services.secrets);
    expect(counts.resealed).toBeGreaterThanOrEqual(1);
    const row = await rawRow(created.id);
    expect(row.signing_secret).toMatch(SEALED_NOW);
    expect(row.headersParsed.Authorization).toMatch(SEALED_NOW);
    const opened = await openedRow(created.id);
    expect(opened.signingSecret).toBe(secret);
    expect(opened.headers.Authorization).toBe(bearer);
  });

  it("refuses a sealed value copied into another integration's row, and sends nothing with it", async () => {
    // Someone who can write the database but not read the key copies a victim's credential into their own row, to
    // have Herald send it to their target (or show its last four characters). The thief's account is this test's
    // own: while its row cannot be opened, listing that account's integrations fails, and no other test lists it.
    const victim = await createIntegration("https://hooks.example.com/victim", credentials().headers);
    const thief = await freshAccount();
    const thiefPath = `/herald/v2/${thief.accountId}/integrations`;
    const target = await receiver();
    const created = await typedCall(thief, (herald) =>
      herald.createIntegration({
        name: "thief",
        target_url: target.url,
        headers: { Authorization: "Bearer thief-0000" },
      }),
    );
    expect(created.status).toBe(201);
    const stolen = await rawRow(victim.id);
    await createServices(env)
      .db.update(integrations)
      .set({ signingSecret: stolen.signing_secret, headers: { Authorization: stolen.headersParsed.Authorization! } })
      .where(eq(integrations.id, created.body.id));

    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const secret = await call("GET", `${thiefPath}/${created.body.id}/secret`, { token: thief.token });
      expect(secret.status).toBe(500);
      expect(JSON.stringify(secret.body)).not.toMatch(/whsec_|Bearer/);
      const type = await freshType(platform);
      const subscription = await typedCall(thief, (herald) =>
        herald.createSubscription({
          name: "thief",
          class: "event",
          notification_type: type,
          subscribers: [{ subscriber: created.body.id, subscriber_type: "connection" }],
        }),
      );
      expect(subscription.status).toBe(201);
      const sent = await typedCall(thief, (herald) =>
        herald.sentNotification({ type, notification_data: {}, asset_data: {}, payload: {} }),
      );
      expect(sent.status).toBe(202);
      // The leg's consumer cannot open the row: it retries, and never calls the target with the stolen credential.
      const consumerRefused = () =>
        logged.mock.calls.some(([line]) => /attempt crashed.*does not open/.test(String(line)));
      await expect.poll(consumerRefused, { timeout: 10_000 }).toBe(true);
      expect(await target.calls()).toEqual([]);
    } finally {
      // Deleted, so the leg's next attempt fails for good instead of retrying for the rest of the run.
      expect((await typedCall(thief, (herald) => herald.deleteIntegration(created.body.id))).status).toBe(204);
      logged.mockRestore();
    }
    // The victim's own row is untouched and still opens.
    expect((await openedRow(victim.id)).headers.Authorization).toMatch(/^Bearer /);
  });

  it("answers 503 and stores nothing when the deployment has no ENCRYPTION_KEY, and says why in the logs", async () => {
    const app = createApp();
    // No keys at all (a previous pair without a current one is a bad setting: test/unit/settings.secrets.test.ts).
    const unconfigured = {
      ...env,
      ENCRYPTION_KEY: undefined,
      ENCRYPTION_KEY_ID: undefined,
      ENCRYPTION_PREVIOUS_KEY: undefined,
      ENCRYPTION_PREVIOUS_KEY_ID: undefined,
    };
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const name = unique("unsealed");
      const response = await app.request(
        `${BASE}${integrationsPath}`,
        {
          method: "POST",
          headers: { "x-aims-auth-token": token, "content-type": "application/json" },
          body: JSON.stringify({
            name,
            target_url: "https://hooks.example.com/x",
            headers: { Authorization: "Bearer x" },
          }),
        },
        unconfigured,
      );
      expectHeraldError(
        { status: response.status, body: await response.json(), headers: response.headers },
        503,
        "service_unavailable",
      );
      const lines = logged.mock.calls.map((args) => args.map(String).join(" "));
      expect(lines.some((line) => line.includes("ENCRYPTION_KEY is not set") && line.includes('"level":"error"'))).toBe(
        true,
      );
      const listed = await heraldAs(acme()).getAccountIntegrations();
      expect(listed.integrations.map((i) => i.name)).not.toContain(name);

      // Reads need the key too; what involves no secret keeps working.
      const read = await app.request(
        `${BASE}${integrationsPath}`,
        { headers: { "x-aims-auth-token": token } },
        unconfigured,
      );
      expect(read.status).toBe(503);
      const other = await app.request(
        `${BASE}/herald/v2/${ACCOUNT}/subscriptions`,
        { headers: { "x-aims-auth-token": token } },
        unconfigured,
      );
      expect(other.status).toBe(200);
    } finally {
      logged.mockRestore();
    }
  });
});
