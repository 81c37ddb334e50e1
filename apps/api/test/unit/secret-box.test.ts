import { describe, expect, it } from "vitest";
import {
  isCredentialHeader,
  keepMaskedCredentials,
  maskCredential,
  maskHeaders,
} from "../../src/security/integration-secrets";
import {
  createSecretBox,
  generateEncryptionKey,
  isSealed,
  SecretBoxError,
  SecretBoxUnavailableError,
  secretBoxFor,
} from "../../src/security/secret-box";
import type { EncryptionKeys } from "../../src/settings";

const KEY_A = "Hrn4oHEgYoQKaqlJoYq2gWQUD6FpAtmq0E6kueCu8kA=";
const KEY_B = "w74pWnT+5P/ENQ7kL4JS+vZym0aqeJV2/l5BF67oTDA=";
const onlyA: EncryptionKeys = { current: { id: "a", key: KEY_A } };
const SEALED = /^enc:v2:([A-Za-z0-9_-]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/;
/** What a value belongs to, as integration-secrets.ts names it. */
const CTX = "integrations/0C1D/signing_secret";

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

describe("createSecretBox", () => {
  it("seals as enc:v2:<key id>:<base64 96-bit iv>:<base64 ciphertext and tag>", async () => {
    const box = await createSecretBox(onlyA);
    const sealed = await box.seal("whsec_abc", CTX);
    const [, keyId, iv, ciphertext] = SEALED.exec(sealed) ?? [];
    expect(keyId).toBe("a");
    expect(fromBase64(iv ?? "")).toHaveLength(12);
    // AES-GCM: as long as the plaintext, plus a 16-byte tag.
    expect(fromBase64(ciphertext ?? "")).toHaveLength("whsec_abc".length + 16);
    expect(sealed).not.toContain("whsec_abc");
    expect(isSealed(sealed)).toBe(true);
  });

  it.each(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "Bearer eyJhbGciOi.x.y", "", "ünïcødé ✓ 🔑", "a:b:c"])(
    "opens what it sealed: %j",
    async (plaintext) => {
      const box = await createSecretBox(onlyA);
      expect(await box.open(await box.seal(plaintext, CTX), CTX)).toBe(plaintext);
    },
  );

  it("uses a fresh IV for every value: the same plaintext never seals the same way twice", async () => {
    const box = await createSecretBox(onlyA);
    const sealed = await Promise.all(Array.from({ length: 50 }, () => box.seal("same secret", CTX)));
    expect(new Set(sealed).size).toBe(50);
    expect(new Set(sealed.map((value) => value.split(":")[3])).size).toBe(50);
  });

  it("is standard AES-256-GCM: opens a value sealed by another implementation (Node's crypto)", async () => {
    const box = await createSecretBox(onlyA);
    // node -e 'createCipheriv("aes-256-gcm", KEY_A, iv 000102..0b).setAAD(CTX)' over "Bearer s3cr3t-token", tag
    // appended.
    const fromNode = "enc:v2:a:AAECAwQFBgcICQoL:82yLHKMOf1O5THmWUA6G/Uo1Z+hiqucvMgYentywEhO+tD0=";
    expect(await box.open(fromNode, CTX)).toBe("Bearer s3cr3t-token");
  });

  it("opens a v1 value, sealed before values were bound to their field, and counts it as stale", async () => {
    const box = await createSecretBox(onlyA);
    // The same cipher without additional data: how v1 sealed.
    const v1 = "enc:v1:a:AAECAwQFBgcICQoL:82yLHKMOf1O5THmWUA6G/Uo1Z467SaWW1QWe815srX9tCcc=";
    expect(await box.open(v1, CTX)).toBe("Bearer s3cr3t-token");
    expect(box.isStale(v1)).toBe(true);
  });

  it("refuses a value moved to another field or integration: the context is authenticated", async () => {
    const box = await createSecretBox(onlyA);
    const sealed = await box.seal("Bearer s3cr3t-token", "integrations/A/headers/authorization");
    await expect(box.open(sealed, "integrations/B/headers/authorization")).rejects.toBeInstanceOf(SecretBoxError);
    await expect(box.open(sealed, "integrations/A/headers/x-api-key")).rejects.toThrow(/moved from another field/);
    expect(await box.open(sealed, "integrations/A/headers/authorization")).toBe("Bearer s3cr3t-token");
  });

  it.each([
    ["a flipped ciphertext bit", (parts: string[]) => flip(parts, 4)],
    ["a flipped IV bit", (parts: string[]) => flip(parts, 3)],
    ["a truncated ciphertext", (parts: string[]) => [...parts.slice(0, 4), (parts[4] ?? "").slice(0, 8)]],
    ["an IV of the wrong length", (parts: string[]) => [...parts.slice(0, 3), "AAAA", parts[4] ?? ""]],
    ["an extra segment", (parts: string[]) => [...parts, "x"]],
    ["an unknown version", (parts: string[]) => ["enc", "v3", ...parts.slice(2)]],
    ["a v2 value relabelled v1 (its context dropped)", (parts: string[]) => ["enc", "v1", ...parts.slice(2)]],
    ["no ciphertext", (parts: string[]) => parts.slice(0, 4)],
    ["non-base64 ciphertext", (parts: string[]) => [...parts.slice(0, 4), "!!!!"]],
  ])("refuses %s with SecretBoxError", async (_label, tamper) => {
    const box = await createSecretBox(onlyA);
    const tampered = tamper((await box.seal("whsec_abc", CTX)).split(":")).join(":");
    await expect(box.open(tampered, CTX)).rejects.toBeInstanceOf(SecretBoxError);
  });

  it("refuses a value sealed by another key under the same id", async () => {
    const sealedByB = await (await createSecretBox({ current: { id: "a", key: KEY_B } })).seal("whsec_abc", CTX);
    await expect((await createSecretBox(onlyA)).open(sealedByB, CTX)).rejects.toBeInstanceOf(SecretBoxError);
  });

  it("rotates: the previous key still opens old values, new values use the current key", async () => {
    const before = await createSecretBox(onlyA);
    const old = await before.seal("sealed before the rotation", CTX);
    const after = await createSecretBox({ current: { id: "b", key: KEY_B }, previous: { id: "a", key: KEY_A } });
    expect(await after.open(old, CTX)).toBe("sealed before the rotation");
    const fresh = await after.seal("sealed after", CTX);
    expect(fresh.startsWith("enc:v2:b:")).toBe(true);
    expect(after.isStale(old)).toBe(true);
    expect(after.isStale(fresh)).toBe(false);
    expect(after.isStale("whsec_plaintext")).toBe(true);

    // Once the previous key is dropped, a value still under it is a configuration problem, said as such.
    const dropped = await createSecretBox({ current: { id: "b", key: KEY_B } });
    await expect(dropped.open(old, CTX)).rejects.toBeInstanceOf(SecretBoxUnavailableError);
    await expect(dropped.open(old, CTX)).rejects.toThrow(/key id 'a'/);
    expect(await dropped.open(fresh, CTX)).toBe("sealed after");
  });

  it("passes a value without the enc: prefix through: it was stored before encryption existed", async () => {
    const box = await createSecretBox(onlyA);
    expect(await box.open("whsec_legacy", CTX)).toBe("whsec_legacy");
  });

  it.each([
    ["too short", btoa("x".repeat(16))],
    ["too long", btoa("x".repeat(33))],
    ["not base64", "not base64 at all!"],
  ])("refuses a key that is %s", async (_label, key) => {
    await expect(createSecretBox({ current: { id: "a", key } })).rejects.toBeInstanceOf(SecretBoxUnavailableError);
  });
});

describe("secretBoxFor", () => {
  it("fails on use, not on construction, when the key is missing: nothing is sealed or opened", async () => {
    const box = secretBoxFor(undefined);
    await expect(box.seal("whsec_abc", CTX)).rejects.toBeInstanceOf(SecretBoxUnavailableError);
    await expect(box.open("whsec_legacy", CTX)).rejects.toBeInstanceOf(SecretBoxUnavailableError);
  });

  it("works like createSecretBox when configured", async () => {
    const box = secretBoxFor(onlyA);
    const sealed = await box.seal("whsec_abc", CTX);
    expect(await (await createSecretBox(onlyA)).open(sealed, CTX)).toBe("whsec_abc");
    expect(box.isStale(sealed)).toBe(false);
  });
});

describe("generateEncryptionKey", () => {
  it("is the base64 of 32 random bytes, usable as ENCRYPTION_KEY", async () => {
    const key = generateEncryptionKey();
    expect(fromBase64(key)).toHaveLength(32);
    expect(generateEncryptionKey()).not.toBe(key);
    const box = await createSecretBox({ current: { id: "k", key } });
    expect(await box.open(await box.seal("x", CTX), CTX)).toBe("x");
  });
});

describe("credential headers", () => {
  it.each([
    "Authorization",
    "authorization",
    "Proxy-Authorization",
    "Cookie",
    "X-Api-Key",
    "X-API-KEY",
    "Api-Key",
    "X-Auth",
    "X-Auth-Token",
    "X-Access-Token",
    "X-Client-Secret",
    "X-Password",
    "DD-API-KEY",
    "X-Webhook-Secret",
    "keyid",
  ])("treats %s as a credential", (name) => {
    expect(isCredentialHeader(name)).toBe(true);
  });

  it.each(["X-Header", "Content-Language", "Accept", "X-Tenant", "X-Request-Source", "Keep-Alive-Hint"])(
    "treats %s as an ordinary header",
    (name) => {
      expect(isCredentialHeader(name)).toBe(false);
    },
  );

  it("masks all but the last four characters, and all of a short value", () => {
    expect(maskCredential("Bearer abcdefgh1234")).toBe("****1234");
    expect(maskCredential("12345678")).toBe("****5678");
    expect(maskCredential("1234567")).toBe("****");
    expect(maskCredential("")).toBe("****");
    expect(maskHeaders({ Authorization: "Bearer abcdefgh1234", "X-Header": "HeaderValue" })).toEqual({
      Authorization: "****1234",
      "X-Header": "HeaderValue",
    });
  });

  it("keeps a credential when its masked value is sent back, and takes any other value", () => {
    const current = { Authorization: "Bearer old-token-9999", "X-Api-Key": "short" };
    expect(
      keepMaskedCredentials(current, {
        authorization: "****9999",
        "X-Api-Key": "****",
        "X-Header": "****",
      }),
    ).toEqual({ authorization: "Bearer old-token-9999", "X-Api-Key": "short", "X-Header": "****" });
    expect(keepMaskedCredentials(current, { Authorization: "****0000" })).toEqual({ Authorization: "****0000" });
    expect(keepMaskedCredentials(current, { Authorization: "Bearer new" })).toEqual({ Authorization: "Bearer new" });
  });
});

function flip(parts: string[], index: number): string[] {
  const bytes = fromBase64(parts[index] ?? "");
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  const copy = [...parts];
  copy[index] = btoa(String.fromCharCode(...bytes));
  return copy;
}
