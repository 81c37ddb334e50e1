import { and, asc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditEventRow, deliveries, type IntegrationRow, integrations, ticketLinks } from "../schema";
import { auditInserts } from "./audit-events";
import { preparedPerDb } from "./prepared";
import { deleteConnectionSubscribers } from "./subscribers";

export async function listIntegrations(db: Db, accountId: string): Promise<IntegrationRow[]> {
  return db
    .select()
    .from(integrations)
    .where(eq(integrations.accountId, accountId))
    .orderBy(asc(integrations.createdAt), asc(integrations.id));
}

const integrationById = preparedPerDb((db) =>
  db
    .select()
    .from(integrations)
    .where(and(eq(integrations.accountId, sql.placeholder("accountId")), eq(integrations.id, sql.placeholder("id"))))
    .limit(1)
    .prepare(),
);

export async function findIntegration(db: Db, accountId: string, id: string): Promise<IntegrationRow | undefined> {
  return integrationById(db).get({ accountId, id });
}

/** The ids among `ids` that name integrations of the account. */
export async function existingIntegrationIds(db: Db, accountId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ id: integrations.id })
    .from(integrations)
    .where(and(eq(integrations.accountId, accountId), inArray(integrations.id, ids)));
  return new Set(rows.map((row) => row.id));
}

/** A row to insert: the type's settings, credentials and pacing default to none. */
export type NewIntegration = typeof integrations.$inferInsert;

/** Inserts the integration and the audit entries of its creation, atomically. */
export async function insertIntegration(
  db: Db,
  row: NewIntegration,
  audit: readonly AuditEventRow[] = [],
): Promise<void> {
  await db.batch([db.insert(integrations).values(row), ...auditInserts(db, audit)]);
}

export type IntegrationChanges = Partial<
  Pick<
    IntegrationRow,
    | "name"
    | "targetUrl"
    | "headers"
    | "config"
    | "secrets"
    | "disabledAt"
    | "disabledReason"
    | "consecutiveFailures"
    | "failingSince"
    | "rateLimitPerSecond"
    | "rateLimitBurst"
    | "maxInFlight"
    | "ordering"
    | "signingSecret"
    | "previousSigningSecret"
    | "previousSecretExpiresAt"
  >
> &
  Pick<IntegrationRow, "modifiedAt" | "modifiedBy">;

export async function updateIntegration(
  db: Db,
  accountId: string,
  id: string,
  changes: IntegrationChanges,
  audit: readonly AuditEventRow[] = [],
): Promise<IntegrationRow | undefined> {
  const [[row]] = await db.batch([
    db
      .update(integrations)
      .set(changes)
      .where(and(eq(integrations.accountId, accountId), eq(integrations.id, id)))
      .returning(),
    ...auditInserts(db, audit, true),
  ]);
  return row;
}

/**
 * Pauses the integration (`pausedAt` a time; a paused one keeps its first pause time) or resumes it (null). Answers
 * the row, or undefined when the account has no such integration.
 */
export async function setIntegrationPaused(
  db: Db,
  accountId: string,
  id: string,
  pausedAt: number | null,
  audit: readonly AuditEventRow[] = [],
): Promise<IntegrationRow | undefined> {
  const [[row]] = await db.batch([
    db
      .update(integrations)
      .set({ pausedAt: pausedAt === null ? null : sql`coalesce(${integrations.pausedAt}, ${pausedAt})` })
      .where(and(eq(integrations.accountId, accountId), eq(integrations.id, id)))
      .returning(),
    ...auditInserts(db, audit, true),
  ]);
  return row;
}

/**
 * Up to `limit` legs of the integration parked while it was paused (PENDING with no due time) made due `now`,
 * answered for queueing. Called page after page until it answers fewer than `limit`.
 */
export async function unparkLegs(
  db: Db,
  accountId: string,
  integrationId: string,
  now: number,
  limit: number,
): Promise<Array<{ id: string; accountId: string }>> {
  return db
    .update(deliveries)
    .set({ nextAttemptAt: now, modifiedAt: now })
    .where(
      inArray(
        deliveries.id,
        db
          .select({ id: deliveries.id })
          .from(deliveries)
          .where(
            and(
              eq(deliveries.destination, integrationId),
              eq(deliveries.status, "PENDING"),
              eq(deliveries.accountId, accountId),
              isNull(deliveries.nextAttemptAt),
            ),
          )
          .limit(limit),
      ),
    )
    .returning({ id: deliveries.id, accountId: deliveries.accountId });
}

/**
 * Deletes the integration, unsubscribes it everywhere, forgets the tickets it opened and records the audit entries
 * (when it was there), atomically.
 */
export async function deleteIntegration(
  db: Db,
  accountId: string,
  id: string,
  audit: readonly AuditEventRow[] = [],
): Promise<boolean> {
  const [, deleted] = await db.batch([
    deleteConnectionSubscribers(db, accountId, id),
    db
      .delete(integrations)
      .where(and(eq(integrations.accountId, accountId), eq(integrations.id, id)))
      .returning({ id: integrations.id }),
    ...auditInserts(db, audit, true),
    db.delete(ticketLinks).where(and(eq(ticketLinks.accountId, accountId), eq(ticketLinks.integrationId, id))),
  ]);
  return deleted.length > 0;
}

export interface SecretRotation {
  signingSecret: string;
  previousSigningSecret: string;
  previousSecretExpiresAt: number;
  modifiedAt: number;
  modifiedBy: string;
}

export async function rotateIntegrationSecret(
  db: Db,
  accountId: string,
  id: string,
  rotation: SecretRotation,
  audit: readonly AuditEventRow[] = [],
): Promise<IntegrationRow | undefined> {
  const [[row]] = await db.batch([
    db
      .update(integrations)
      .set(rotation)
      .where(and(eq(integrations.accountId, accountId), eq(integrations.id, id)))
      .returning(),
    ...auditInserts(db, audit, true),
  ]);
  return row;
}

/** Every account's integrations after `afterId`, in id order: for operator jobs such as re-sealing secrets. */
export async function listIntegrationsAfter(db: Db, afterId: string, limit: number): Promise<IntegrationRow[]> {
  return db.select().from(integrations).where(gt(integrations.id, afterId)).orderBy(asc(integrations.id)).limit(limit);
}

export type SealedFields = Pick<IntegrationRow, "signingSecret" | "previousSigningSecret" | "headers" | "secrets">;

/**
 * Stores the same secrets sealed anew, unless the row changed since `read` (an update or a rotation won the race):
 * false then, and the caller reads it again.
 */
export async function replaceSealedFields(db: Db, read: IntegrationRow, sealed: SealedFields): Promise<boolean> {
  const rows = await db
    .update(integrations)
    .set(sealed)
    .where(
      and(
        eq(integrations.accountId, read.accountId),
        eq(integrations.id, read.id),
        eq(integrations.modifiedAt, read.modifiedAt),
        eq(integrations.signingSecret, read.signingSecret),
      ),
    )
    .returning({ id: integrations.id });
  return rows.length > 0;
}
