import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import {
  checkTimestamp,
  decodeSecret,
  generateSecret,
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
