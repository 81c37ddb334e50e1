// The audit log (README "Audit log"): append-only and hash-chained per account. A writer reads its account's head
// (`readAuditHead`) before it reads what it changes, chains its entries after it (`chainAuditEvents`) and writes them
// in the same batch as the change (`auditInsert`). `seq` is unique per account, so when another audited write landed
// in between, the batch fails as a whole (`isAuditChainConflict`) and the writer starts again from a fresh head: the
// chain never forks, and no change commits without its entry or an entry without its change. Nothing here updates or
// deletes an entry.
import { and, asc, count, desc, eq, gt, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../client";
import { errorChain } from "../client";
import { type AuditEventRow, auditEvents } from "../schema";

/** The `prev_hash` of an account's first entry. */
export const AUDIT_GENESIS_HASH = "0".repeat(64);

export interface AuditHead {
  seq: number;
  hash: string;
}

const EMPTY_HEAD: AuditHead = { seq: 0, hash: AUDIT_GENESIS_HASH };

/** The account's last entry (seq 0 and the genesis hash while it has none). */
export async function readAuditHead(db: Db, accountId: string): Promise<AuditHead> {
  const [row] = await db
    .select({ seq: auditEvents.seq, hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.accountId, accountId))
    .orderBy(desc(auditEvents.seq))
    .limit(1);
  return row ?? EMPTY_HEAD;
}

/** What one change records; `changes` is stored (and hashed) as canonical JSON. */
export interface AuditEventInput {
  id: string;
  accountId: string;
  occurredAt: number;
  actor: string;
  accessKeyId: string | null;
  tokenId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  changes: unknown;
}

/** JSON with object keys sorted at every depth and undefined members left out: one text for one value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) sorted[key] = sortKeys(member);
  }
  return sorted;
}

/** SHA-256 (hex) over every field of the entry but the hash itself, `prevHash` included, in a fixed order. */
export async function auditEventHash(row: Omit<AuditEventRow, "hash">): Promise<string> {
  const encoded = JSON.stringify([
    row.id,
    row.accountId,
    row.seq,
    row.occurredAt,
    row.actor,
    row.accessKeyId,
    row.tokenId,
    row.action,
    row.targetType,
    row.targetId,
    row.changes,
    row.prevHash,
  ]);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(encoded));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The entries chained after `head`, in order: seq head+1, head+2, ..., each hashed over the one before. */
export async function chainAuditEvents(head: AuditHead, inputs: readonly AuditEventInput[]): Promise<AuditEventRow[]> {
  const rows: AuditEventRow[] = [];
  let previous = head;
  for (const input of inputs) {
    const unhashed = {
      ...input,
      changes: canonicalJson(input.changes),
      seq: previous.seq + 1,
      prevHash: previous.hash,
    };
    const row = { ...unhashed, hash: await auditEventHash(unhashed) };
    rows.push(row);
    previous = row;
  }
  return rows;
}

/**
 * The statement that appends `row`. With `onlyAfterChange`, it inserts only when the statement run just before it
 * in the batch changed a row (SQLite's `changes()`), so a conditional write that did nothing records nothing.
 */
export function auditInsert(db: Db, row: AuditEventRow, onlyAfterChange = false) {
  const condition = onlyAfterChange ? sql`changes() > 0` : sql`1`;
  return db.run(sql`INSERT INTO audit_events (id, account_id, seq, occurred_at, actor, access_key_id, token_id,
    action, target_type, target_id, changes, prev_hash, hash)
    SELECT ${row.id}, ${row.accountId}, ${row.seq}, ${row.occurredAt}, ${row.actor}, ${row.accessKeyId},
      ${row.tokenId}, ${row.action}, ${row.targetType}, ${row.targetId}, ${row.changes}, ${row.prevHash},
      ${row.hash}
    WHERE ${condition}`);
}

/**
 * The statements appending `rows` in order. Conditional ones chain: each later one sees the one before it insert a
 * row, so all go in when the change did, and none when it did not.
 */
export function auditInserts(db: Db, rows: readonly AuditEventRow[], onlyAfterChange = false) {
  return rows.map((row) => auditInsert(db, row, onlyAfterChange));
}

/** Whether a write failed because another audited write took the seq it chained to: start again from a new head. */
export function isAuditChainConflict(error: unknown): boolean {
  return errorChain(error).some(
    (e) => e.message.includes("UNIQUE constraint failed") && e.message.includes("audit_events.seq"),
  );
}

export interface AuditEventFilter {
  accountId: string;
  order: "asc" | "desc";
  /** The seq the previous page ended at. */
  afterSeq?: number | undefined;
  limit: number;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  actor?: string | undefined;
  /** Epoch milliseconds: at or after `since`, before `until`. */
  since?: number | undefined;
  until?: number | undefined;
}

export interface AuditEventPage {
  rows: AuditEventRow[];
  /** The last row's seq when more rows follow. */
  nextSeq?: number | undefined;
  totalCount: number;
}

/** A page of the account's entries matching the filter, by seq, and how many match in all. */
export async function pageAuditEvents(db: Db, filter: AuditEventFilter): Promise<AuditEventPage> {
  const matching: SQL[] = [eq(auditEvents.accountId, filter.accountId)];
  if (filter.action !== undefined) matching.push(eq(auditEvents.action, filter.action));
  if (filter.targetType !== undefined) matching.push(eq(auditEvents.targetType, filter.targetType));
  // Ids match in any case, as everywhere in the API.
  if (filter.targetId !== undefined) matching.push(sql`${auditEvents.targetId} = ${filter.targetId} COLLATE NOCASE`);
  if (filter.actor !== undefined) matching.push(eq(auditEvents.actor, filter.actor));
  if (filter.since !== undefined) matching.push(gte(auditEvents.occurredAt, filter.since));
  if (filter.until !== undefined) matching.push(lt(auditEvents.occurredAt, filter.until));
  const paged = [...matching];
  if (filter.afterSeq !== undefined) {
    paged.push(filter.order === "asc" ? gt(auditEvents.seq, filter.afterSeq) : lt(auditEvents.seq, filter.afterSeq));
  }
  const [rows, [total]] = await db.batch([
    db
      .select()
      .from(auditEvents)
      .where(and(...paged))
      .orderBy(filter.order === "asc" ? asc(auditEvents.seq) : desc(auditEvents.seq))
      .limit(filter.limit + 1),
    db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(...matching)),
  ]);
  const more = rows.length > filter.limit;
  const page = more ? rows.slice(0, filter.limit) : rows;
  return { rows: page, nextSeq: more ? page.at(-1)?.seq : undefined, totalCount: total?.n ?? 0 };
}

/** The accounts that have entries, in id order. */
export async function listAuditedAccounts(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ accountId: auditEvents.accountId })
    .from(auditEvents)
    .orderBy(asc(auditEvents.accountId));
  return rows.map((row) => row.accountId);
}

/** The account's entries after `afterSeq` in stored seq order, `limit` at a time: for walking the chain. */
export async function listAuditEventsAfter(
  db: Db,
  accountId: string,
  afterSeq: number,
  limit: number,
): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.accountId, accountId), gt(auditEvents.seq, afterSeq)))
    .orderBy(asc(auditEvents.seq))
    .limit(limit);
}

/** Where a chain stops holding, and why. */
export interface AuditChainBreak {
  seq: number;
  reason: string;
}

/**
 * Checks an account's chain, walking it in seq order: every seq follows the one before (a removed entry leaves a gap),
 * every entry names the hash of the one before (a removed or reordered entry breaks that), and every hash is the hash
 * of its entry as stored (an altered field). Answers the first break and how many entries it read.
 */
export async function verifyAuditChain(
  db: Db,
  accountId: string,
  pageSize = 500,
): Promise<{ entries: number; broken?: AuditChainBreak }> {
  let previous = EMPTY_HEAD;
  let entries = 0;
  for (;;) {
    const rows = await listAuditEventsAfter(db, accountId, previous.seq, pageSize);
    for (const row of rows) {
      entries++;
      if (row.seq !== previous.seq + 1)
        return { entries, broken: { seq: previous.seq + 1, reason: `missing (the next entry is seq ${row.seq})` } };
      if (row.prevHash !== previous.hash)
        return { entries, broken: { seq: row.seq, reason: "prev_hash does not match the entry before it" } };
      const { hash, ...unhashed } = row;
      if ((await auditEventHash(unhashed)) !== hash)
        return { entries, broken: { seq: row.seq, reason: "the entry does not match its hash (altered)" } };
      previous = row;
    }
    if (rows.length < pageSize) return { entries };
  }
}
