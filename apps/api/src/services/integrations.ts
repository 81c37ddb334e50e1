import type {
  CreateIntegrationRequest,
  Integration,
  IntegrationList,
  IntegrationTypeList,
  SigningSecret,
  UpdateIntegrationRequest,
} from "@herald/contracts";
import {
  deleteIntegration as deleteRow,
  type IntegrationRow,
  insertIntegration,
  listIntegrations as listRows,
  rotateIntegrationSecret,
  updateIntegration as updateRow,
} from "@herald/db";
import { generateSigningSecret } from "../delivery/signing";
import { RESERVED_WEBHOOK_HEADERS } from "../delivery/webhook";
import { ApiError } from "../errors";
import { stamp } from "../mappers/stamp";
import {
  findOpenIntegration,
  keepMaskedCredentials,
  maskHeaders,
  openIntegration,
  sealHeaders,
  sealSigningSecret,
} from "../security/integration-secrets";
import { checkTargetUrl } from "../security/target-url";
import type { ServiceContext } from "./context";

/** The wire form of an opened row: credential header values masked, signing secrets left out. */
export function toIntegration(row: IntegrationRow): Integration {
  const headers = maskHeaders(row.headers);
  return {
    id: row.id,
    account_id: row.accountId,
    name: row.name,
    type: row.type,
    target_url: row.targetUrl,
    headers,
    // The 2021 definition names the field `header`; its example says `headers`. Both, so either kind of client reads it.
    header: headers,
    created: stamp(row.createdAt, row.createdBy),
    modified: stamp(row.modifiedAt, row.modifiedBy),
  };
}

export function listIntegrationTypes(): IntegrationTypeList {
  return { integration_types: [{ name: "webhook" }] };
}

export async function listIntegrations(ctx: ServiceContext, accountId: string): Promise<IntegrationList> {
  const rows = await listRows(ctx.services.db, accountId);
  const opened = await Promise.all(rows.map((row) => openIntegration(ctx.services.secrets, row)));
  return { integrations: opened.map(toIntegration) };
}

async function requireIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<IntegrationRow> {
  const row = await findOpenIntegration(ctx.services.db, ctx.services.secrets, accountId, id.toUpperCase());
  if (!row) throw ApiError.notFound(`integration '${id}'`);
  return row;
}

export async function getIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<Integration> {
  return toIntegration(await requireIntegration(ctx, accountId, id));
}

function requireAllowedTarget(ctx: ServiceContext, targetUrl: string): string {
  const verdict = checkTargetUrl(targetUrl, { allowLoopback: ctx.services.allowLoopbackTargets });
  if (!verdict.ok) throw ApiError.invalid("target_url", `the target URL ${verdict.reason}`);
  return targetUrl;
}

/** Custom headers may not replace the ones Herald signs and sets itself. */
function requireCustomHeaders(headers: Record<string, string>): Record<string, string> {
  const reserved = Object.keys(headers).find((name) => RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase()));
  if (reserved)
    throw ApiError.invalid(`headers.${reserved}`, `'${reserved}' is set by Herald and cannot be overridden`);
  return headers;
}

export async function createIntegration(
  ctx: ServiceContext,
  accountId: string,
  body: CreateIntegrationRequest,
): Promise<Integration> {
  const now = ctx.services.now();
  const row: IntegrationRow = {
    id: ctx.services.newId(),
    accountId,
    name: body.name,
    type: body.type,
    targetUrl: requireAllowedTarget(ctx, body.target_url),
    headers: requireCustomHeaders(body.headers ?? {}),
    signingSecret: generateSigningSecret(),
    previousSigningSecret: null,
    previousSecretExpiresAt: null,
    disabledAt: null,
    disabledReason: null,
    createdAt: now,
    createdBy: ctx.auth.userId,
    modifiedAt: now,
    modifiedBy: ctx.auth.userId,
  };
  const box = ctx.services.secrets;
  await insertIntegration(ctx.services.db, {
    ...row,
    signingSecret: await sealSigningSecret(box, row.id, row.signingSecret),
    headers: await sealHeaders(box, row.id, row.headers),
  });
  return toIntegration(row);
}

export async function updateIntegration(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  body: UpdateIntegrationRequest,
): Promise<Integration> {
  const current = await requireIntegration(ctx, accountId, id);
  const targetUrl = body.target_url === undefined ? undefined : requireAllowedTarget(ctx, body.target_url);
  const headers =
    body.headers === undefined
      ? undefined
      : await sealHeaders(
          ctx.services.secrets,
          current.id,
          keepMaskedCredentials(current.headers, requireCustomHeaders(body.headers)),
        );
  const row = await updateRow(ctx.services.db, accountId, current.id, {
    name: body.name,
    targetUrl,
    headers,
    // An update is how an operator says the target works again after a 410 disabled it.
    disabledAt: null,
    disabledReason: null,
    modifiedAt: ctx.services.now(),
    modifiedBy: ctx.auth.userId,
  });
  if (!row) throw ApiError.notFound(`integration '${id}'`);
  return toIntegration(await openIntegration(ctx.services.secrets, row));
}

export async function deleteIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  if (!(await deleteRow(ctx.services.db, accountId, id.toUpperCase()))) throw ApiError.notFound(`integration '${id}'`);
}

function toSigningSecret(row: IntegrationRow, now: number): SigningSecret {
  const overlapping = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return {
    key: row.signingSecret,
    ...(overlapping ? { previous_key_expires_at: Math.floor((row.previousSecretExpiresAt as number) / 1000) } : {}),
  };
}

/** The integration's signing secret, for receivers to verify deliveries with. */
export async function getSigningSecret(ctx: ServiceContext, accountId: string, id: string): Promise<SigningSecret> {
  return toSigningSecret(await requireIntegration(ctx, accountId, id), ctx.services.now());
}

/**
 * Replaces the signing secret. Deliveries carry signatures of both the new and the previous secret until the overlap
 * window ends, so receivers can switch without dropping a message.
 */
export async function rotateSigningSecret(ctx: ServiceContext, accountId: string, id: string): Promise<SigningSecret> {
  const current = await requireIntegration(ctx, accountId, id);
  const now = ctx.services.now();
  const box = ctx.services.secrets;
  const signingSecret = generateSigningSecret();
  const row = await rotateIntegrationSecret(ctx.services.db, accountId, current.id, {
    signingSecret: await sealSigningSecret(box, current.id, signingSecret),
    previousSigningSecret: await sealSigningSecret(box, current.id, current.signingSecret),
    previousSecretExpiresAt: now + ctx.services.delivery.signingSecretOverlapMs,
    modifiedAt: now,
    modifiedBy: ctx.auth.userId,
  });
  if (!row) throw ApiError.notFound(`integration '${id}'`);
  return toSigningSecret({ ...row, signingSecret }, now);
}
