import {
  type CreatePortalLinkRequest,
  PORTAL_LINK_DEFAULT_SECONDS,
  type PortalLink,
  type PortalSession,
} from "@herald/contracts";
import {
  existingIntegrationIds,
  findAccount,
  findPortalLinkByCode,
  insertPortalLink,
  type PortalLinkRow,
  usePortalLink,
} from "@herald/db";
import { hashSecret, newSecret } from "../auth/secrets";
import { issueToken } from "../auth/tokens";
import type { Services } from "../env";
import { ApiError } from "../errors";
import { audited } from "./audit";
import type { ServiceContext } from "./context";

// Portal links (README "Portal links"): an admin's single-use sign-in code for the console, limited to a role and,
// optionally, some integrations. Only the code's hash is stored; the code is shown once, in the creation's answer.

const CODE_PREFIX = "pl_";
const seconds = (ms: number) => Math.floor(ms / 1000);

/** The code as the audit log shows it: its prefix and last characters, never enough to use it. */
export function maskCode(code: string): string {
  return `${code.slice(0, CODE_PREFIX.length + 2)}…${code.slice(-2)}`;
}

export async function createPortalLink(
  ctx: ServiceContext,
  accountId: string,
  body: CreatePortalLinkRequest,
  origin: string,
): Promise<PortalLink> {
  // A portal session never reaches this (middleware/portal.ts denies it); checked again where the link is made.
  if (ctx.auth.portal) throw ApiError.forbidden("a portal session cannot create portal links");
  const { db, now, newId } = ctx.services;
  const requested = body.integration_ids?.map((id) => id.toUpperCase());
  const integrationIds = requested ? [...new Set(requested)] : null;
  if (integrationIds) {
    const existing = await existingIntegrationIds(db, accountId, integrationIds);
    const missing = integrationIds.findIndex((id) => !existing.has(id));
    if (missing >= 0) {
      throw ApiError.invalid(
        `integration_ids.${requested?.indexOf(integrationIds[missing] as string)}`,
        `no integration '${integrationIds[missing]}' in this account`,
      );
    }
  }
  const code = `${CODE_PREFIX}${newSecret()}`;
  const at = now();
  const row: PortalLinkRow = {
    id: newId(),
    accountId,
    codeHash: await hashSecret(code),
    role: body.role ?? "read",
    integrationIds,
    embed: body.embed ?? false,
    expiresAt: at + (body.expires_in ?? PORTAL_LINK_DEFAULT_SECONDS) * 1000,
    usedAt: null,
    createdAt: at,
    createdBy: ctx.auth.userId,
  };
  const link = toPortalLink(row, code, origin);
  await audited(ctx, accountId, async (trail) => {
    const audit = await trail.record({
      action: "portal_link.created",
      targetType: "portal_link",
      targetId: row.id,
      after: { ...link, code: maskCode(code), url: link.url.replace(code, maskCode(code)) },
    });
    await insertPortalLink(db, row, audit);
  });
  return link;
}

function toPortalLink(row: PortalLinkRow, code: string, origin: string): PortalLink {
  // The code goes in the fragment: browsers send neither it to the server nor it in a Referer.
  const fragment = new URLSearchParams({ code, ...(row.embed ? { embed: "1" } : {}) });
  return {
    id: row.id,
    url: `${origin}/console/portal#${fragment}`,
    code,
    expires_at: seconds(row.expiresAt),
    role: row.role,
    ...(row.integrationIds ? { integration_ids: row.integrationIds } : {}),
    embed: row.embed,
    created: seconds(row.createdAt),
    created_by: row.createdBy,
  };
}

/** A portal session lasts at most this long, and never past its link's expiry. */
export const PORTAL_SESSION_MAX_SECONDS = 8 * 60 * 60;

/**
 * Exchanges a portal link's code for a session token, once: the code is marked used by one conditional update, so
 * of two exchanges racing for it one wins. A code that cannot be used says why: unknown, used or expired.
 */
export async function exchangePortalCode(services: Services, code: string): Promise<PortalSession> {
  const { db, now } = services;
  const at = now();
  const codeHash = await hashSecret(code);
  const link = await usePortalLink(db, codeHash, at);
  if (!link) {
    const known = await findPortalLinkByCode(db, codeHash);
    if (!known) {
      throw new ApiError({ status: 404, code: "portal_code_unknown", details: "this portal link's code is unknown" });
    }
    if (known.usedAt !== null) {
      throw new ApiError({
        status: 410,
        code: "portal_code_used",
        details: "this portal link was already used; ask for a new link",
      });
    }
    throw new ApiError({
      status: 410,
      code: "portal_code_expired",
      details: "this portal link has expired; ask for a new link",
    });
  }
  const account = await findAccount(db, link.accountId);
  if (!account?.active) {
    throw ApiError.forbidden("this portal link's account is not active");
  }
  const nowSeconds = seconds(at);
  const ttl = Math.max(
    1,
    Math.min(PORTAL_SESSION_MAX_SECONDS, services.tokens.ttlSeconds, seconds(link.expiresAt) - nowSeconds),
  );
  const userId = `portal:${link.id}`;
  const { token, expiresAt } = await issueToken(
    {
      accountId: link.accountId,
      userId,
      role: link.role,
      platformAdmin: false,
      portal: { linkId: link.id, integrationIds: link.integrationIds },
    },
    services.tokens.keys,
    nowSeconds,
    ttl,
  );
  return {
    authentication: {
      token,
      token_expiration: expiresAt,
      account: { id: account.id, name: account.name },
      user: { id: userId, name: "Portal session" },
    },
    portal: {
      link_id: link.id,
      role: link.role,
      ...(link.integrationIds ? { integration_ids: link.integrationIds } : {}),
      embed: link.embed,
    },
  };
}
