export const ROLES = ["read", "write", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: the claims of a verified token. */
export interface AuthContext {
  accountId: string;
  userId: string;
  role: Role;
  platformAdmin: boolean;
  expiresAt: number;
  /** The access key the token was issued for (absent from tokens issued before audit logging). */
  accessKeyId?: string | undefined;
  /** The token's own id (`jti`), which the audit log records instead of the token. */
  tokenId?: string | undefined;
  /**
   * Set on a portal session (a portal link's code, exchanged): which integrations it may see and change, or null for
   * the whole account. What a portal session may do is decided centrally (middleware/portal.ts, auth/scope.ts).
   */
  portal?: PortalGrant | undefined;
}

export interface PortalGrant {
  /** The portal link the session came from. */
  linkId: string;
  integrationIds: readonly string[] | null;
}

const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 };

export function roleAllows(held: Role, needed: Role): boolean {
  return RANK[held] >= RANK[needed];
}
