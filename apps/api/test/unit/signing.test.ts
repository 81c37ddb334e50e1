import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  generateSigningKey,
  generateSigningSecret,
  signatureSchemeOf,
  signWebhook,
  verificationKeyOf,
  verifyWebhook,
  webhookIdFor,
} from "../../src/delivery/signing";

// The example secret from the Standard Webhooks spec and its reference libraries.
const SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const body = JSON.stringify({ type: "incidents/alerts", notification_data: { threat_level: "high" } });
const webhookId = webhookIdFor("3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102");
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function signedHeaders(options: { secrets: string[]; timestamp: number; id?: string; body?: string }) {
  const id = options.id ?? webhookId;
  const signature = await signWebhook({
    secrets: options.secrets,
    webhookId: id,
    timestamp: options.timestamp,
    body: options.body ?? body,
  });
  return { "webhook-id": id, "webhook-timestamp": String(options.timestamp), "webhook-signature": signature };
}

describe("generateSigningSecret", () => {
  it("is whsec_ and the base64 of 32 random bytes", () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(atob(secret.slice("whsec_".length))).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it("is accepted by the standardwebhooks library", async () => {
    const secret = generateSigningSecret();
    const headers = await signedHeaders({ secrets: [secret], timestamp: nowSeconds() });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });
});

describe("signWebhook", () => {
  it("produces what the standardwebhooks library computes, byte for byte", async () => {
    const timestamp = 1_614_265_330;
    const signature = await signWebhook({ secrets: [SPEC_SECRET], webhookId, timestamp, body });
    expect(signature).toBe(new Webhook(SPEC_SECRET).sign(webhookId, new Date(timestamp * 1000), body));
  });

  it("is verified by the standardwebhooks library", async () => {
    const headers = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: nowSeconds() });
    expect(new Webhook(SPEC_SECRET).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("signs with a secret given without the whsec_ prefix exactly as with it", async () => {
    const timestamp = nowSeconds();
    const bare = SPEC_SECRET.slice("whsec_".length);
    const withPrefix = await signWebhook({ secrets: [SPEC_SECRET], webhookId, timestamp, body });
    expect(await signWebhook({ secrets: [bare], webhookId, timestamp, body })).toBe(withPrefix);
  });

  it("sends one v1 entry per secret during a rotation, and either secret verifies", async () => {
    const current = generateSigningSecret();
    const previous = generateSigningSecret();
    const headers = await signedHeaders({ secrets: [current, previous], timestamp: nowSeconds() });
    const entries = headers["webhook-signature"].split(" ");
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    for (const secret of [current, previous]) {
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
      expect(await verifyWebhook({ secrets: [secret], headers, body })).toBe(true);
    }
    expect(await verifyWebhook({ secrets: [generateSigningSecret()], headers, body })).toBe(false);
  });

  it.each([
    ["no secret", { secrets: [], webhookId, timestamp: 1, body }],
    ["a secret that is not base64", { secrets: ["whsec_not base64!"], webhookId, timestamp: 1, body }],
    ["an empty secret", { secrets: ["whsec_"], webhookId, timestamp: 1, body }],
    ["an id with a dot", { secrets: [SPEC_SECRET], webhookId: "msg_a.b", timestamp: 1, body }],
    ["a fractional timestamp", { secrets: [SPEC_SECRET], webhookId, timestamp: 1.5, body }],
    ["a negative timestamp", { secrets: [SPEC_SECRET], webhookId, timestamp: -1, body }],
  ])("refuses %s", async (_name, input) => {
    await expect(signWebhook(input)).rejects.toThrow();
  });
});

describe("verifyWebhook", () => {
  it("accepts a fresh, correctly signed request", async () => {
    const headers = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: nowSeconds() });
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body })).toBe(true);
  });

  it("accepts a signature made by the standardwebhooks library", async () => {
    const timestamp = nowSeconds();
    const signature = new Webhook(SPEC_SECRET).sign(webhookId, new Date(timestamp * 1000), body);
    const headers = { "webhook-id": webhookId, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body })).toBe(true);
  });

  it("reads a Headers object, whatever the header case", async () => {
    const plain = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: nowSeconds() });
    const headers = new Headers({
      "Webhook-Id": plain["webhook-id"],
      "WEBHOOK-TIMESTAMP": plain["webhook-timestamp"],
      "Webhook-Signature": plain["webhook-signature"],
    });
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body })).toBe(true);
    const record = { "Webhook-Id": plain["webhook-id"], ...omit(plain, "webhook-id") };
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers: record, body })).toBe(true);
  });

  it("accepts Svix's svix-* headers (Resend's webhooks)", async () => {
    const timestamp = nowSeconds();
    const plain = await signedHeaders({ secrets: [SPEC_SECRET], timestamp });
    const headers = new Headers({
      "svix-id": plain["webhook-id"],
      "svix-timestamp": plain["webhook-timestamp"],
      "svix-signature": plain["webhook-signature"],
    });
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body })).toBe(true);
    expect(await verifyWebhook({ secrets: [generateSigningSecret()], headers, body })).toBe(false);
  });

  it("accepts a signature list with entries it does not understand", async () => {
    const headers = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: nowSeconds() });
    headers["webhook-signature"] = `v1a,${"A".repeat(86)}== v2,abc v1,!!! ${headers["webhook-signature"]}`;
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body })).toBe(true);
  });

  it("uses any of the receiver's secrets", async () => {
    const headers = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: nowSeconds() });
    const secrets = ["whsec_!!", generateSigningSecret(), SPEC_SECRET];
    expect(await verifyWebhook({ secrets, headers, body })).toBe(true);
  });

  const now = 1_700_000_000;
  type Tamper = (headers: Record<string, string>) => { headers: Record<string, string>; body?: string };
  it.each<[string, Tamper]>([
    ["a changed body", (headers) => ({ headers, body: `${body} ` })],
    ["a changed id", (headers) => ({ headers: { ...headers, "webhook-id": "msg_other" } })],
    [
      "an old timestamp (more than 5 minutes)",
      (headers) => ({ headers: { ...headers, "webhook-timestamp": `${now - 301}` } }),
    ],
    [
      "a future timestamp (more than 5 minutes)",
      (headers) => ({ headers: { ...headers, "webhook-timestamp": `${now + 301}` } }),
    ],
    ["a timestamp that is not a number", (headers) => ({ headers: { ...headers, "webhook-timestamp": "soon" } })],
    ["a timestamp in milliseconds", (headers) => ({ headers: { ...headers, "webhook-timestamp": `${now * 1000}` } })],
    ["a missing id", (headers) => ({ headers: omit(headers, "webhook-id") })],
    ["a missing timestamp", (headers) => ({ headers: omit(headers, "webhook-timestamp") })],
    ["a missing signature", (headers) => ({ headers: omit(headers, "webhook-signature") })],
    ["an empty signature", (headers) => ({ headers: { ...headers, "webhook-signature": "" } })],
    [
      "a v1a entry carrying the v1 signature",
      (headers) => ({
        headers: { ...headers, "webhook-signature": headers["webhook-signature"]!.replace("v1,", "v1a,") },
      }),
    ],
    [
      "a truncated signature",
      (headers) => ({
        headers: { ...headers, "webhook-signature": headers["webhook-signature"]!.slice(0, 20) },
      }),
    ],
  ])("rejects %s", async (_name, tamper) => {
    const signed = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: now });
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers: signed, body, now })).toBe(true);
    const tampered = tamper(signed);
    const result = await verifyWebhook({
      secrets: [SPEC_SECRET],
      headers: tampered.headers,
      body: tampered.body ?? body,
      now,
    });
    expect(result).toBe(false);
  });

  it("rejects a wrong secret", async () => {
    const headers = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: now });
    expect(await verifyWebhook({ secrets: [generateSigningSecret()], headers, body, now })).toBe(false);
    expect(await verifyWebhook({ secrets: [], headers, body, now })).toBe(false);
  });

  it("accepts timestamps exactly at the tolerance, and honours a custom tolerance", async () => {
    for (const timestamp of [now - 300, now + 300]) {
      const headers = await signedHeaders({ secrets: [SPEC_SECRET], timestamp });
      expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body, now })).toBe(true);
      expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body, now, toleranceSeconds: 299 })).toBe(false);
    }
  });

  it("re-signing a retry with a fresh timestamp keeps the id and verifies again", async () => {
    const first = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: now });
    const retry = await signedHeaders({ secrets: [SPEC_SECRET], timestamp: now + 3600 });
    expect(retry["webhook-id"]).toBe(first["webhook-id"]);
    expect(retry["webhook-signature"]).not.toBe(first["webhook-signature"]);
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers: retry, body, now: now + 3600 })).toBe(true);
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers: first, body, now: now + 3600 })).toBe(false);
  });
});

describe("webhookIdFor", () => {
  it("prefixes the delivery id with msg_", () => {
    expect(webhookIdFor("01HZX3Y8Q7")).toBe("msg_01HZX3Y8Q7");
  });

  it.each(["", "a.b"])("refuses %j, which cannot be part of the signed content", (id) => {
    expect(() => webhookIdFor(id)).toThrow();
  });
});

function omit(record: Record<string, string>, key: string): Record<string, string> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

describe("Ed25519 signing keys", () => {
  it("generates keys of each scheme, and tells a stored key's scheme and what verifies it", async () => {
    const hmac = await generateSigningKey();
    expect(hmac).toMatch(/^whsec_/);
    expect(signatureSchemeOf(hmac)).toBe("hmac-sha256");
    expect(verificationKeyOf(hmac)).toBe(hmac);

    const ed25519 = await generateSigningKey("ed25519");
    expect(ed25519).toMatch(/^whsk_/);
    expect(signatureSchemeOf(ed25519)).toBe("ed25519");
    expect(verificationKeyOf(ed25519)).toMatch(/^whpk_/);
    expect(() => verificationKeyOf("whsk_AAAA")).toThrow(/64-byte/);
  });

  it("signs a v1a entry for an Ed25519 key beside a v1 entry for an HMAC secret; receipts verify only the HMAC", async () => {
    const ed25519 = await generateSigningKey("ed25519");
    const headers = await signedHeaders({ secrets: [ed25519, SPEC_SECRET], timestamp: nowSeconds() });
    expect(headers["webhook-signature"].split(" ").map((entry) => entry.split(",")[0])).toEqual(["v1a", "v1"]);
    expect(new Webhook(SPEC_SECRET).verify(body, headers)).toEqual(JSON.parse(body));
    // verifyWebhook checks read receipts, which receivers sign with a whsec_ secret: an Ed25519 key matches nothing.
    expect(await verifyWebhook({ secrets: [SPEC_SECRET], headers, body })).toBe(true);
    expect(await verifyWebhook({ secrets: [ed25519], headers, body })).toBe(false);
  });
});
