import { sign, verify } from "hono/jwt";
import { type AuthContext, type PortalGrant, ROLES, type Role } from "./auth-context";

const ISSUER = "herald";

export interface TokenKeys {
  current: string;
  previous?: string | undefined;
}

/** A signed token for `claims`, with an id of its own (`jti`) that the audit log names it by. */
export async function issueToken(
  claims: Omit<AuthContext, "expiresAt" | "tokenId">,
  keys: TokenKeys,
  nowSeconds: number,
  ttlSeconds: number,
) {
  const expiresAt = nowSeconds + ttlSeconds;
  const token = await sign(
    {
      iss: ISSUER,
      sub: claims.userId,
      acc: claims.accountId,
      role: claims.role,
      pa: claims.platformAdmin,
      ...(claims.accessKeyId !== undefined ? { key: claims.accessKeyId } : {}),
      ...(claims.portal !== undefined ? { prt: { lnk: claims.portal.linkId, ids: claims.portal.integrationIds } } : {}),
      jti: crypto.randomUUID().toUpperCase(),
      iat: nowSeconds,
      exp: expiresAt,
    },
    keys.current,
    "HS256",
  );
  return { token, expiresAt };
}

/** The token's claims, or undefined when it is malformed, expired or signed with another key. */
export async function verifyToken(
  token: string,
  keys: TokenKeys,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<AuthContext | undefined> {
  const verified = verifiedTokens(keys);
  const known = verified.get(token);
  if (known) {
    if (known.expiresAt > nowSeconds) return known;
    verified.delete(token);
    return undefined;
  }
  for (const key of [keys.current, keys.previous]) {
    if (!key) continue;
    try {
      const payload = await verify(token, key, { alg: "HS256", iss: ISSUER });
      const auth = toAuthContext(payload);
      if (auth) remember(verified, token, Object.freeze(auth));
      return auth;
    } catch {
      // Try the previous key; a token is rejected only when no key verifies it.
    }
  }
  return undefined;
}

// A token is immutable and its claims hold until `exp`, so a verified one need not be verified again: a client sends
// the same token with every request for hours, and the HMAC check (key import included) is the largest cost of an
// authenticated read. Per set of keys, so a rotated-out secret stops verifying; bounded, oldest forgotten first.
const MAX_VERIFIED_TOKENS = 10_000;
const verifiedByKeys = new Map<string, Map<string, AuthContext>>();

function verifiedTokens(keys: TokenKeys): Map<string, AuthContext> {
  const id = `${keys.current}\n${keys.previous ?? ""}`;
  let verified = verifiedByKeys.get(id);
  if (!verified) {
    verifiedByKeys.clear();
    verified = new Map();
    verifiedByKeys.set(id, verified);
  }
  return verified;
}

function remember(verified: Map<string, AuthContext>, token: string, auth: AuthContext) {
  if (verified.size >= MAX_VERIFIED_TOKENS) verified.delete(verified.keys().next().value as string);
  verified.set(token, auth);
}

function toAuthContext(payload: Record<string, unknown>): AuthContext | undefined {
  const { sub, acc, role, pa, exp, key, jti, prt } = payload;
  if (typeof sub !== "string" || typeof acc !== "string" || typeof exp !== "number") return undefined;
  if (!ROLES.includes(role as Role)) return undefined;
  let portal: PortalGrant | undefined;
  if (prt !== undefined) {
    // A portal session's grant is all or nothing: a claim that does not read as one rejects the token.
    portal = toPortalGrant(prt);
    if (!portal || role === "admin" || pa === true) return undefined;
  }
  return {
    userId: sub,
    accountId: acc,
    role: role as Role,
    platformAdmin: pa === true,
    expiresAt: exp,
    ...(typeof key === "string" ? { accessKeyId: key } : {}),
    ...(typeof jti === "string" ? { tokenId: jti } : {}),
    ...(portal ? { portal } : {}),
  };
}

function toPortalGrant(claim: unknown): PortalGrant | undefined {
  if (typeof claim !== "object" || claim === null) return undefined;
  const { lnk, ids } = claim as Record<string, unknown>;
  if (typeof lnk !== "string") return undefined;
  if (ids === null) return { linkId: lnk, integrationIds: null };
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === "string")) return undefined;
  return { linkId: lnk, integrationIds: Object.freeze([...ids]) };
}
