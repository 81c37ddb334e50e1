import {
  CreateIntegrationRequest,
  INTEGRATION_TYPES,
  type Integration,
  type IntegrationList,
  type IntegrationTypeList,
  type SigningSecret,
  type UpdateIntegrationRequest,
} from "@herald/contracts";
import {
  deleteIntegration as deleteRow,
  findIntegration,
  type IntegrationRow,
  insertIntegration,
  listIntegrations as listRows,
  rotateIntegrationSecret,
  setIntegrationPaused,
  unparkLegs,
  updateIntegration as updateRow,
} from "@herald/db";
import { inScope, withinScope } from "../auth/scope";
import { generateSigningKey, signatureSchemeOf, verificationKeyOf } from "../delivery/signing";
import { ApiError, validationError } from "../errors";
import { enqueueDeliveries } from "../queues/producers";
import {
  findOpenIntegration,
  maskCredential,
  openIntegration,
  sealCredentials,
  sealHeaders,
  sealSigningSecret,
} from "../security/integration-secrets";
import { applied, audited } from "./audit";
import type { ServiceContext } from "./context";
import { checkConversion, storedFromCreate, storedFromUpdate, toIntegration } from "./integration-config";
import { configurationSchema, INTEGRATION_TYPE_DESCRIPTIONS } from "./integration-types";

export { toIntegration } from "./integration-config";

export function listIntegrationTypes(): IntegrationTypeList {
  return {
    integration_types: INTEGRATION_TYPES.map((name) => ({
      name,
      description: INTEGRATION_TYPE_DESCRIPTIONS[name],
      configuration: configurationSchema(name),
    })),
  };
}

export async function listIntegrations(ctx: ServiceContext, accountId: string): Promise<IntegrationList> {
  // A portal session limited to some integrations lists them alone.
  const rows = withinScope(ctx.auth, await listRows(ctx.services.db, accountId), (row) => row.id);
  const opened = await Promise.all(rows.map((row) => openIntegration(ctx.services.secrets, row)));
  return { integrations: opened.map(toIntegration) };
}

function urlPolicy(ctx: ServiceContext) {
  return { allowLoopback: ctx.services.allowLoopbackTargets };
}

async function requireIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<IntegrationRow> {
  const row = await findOpenIntegration(ctx.services.db, ctx.services.secrets, accountId, id.toUpperCase());
  if (!row || !inScope(ctx.auth, row.id)) throw ApiError.notFound(`integration '${id}'`);
  return row;
}

export async function getIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<Integration> {
  return toIntegration(await requireIntegration(ctx, accountId, id));
}

/**
 * A create request whose type the path names, as Alert Logic's console sends it (`POST .../integrations/{type}`,
 * `POST .../{type}/test`): a type Herald does not have, or a body `type` that disagrees, is a 400 naming `type`; the
 * rest is checked as that type's create request.
 */
export function createRequestOfType(type: string, body: Record<string, unknown>): CreateIntegrationRequest {
  if (!(INTEGRATION_TYPES as readonly string[]).includes(type))
    throw ApiError.invalid(
      "type",
      `Herald has no '${type}' integrations (yet); its types are ${INTEGRATION_TYPES.join(", ")}`,
    );
  if (body.type !== undefined && body.type !== type)
    throw ApiError.invalid("type", `the body's type '${String(body.type)}' differs from the path's '${type}'`);
  const parsed = CreateIntegrationRequest.safeParse({ ...body, type });
  if (!parsed.success) throw validationError(parsed.error, body, "json");
  return parsed.data;
}

/** The row a create request makes, checked (the target URL, reserved headers) and not yet stored. */
export async function newIntegrationRow(
  ctx: ServiceContext,
  accountId: string,
  body: CreateIntegrationRequest,
): Promise<IntegrationRow> {
  const now = ctx.services.now();
  const stored = storedFromCreate(body, urlPolicy(ctx));
  return {
    id: ctx.services.newId(),
    accountId,
    name: body.name,
    type: body.type,
    ...stored,
    pacedUntil: null,
    rateLimitPerSecond: body.rate_limit?.per_second ?? null,
    rateLimitBurst: body.rate_limit?.burst ?? null,
    maxInFlight: body.max_in_flight ?? null,
    ordering: body.ordering === "incident" ? "incident" : null,
    pausedAt: null,
    // Every row has one, so a type never needs a column of its own; only webhook calls are signed with it, and only a
    // webhook chooses its scheme.
    signingSecret: await generateSigningKey(body.type === "webhook" ? body.signature_scheme : undefined),
    previousSigningSecret: null,
    previousSecretExpiresAt: null,
    disabledAt: null,
    disabledReason: null,
    consecutiveFailures: 0,
    failingSince: null,
    createdAt: now,
    createdBy: ctx.auth.userId,
    modifiedAt: now,
    modifiedBy: ctx.auth.userId,
  };
}

export async function createIntegration(
  ctx: ServiceContext,
  accountId: string,
  body: CreateIntegrationRequest,
): Promise<Integration> {
  const row = await newIntegrationRow(ctx, accountId, body);
  await checkConversion(row.config);
  const box = ctx.services.secrets;
  const sealed = {
    ...row,
    signingSecret: await sealSigningSecret(box, row.id, row.signingSecret),
    headers: await sealHeaders(box, row.id, row.headers),
    secrets: await sealCredentials(box, row.id, row.secrets),
  };
  const created = toIntegration(row);
  await audited(ctx, accountId, async (trail) => {
    const audit = await trail.record({
      action: "integration.created",
      targetType: "integration",
      targetId: row.id,
      after: created,
    });
    await insertIntegration(ctx.services.db, sealed, audit);
  });
  return created;
}

export async function updateIntegration(
  ctx: ServiceContext,
  accountId: string,
  id: string,
  body: UpdateIntegrationRequest,
): Promise<Integration> {
  return audited(ctx, accountId, async (trail) => {
    const current = await requireIntegration(ctx, accountId, id);
    const changes = storedFromUpdate(current, body, urlPolicy(ctx));
    await checkConversion(changes.config);
    const box = ctx.services.secrets;
    const now = ctx.services.now();
    const schemeChanged =
      body.signature_scheme !== undefined && body.signature_scheme !== signatureSchemeOf(current.signingSecret);
    const signingSecret = schemeChanged ? await generateSigningKey(body.signature_scheme) : undefined;
    const update = {
      name: body.name,
      ...controlColumns(body),
      targetUrl: changes.targetUrl,
      config: changes.config,
      headers: changes.headers,
      secrets: changes.secrets,
      // An update is how an operator says the target works again after a 410 disabled it.
      disabledAt: null,
      disabledReason: null,
      // A new failure streak starts (herald/integration.failing is emitted again if it fails again).
      consecutiveFailures: 0,
      failingSince: null,
      modifiedAt: now,
      modifiedBy: ctx.auth.userId,
    };
    const audit = await trail.record({
      action: "integration.updated",
      targetType: "integration",
      targetId: current.id,
      before: toIntegration(current),
      after: toIntegration(applied(current, { ...update, ...(signingSecret ? { signingSecret } : {}) })),
    });
    const row = await updateRow(
      ctx.services.db,
      accountId,
      current.id,
      {
        ...update,
        ...(signingSecret ? await newSigningKey(ctx, current, signingSecret, now) : {}),
        headers: update.headers && (await sealHeaders(box, current.id, update.headers)),
        secrets: update.secrets && (await sealCredentials(box, current.id, update.secrets)),
      },
      audit,
    );
    if (!row) throw ApiError.notFound(`integration '${id}'`);
    return toIntegration(await openIntegration(ctx.services.secrets, row));
  });
}

/**
 * The delivery-control columns a request sets: `rate_limit`, `max_in_flight` and `ordering` as sent (null clears one), nothing
 * for what it leaves out.
 */
function controlColumns(body: Pick<UpdateIntegrationRequest, "rate_limit" | "max_in_flight" | "ordering">) {
  return {
    ...(body.rate_limit === undefined
      ? {}
      : { rateLimitPerSecond: body.rate_limit?.per_second ?? null, rateLimitBurst: body.rate_limit?.burst ?? null }),
    ...(body.max_in_flight === undefined ? {} : { maxInFlight: body.max_in_flight }),
    ...(body.ordering === undefined ? {} : { ordering: body.ordering === "incident" ? ("incident" as const) : null }),
  };
}

/** Pauses deliveries to the integration: its legs wait, parked, until it is resumed. Pausing twice changes nothing. */
export async function pauseIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<Integration> {
  return setPaused(ctx, accountId, id, true);
}

/** Resumes deliveries to the integration and queues the legs parked while it was paused, in pages. */
export async function resumeIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<Integration> {
  const resumed = await setPaused(ctx, accountId, id, false);
  const { db, now } = ctx.services;
  for (;;) {
    const legs = await unparkLegs(db, accountId, resumed.id, now(), RESUME_PAGE);
    await enqueueDeliveries(ctx.services.queues.delivery, legs);
    if (legs.length < RESUME_PAGE) break;
  }
  return resumed;
}

/** Pauses or resumes, audited when the state changes. */
function setPaused(ctx: ServiceContext, accountId: string, id: string, paused: boolean): Promise<Integration> {
  return audited(ctx, accountId, async (trail) => {
    const current = await requireIntegration(ctx, accountId, id);
    if ((current.pausedAt !== null) === paused) return toIntegration(current);
    const audit = await trail.record({
      action: paused ? "integration.paused" : "integration.resumed",
      targetType: "integration",
      targetId: current.id,
      before: { paused: !paused },
      after: { paused },
    });
    const row = await setIntegrationPaused(
      ctx.services.db,
      accountId,
      current.id,
      paused ? ctx.services.now() : null,
      audit,
    );
    if (!row) throw ApiError.notFound(`integration '${id}'`);
    return toIntegration(await openIntegration(ctx.services.secrets, row));
  });
}

/** Parked legs a resume queues per round trip. */
const RESUME_PAGE = 500;

export async function deleteIntegration(ctx: ServiceContext, accountId: string, id: string): Promise<void> {
  await audited(ctx, accountId, async (trail) => {
    // Read sealed: a deletion needs no key, so its entry shows what identifies the integration, no credential.
    const current = await findIntegration(ctx.services.db, accountId, id.toUpperCase());
    if (!current || !inScope(ctx.auth, current.id)) throw ApiError.notFound(`integration '${id}'`);
    const audit = await trail.record({
      action: "integration.deleted",
      targetType: "integration",
      targetId: current.id,
      before: { id: current.id, name: current.name, type: current.type, target_url: current.targetUrl },
    });
    if (!(await deleteRow(ctx.services.db, accountId, current.id, audit)))
      throw ApiError.notFound(`integration '${id}'`);
  });
}

function toSigningSecret(row: IntegrationRow, now: number): SigningSecret {
  const overlapping = row.previousSecretExpiresAt !== null && row.previousSecretExpiresAt > now;
  return {
    key: verificationKeyOf(row.signingSecret),
    signature_scheme: signatureSchemeOf(row.signingSecret),
    ...(overlapping ? { previous_key_expires_at: Math.floor((row.previousSecretExpiresAt as number) / 1000) } : {}),
  };
}

/**
 * The columns that make `signingSecret` the integration's key (sealed) and keep its current one signing, as the
 * previous key, until the overlap window ends: receivers switch keys (or schemes) without dropping a message.
 */
async function newSigningKey(ctx: ServiceContext, current: IntegrationRow, signingSecret: string, now: number) {
  const box = ctx.services.secrets;
  return {
    signingSecret: await sealSigningSecret(box, current.id, signingSecret),
    previousSigningSecret: await sealSigningSecret(box, current.id, current.signingSecret),
    previousSecretExpiresAt: now + ctx.services.delivery.signingSecretOverlapMs,
  };
}

/**
 * What receivers verify deliveries with: the signing secret (`whsec_`), or with Ed25519 the public key (`whpk_`); the
 * secret key never leaves Herald.
 */
export async function getSigningSecret(ctx: ServiceContext, accountId: string, id: string): Promise<SigningSecret> {
  return toSigningSecret(await requireIntegration(ctx, accountId, id), ctx.services.now());
}

/**
 * Replaces the signing key with a new one of the same scheme. Deliveries carry signatures of both the new and the
 * previous key until the overlap window ends, so receivers can switch without dropping a message.
 */
export async function rotateSigningSecret(ctx: ServiceContext, accountId: string, id: string): Promise<SigningSecret> {
  return audited(ctx, accountId, async (trail) => {
    const current = await requireIntegration(ctx, accountId, id);
    const now = ctx.services.now();
    const signingSecret = await generateSigningKey(signatureSchemeOf(current.signingSecret));
    const key = await newSigningKey(ctx, current, signingSecret, now);
    const audit = await trail.record({
      action: "integration.secret_rotated",
      targetType: "integration",
      targetId: current.id,
      before: { signing_secret: maskCredential(current.signingSecret) },
      after: {
        signing_secret: maskCredential(signingSecret),
        previous_key_expires_at: Math.floor(key.previousSecretExpiresAt / 1000),
      },
    });
    const row = await rotateIntegrationSecret(
      ctx.services.db,
      accountId,
      current.id,
      { ...key, modifiedAt: now, modifiedBy: ctx.auth.userId },
      audit,
    );
    if (!row) throw ApiError.notFound(`integration '${id}'`);
    return toSigningSecret({ ...row, signingSecret }, now);
  });
}
