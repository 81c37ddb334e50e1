import { describe, expect, it } from "vitest";
import { issueToken, verifyToken } from "../../src/auth/tokens";

const claims = { userId: "U-1", accountId: "12345678", role: "admin" as const, platformAdmin: false };
const now = () => Math.floor(Date.now() / 1000);

describe("verifyToken", () => {
  it("answers a verified token's claims again, without trusting them past their expiry", async () => {
    const keys = { current: "unit-secret-a" };
    const { token, expiresAt } = await issueToken(claims, keys, now(), 60);
    expect(await verifyToken(token, keys)).toMatchObject({ ...claims, expiresAt });
    // The second answer comes from the cache of verified tokens: the same claims, until `exp`.
    expect(await verifyToken(token, keys)).toMatchObject({ ...claims, expiresAt });
    expect(await verifyToken(token, keys, expiresAt - 1)).toBeDefined();
    expect(await verifyToken(token, keys, expiresAt)).toBeUndefined();
  });

  it("stops accepting a token once the key that signed it is rotated out", async () => {
    const old = { current: "unit-secret-old" };
    const { token } = await issueToken(claims, old, now(), 60);
    const rotating = { current: "unit-secret-new", previous: "unit-secret-old" };
    expect(await verifyToken(token, rotating)).toBeDefined();
    expect(await verifyToken(token, { current: "unit-secret-new" })).toBeUndefined();
  });

  it("never takes a tampered token for the verified one", async () => {
    const keys = { current: "unit-secret-b" };
    const { token } = await issueToken(claims, keys, now(), 60);
    expect(await verifyToken(token, keys)).toBeDefined();
    const [header, payload, signature] = token.split(".");
    const forged = JSON.parse(atob((payload as string).replace(/-/g, "+").replace(/_/g, "/")));
    forged.acc = "87654321";
    const forgedPayload = btoa(JSON.stringify(forged)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect(await verifyToken(`${header}.${forgedPayload}.${signature}`, keys)).toBeUndefined();
    expect(await verifyToken(`${token}x`, keys)).toBeUndefined();
  });

  it("names the access key it was issued for and carries an id of its own, never the same twice", async () => {
    const keys = { current: "unit-secret-c" };
    const first = await issueToken({ ...claims, accessKeyId: "key-1" }, keys, now(), 60);
    const second = await issueToken({ ...claims, accessKeyId: "key-1" }, keys, now(), 60);
    const [a, b] = [await verifyToken(first.token, keys), await verifyToken(second.token, keys)];
    expect(a).toMatchObject({ ...claims, accessKeyId: "key-1", tokenId: expect.stringMatching(/^[0-9A-F-]{36}$/) });
    expect(b?.tokenId).not.toBe(a?.tokenId);
    // One issued without an access key (as tests mint them) names none.
    const bare = await verifyToken((await issueToken(claims, keys, now(), 60)).token, keys);
    expect(bare?.accessKeyId).toBeUndefined();
  });
});
