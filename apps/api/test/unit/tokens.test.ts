import { sign } from "hono/jwt";
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

  it("carries a portal session's grant, and rejects a token whose grant does not read as one", async () => {
    const keys = { current: "unit-secret-portal" };
    const portal = { linkId: "L-1", integrationIds: ["I-1", "I-2"] };
    const scoped = await issueToken({ ...claims, role: "write", portal }, keys, now(), 60);
    expect((await verifyToken(scoped.token, keys))?.portal).toEqual(portal);
    const whole = await issueToken(
      { ...claims, role: "read", portal: { linkId: "L-2", integrationIds: null } },
      keys,
      now(),
      60,
    );
    expect((await verifyToken(whole.token, keys))?.portal).toEqual({ linkId: "L-2", integrationIds: null });
    expect((await verifyToken((await issueToken(claims, keys, now(), 60)).token, keys))?.portal).toBeUndefined();

    const signed = (prt: unknown, extra: Record<string, unknown> = {}) =>
      sign(
        { iss: "herald", sub: "portal:L", acc: "12345678", role: "read", exp: now() + 60, prt, ...extra },
        keys.current,
        "HS256",
      );
    for (const prt of [null, "L", { ids: null }, { lnk: "L" }, { lnk: "L", ids: "I-1" }, { lnk: "L", ids: [1] }]) {
      expect(await verifyToken(await signed(prt), keys), JSON.stringify(prt)).toBeUndefined();
    }
    // A portal grant never comes with the admin role or platform administration.
    expect(await verifyToken(await signed({ lnk: "L", ids: null }, { role: "admin" }), keys)).toBeUndefined();
    expect(await verifyToken(await signed({ lnk: "L", ids: null }, { pa: true }), keys)).toBeUndefined();
    expect(await verifyToken(await signed({ lnk: "L", ids: null }), keys)).toMatchObject({ role: "read" });
  });
});
