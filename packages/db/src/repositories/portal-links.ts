// Portal links: single-use sign-in codes, stored as their hash. The exchange is one conditional UPDATE ... RETURNING,
// so a code is used at most once however many requests race for it.
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { type AuditEventRow, type PortalLinkRow, portalLinks } from "../schema";
import { auditInserts } from "./audit-events";

/** Stores a link and its audit entries in one batch. */
export async function insertPortalLink(
  db: Db,
  row: PortalLinkRow,
  audit: readonly AuditEventRow[] = [],
): Promise<void> {
  await db.batch([db.insert(portalLinks).values(row), ...auditInserts(db, audit)]);
}

/** Marks the code used when it is unused and unexpired, answering its link; undefined otherwise. */
export async function usePortalLink(db: Db, codeHash: string, now: number): Promise<PortalLinkRow | undefined> {
  const [row] = await db
    .update(portalLinks)
    .set({ usedAt: now })
    .where(and(eq(portalLinks.codeHash, codeHash), isNull(portalLinks.usedAt), gt(portalLinks.expiresAt, now)))
    .returning();
  return row;
}

/** The link of a code, used or not: to tell a used code from an expired or unknown one. */
export async function findPortalLinkByCode(db: Db, codeHash: string): Promise<PortalLinkRow | undefined> {
  const [row] = await db.select().from(portalLinks).where(eq(portalLinks.codeHash, codeHash)).limit(1);
  return row;
}
