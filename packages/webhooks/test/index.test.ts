import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import {
  checkTimestamp,
  decodePublicKey,
  decodeSecret,
  decodeSecretKey,
  decodeSigningKey,
  decodeVerificationKey,
  generateKeyPair,
  generateSecret,
  publicKeyOf,
  readSignedHeaders,
  STANDARD_HEADERS,
  SVIX_HEADERS,
  sign,
  verifySignature,
} from "../src/index";

// The example secret of the Standard Webhooks spec and its reference libraries.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const BODY = JSON.stringify({ id: "N1", type: "incidents/alerts" });
const key = (secret: string) => decodeSecret(secret) ?? expect.unreachable(`${secret} does not decode`);

describe("sign and verifySignature", () => {
  it("sign what the reference library signs, byte for byte, from a string or bytes", async () => {
    const expected = new Webhook(SECRET).sign("msg_1", new Date(1_614_265_330_000), BODY);
    const input = { keys: [key(SECRET)], id: "msg_1", timestamp: 1_614_265_330 };
    expect(await sign({ ...input, body: BODY })).toBe(expected);
    expect(await sign({ ...input, body: new TextEncoder().encode(BODY) })).toBe(expected);
  });

  it("verify any matching v1 entry with any key, and nothing else", async () => {
    const other = generateSecret();
    const signature = await sign({ keys: [key(other), key(SECRET)], id: "msg_1", timestamp: 1, body: BODY });
    const signed = { id: "msg_1", timestamp: "1", body: BODY };
    expect(await verifySignature({ ...signed, signature, keys: [key(SECRET)] })).toBe(true);
    expect(await verifySignature({ ...signed, signature: `v2,x v1,!! ${signature}`, keys: [key(other)] })).toBe(true);
    expect(await verifySignature({ ...signed, signature, keys: [key(generateSecret())] })).toBe(false);
    expect(await verifySignature({ ...signed, signature, keys: [] })).toBe(false);
    expect(await verifySignature({ ...signed, body: `${BODY} `, signature, keys: [key(SECRET)] })).toBe(false);
    expect(await verifySignature({ ...signed, timestamp: "2", signature, keys: [key(SECRET)] })).toBe(false);
  });

  it("refuse no key, an id with a dot, and a timestamp that is not unix seconds", async () => {
    const input = { keys: [key(SECRET)], id: "msg_1", timestamp: 1, body: BODY };
    await expect(sign({ ...input, keys: [] })).rejects.toThrow(TypeError);
    await expect(sign({ ...input, id: "msg.1" })).rejects.toThrow(TypeError);
    await expect(sign({ ...input, timestamp: 1.5 })).rejects.toThrow(TypeError);
  });
});

// RFC 8032 section 7.1, test 1: its secret key (seed) and public key, as `whsk_` (seed then public key) and `whpk_`.
// The `v1a` entry was made by another Ed25519 implementation (Python's `cryptography`, OpenSSL underneath) over
// `msg_1.1614265330.${BODY}`: Ed25519 is deterministic, so an implementation that agrees makes the same bytes.
const RFC_SECRET_KEY = "whsk_nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvAhpo9wdRGg==";
const RFC_PUBLIC_KEY = "whpk_11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const RFC_V1A = "v1a,0txYCjZNku1Rh9rZZwMswwphTGS2Z9fSOedf+PQQzamY5Bqvjv5DrLOPbM0XdTDPOUd9b9InwDa9tthY78ccCQ==";
const secretKey = (text: string) => decodeSecretKey(text) ?? expect.unreachable(`${text} does not decode`);
const publicKey = (text: string) => decodePublicKey(text) ?? expect.unreachable(`${text} does not decode`);

describe("Ed25519 (v1a)", () => {
  it("signs the spec's content as another implementation does, from the 64-byte key or the seed alone", async () => {
    const input = { id: "msg_1", timestamp: 1_614_265_330, body: BODY };
    expect(await sign({ ...input, keys: [secretKey(RFC_SECRET_KEY)] })).toBe(RFC_V1A);
    const seedOnly = `whsk_${btoa(String.fromCharCode(...secretKey(RFC_SECRET_KEY).seed))}`;
    expect(await sign({ ...input, keys: [secretKey(seedOnly)] })).toBe(RFC_V1A);
  });

  it("verifies a v1a entry with its public key only: not another key, another body, or an HMAC secret", async () => {
    const signed = { id: "msg_1", timestamp: "1614265330", body: BODY, signature: RFC_V1A };
    const other = await generateKeyPair();
    expect(await verifySignature({ ...signed, keys: [publicKey(RFC_PUBLIC_KEY)] })).toBe(true);
    expect(await verifySignature({ ...signed, keys: [publicKey(other.publicKey), publicKey(RFC_PUBLIC_KEY)] })).toBe(
      true,
    );
    expect(await verifySignature({ ...signed, keys: [publicKey(other.publicKey)] })).toBe(false);
    expect(await verifySignature({ ...signed, body: `${BODY} `, keys: [publicKey(RFC_PUBLIC_KEY)] })).toBe(false);
    expect(await verifySignature({ ...signed, timestamp: "1614265331", keys: [publicKey(RFC_PUBLIC_KEY)] })).toBe(
      false,
    );
    // The same bytes as a v1 entry are not an Ed25519 signature, and a v1a entry is not an HMAC.
    const asV1 = RFC_V1A.replace("v1a,", "v1,");
    expect(await verifySignature({ ...signed, signature: asV1, keys: [publicKey(RFC_PUBLIC_KEY)] })).toBe(false);
    expect(await verifySignature({ ...signed, keys: [key(SECRET)] })).toBe(false);
  });

  it("signs with HMAC secrets and Ed25519 keys side by side (a scheme switch's overlap), each verifying its entry", async () => {
    const pair = await generateKeyPair();
    const input = { id: "msg_1", timestamp: 1_614_265_330, body: BODY };
    const signature = await sign({ ...input, keys: [secretKey(pair.secretKey), key(SECRET)] });
    const [ed25519Entry, hmacEntry] = signature.split(" ");
    expect(ed25519Entry).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
    // The HMAC entry is still the one the reference library makes.
    expect(hmacEntry).toBe(new Webhook(SECRET).sign("msg_1", new Date(1_614_265_330_000), BODY));
    const signed = { id: "msg_1", timestamp: "1614265330", body: BODY, signature };
    expect(await verifySignature({ ...signed, keys: [publicKey(pair.publicKey)] })).toBe(true);
    expect(await verifySignature({ ...signed, keys: [key(SECRET)] })).toBe(true);
    expect(
      await verifySignature({ ...signed, signature: hmacEntry as string, keys: [publicKey(pair.publicKey)] }),
    ).toBe(false);
  });

  it("generates key pairs whose secret key carries the public key, each pair new", async () => {
    const pair = await generateKeyPair();
    expect(pair.secretKey).toMatch(/^whsk_[A-Za-z0-9+/]{86}==$/);
    expect(pair.publicKey).toMatch(/^whpk_[A-Za-z0-9+/]{43}=$/);
    expect(publicKeyOf(pair.secretKey)).toBe(pair.publicKey);
    expect(publicKeyOf(RFC_SECRET_KEY)).toBe(RFC_PUBLIC_KEY);
    expect((await generateKeyPair()).secretKey).not.toBe(pair.secretKey);
  });

  it("decodes keys by prefix, and refuses wrong lengths, wrong prefixes and text that is not base64", () => {
    expect(decodeSigningKey(RFC_SECRET_KEY)).toEqual(decodeSecretKey(RFC_SECRET_KEY));
    expect(decodeSigningKey(SECRET)).toEqual(decodeSecret(SECRET));
    expect(decodeVerificationKey(RFC_PUBLIC_KEY)).toEqual(decodePublicKey(RFC_PUBLIC_KEY));
    expect(decodeVerificationKey(SECRET)).toEqual(decodeSecret(SECRET));
    expect(decodeVerificationKey(RFC_SECRET_KEY)).toBeUndefined(); // a secret key is not for receivers
    expect(decodePublicKey(`whpk_${btoa("x".repeat(31))}`)).toBeUndefined();
    expect(decodeSecretKey(`whsk_${btoa("x".repeat(48))}`)).toBeUndefined();
    expect(decodePublicKey("whpk_not base64!")).toBeUndefined();
    expect(decodePublicKey(SECRET)).toBeUndefined();
    expect(publicKeyOf(SECRET)).toBeUndefined();
  });
});

describe("secrets", () => {
  it("decode with or without whsec_, and not when empty or not base64", () => {
    expect(decodeSecret(SECRET)).toEqual(decodeSecret(SECRET.slice("whsec_".length)));
    expect(decodeSecret("whsec_")).toBeUndefined();
    expect(decodeSecret("whsec_not base64!")).toBeUndefined();
    expect(decodeSecret(generateSecret())).toHaveLength(32);
  });
});

describe("checkTimestamp", () => {
  it("accepts the tolerance either way and no further", () => {
    expect(checkTimestamp("1000", 1300)).toBe("fresh");
    expect(checkTimestamp("1000", 700)).toBe("fresh");
    expect(checkTimestamp("1000", 1301)).toBe("too_old");
    expect(checkTimestamp("1000", 699)).toBe("too_new");
    expect(checkTimestamp("1000", 4600, 3600)).toBe("fresh");
    expect(checkTimestamp("1e3", 1000)).toBe("invalid");
    expect(checkTimestamp("-1", 1000)).toBe("invalid");
  });
});

describe("readSignedHeaders", () => {
  const values = { id: "msg_1", timestamp: "1", signature: "v1,abc" };
  it("reads Headers and plain objects in any case, trimmed, arrays joined", () => {
    const headers = new Headers({ "Webhook-Id": "msg_1", "webhook-timestamp": " 1 ", "webhook-signature": "v1,abc" });
    expect(readSignedHeaders(headers)).toEqual(values);
    const record = {
      "WEBHOOK-ID": "msg_1",
      "webhook-timestamp": ["1"],
      "webhook-signature": "v1,abc",
      other: undefined,
    };
    expect(readSignedHeaders(record)).toEqual(values);
  });

  it("takes the first complete set of names, and none when each lacks a header", () => {
    const svix = { "svix-id": "msg_1", "svix-timestamp": "1", "svix-signature": "v1,abc", "webhook-id": "msg_2" };
    expect(readSignedHeaders(svix, [STANDARD_HEADERS, SVIX_HEADERS])).toEqual(values);
    expect(readSignedHeaders(svix)).toBeUndefined();
    expect(readSignedHeaders({ "webhook-id": "msg_1", "webhook-timestamp": "1", "webhook-signature": " " })).toBe(
      undefined,
    );
  });
});

describe("imported keys", () => {
  it("imports a secret's key once for many signatures and verifications, and signs the same with it", async () => {
    const secret = generateSecret();
    const importKey = vi.spyOn(crypto.subtle, "importKey");
    try {
      const signatures = [];
      for (let i = 0; i < 5; i++)
        signatures.push(await sign({ keys: [key(secret)], id: "msg_1", timestamp: 1, body: BODY }));
      for (const signature of signatures) {
        const ok = await verifySignature({ id: "msg_1", timestamp: "1", signature, keys: [key(secret)], body: BODY });
        expect(ok).toBe(true);
      }
      expect(new Set(signatures).size).toBe(1);
      expect(importKey).toHaveBeenCalledTimes(2); // one for signing, one for verifying
    } finally {
      importKey.mockRestore();
    }
  });
});
