import { sign, verify } from "hono/jwt";
import { type AuthContext, ROLES, type Role } from "./auth-context";

const ISSUER = "herald";
export const DEFAULT_TOKEN_TTL_SECONDS = 6 * 60 * 60;

export interface TokenKeys {
  current: string;
  previous?: string | undefined;
}

export async function issueToken(
  claims: Omit<AuthContext, "expiresAt">,
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
      iat: nowSeconds,
      exp: expiresAt,
    },
    keys.current,
    "HS256",
  );
  return { token, expiresAt };
}

/** The token's claims, or undefined when it is malformed, expired or signed with another key. */
export async function verifyToken(token: string, keys: TokenKeys): Promise<AuthContext | undefined> {
  for (const key of [keys.current, keys.previous]) {
    if (!key) continue;
    try {
      const payload = await verify(token, key, { alg: "HS256", iss: ISSUER });
      return toAuthContext(payload);
    } catch {
      // Try the previous key; a token is rejected only when no key verifies it.
    }
  }
  return undefined;
}

function toAuthContext(payload: Record<string, unknown>): AuthContext | undefined {
  const { sub, acc, role, pa, exp } = payload;
  if (typeof sub !== "string" || typeof acc !== "string" || typeof exp !== "number") return undefined;
  if (!ROLES.includes(role as Role)) return undefined;
  return { userId: sub, accountId: acc, role: role as Role, platformAdmin: pa === true, expiresAt: exp };
}
