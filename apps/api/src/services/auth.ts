import type { AuthenticateResponse, TokenInfo } from "@herald/contracts";
import { findAccessKey, findAccount, findUser } from "@herald/db";
import type { AuthContext } from "../auth/auth-context";
import { secretMatches } from "../auth/secrets";
import { issueToken } from "../auth/tokens";
import type { Services } from "../env";
import { ApiError } from "../errors";

/** Parses `Authorization: Basic base64(access_key_id:secret_key)`, as AIMS clients send it. */
export function parseBasicCredentials(header: string | undefined): { accessKeyId: string; secret: string } | undefined {
  const match = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!match?.[1]) return undefined;
  let decoded: string;
  try {
    decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
      Uint8Array.from(atob(match[1]), (c) => c.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
  const separator = decoded.indexOf(":");
  if (separator <= 0) return undefined;
  return { accessKeyId: decoded.slice(0, separator), secret: decoded.slice(separator + 1) };
}

/** Exchanges an access key for a token. Every failure answers the same 401, so keys cannot be probed. */
export async function authenticate(
  services: Services,
  authorization: string | undefined,
): Promise<AuthenticateResponse> {
  const credentials = parseBasicCredentials(authorization);
  const rejected = ApiError.unauthorized("invalid access key id or secret");
  if (!credentials) throw rejected;
  const found = await findAccessKey(services.db, credentials.accessKeyId);
  if (!found || !(await secretMatches(credentials.secret, found.key.secretHash))) throw rejected;
  const { token, expiresAt } = await issueToken(
    {
      accountId: found.account.id,
      userId: found.user.id,
      role: found.key.role,
      platformAdmin: found.key.platformAdmin,
      accessKeyId: found.key.id,
    },
    services.tokens.keys,
    Math.floor(services.now() / 1000),
    services.tokens.ttlSeconds,
  );
  return {
    authentication: {
      token,
      token_expiration: expiresAt,
      account: { id: found.account.id, name: found.account.name },
      user: { id: found.user.id, name: found.user.name },
    },
  };
}

export async function tokenInfo(services: Services, auth: AuthContext): Promise<TokenInfo> {
  const account = await findAccount(services.db, auth.accountId);
  if (!account) throw ApiError.unauthorized("the token's account no longer exists");
  const user = await findUser(services.db, auth.accountId, auth.userId);
  return {
    account: { id: account.id, name: account.name },
    user: { id: auth.userId, name: user?.name ?? auth.userId },
    token_expiration: auth.expiresAt,
    roles: [auth.role],
  };
}
