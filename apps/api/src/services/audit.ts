import type { AuditAction, AuditEvent, AuditEventPage, AuditEventsQuery, AuditTargetType } from "@herald/contracts";
import {
  type AuditEventRow,
  type AuditHead,
  chainAuditEvents,
  DatabaseUnreachableError,
  isAuditChainConflict,
  pageAuditEvents,
  readAuditHead,
} from "@herald/db";
import { ApiError } from "../errors";
import type { ServiceContext } from "./context";

// The audit log's write side for service verbs (README "Audit log"). A verb that changes an account's configuration
// runs inside `audited`: the account's chain head is read first, then the verb reads what it changes, describes the
// change (`trail.record`) and hands the entries to the repository, which writes them in the change's own batch. When
// another audited write got in between, that batch fails as a whole and the verb runs again from a new head, so the
// `before` an entry shows is always the state the previous entry left.

export interface AuditChange {
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  /** The target's wire form (credentials masked) before and after; absent for a creation or a deletion. */
  before?: Record<string, unknown> | undefined;
  after?: Record<string, unknown> | undefined;
}

export interface AuditTrail {
  /**
   * The entries for `changes`, chained after the entries this attempt recorded before. An update is recorded as the
   * fields that differ (stamps aside); one where nothing differs records nothing.
   */
  record(...changes: AuditChange[]): Promise<AuditEventRow[]>;
}

// Writers that read the same head take turns: each round one of them commits. Enough rounds, spread out with growing
// random pauses, for a burst of concurrent changes to one account.
const ATTEMPTS = 16;

/** Runs `work` with a trail chained to the account's head, again from a new head when another write took it. */
export async function audited<T>(
  ctx: ServiceContext,
  accountId: string,
  work: (trail: AuditTrail) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const head = await readAuditHead(ctx.services.db, accountId);
    try {
      return await work(trailAfter(ctx, accountId, head));
    } catch (error) {
      if (!isAuditChainConflict(error)) throw error;
      // Answered as a busy database is (503 with Retry-After): nothing was written, and a retry will do.
      if (attempt >= ATTEMPTS)
        throw new DatabaseUnreachableError("the account's audit log kept changing under this write", { cause: error });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 10 * 2 ** attempt)));
    }
  }
}

function trailAfter(ctx: ServiceContext, accountId: string, head: AuditHead): AuditTrail {
  let last = head;
  return {
    async record(...changes) {
      const inputs = changes.flatMap((change) => {
        const recorded = changed(change);
        if (!recorded) return [];
        return [
          {
            id: ctx.services.newId(),
            accountId,
            occurredAt: ctx.services.now(),
            actor: ctx.auth.userId,
            accessKeyId: ctx.auth.accessKeyId ?? null,
            tokenId: ctx.auth.tokenId ?? null,
            action: change.action,
            targetType: change.targetType,
            targetId: change.targetId,
            changes: recorded,
          },
        ];
      });
      const rows = await chainAuditEvents(last, inputs);
      last = rows.at(-1) ?? last;
      return rows;
    },
  };
}

// When and by whom are the entry's own fields; the stamps would only repeat them.
const STAMPS = new Set(["created", "modified"]);

/** What an entry stores of a change: whole objects for a creation or a deletion, the differing fields otherwise. */
function changed(change: AuditChange): AuditEvent["changes"] | undefined {
  const { before, after } = change;
  if (before === undefined || after === undefined) {
    return { ...(before ? { before: withoutStamps(before) } : {}), ...(after ? { after: withoutStamps(after) } : {}) };
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((key) => !STAMPS.has(key)));
  const was: Record<string, unknown> = {};
  const is: Record<string, unknown> = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (before[key] !== undefined) was[key] = before[key];
    if (after[key] !== undefined) is[key] = after[key];
  }
  if (Object.keys(was).length === 0 && Object.keys(is).length === 0) return undefined;
  return { before: was, after: is };
}

function withoutStamps(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !STAMPS.has(key)));
}

/** `row` with `changes` applied as an UPDATE applies them: undefined leaves a column as it was. */
export function applied<Row extends object>(row: Row, changes: Partial<Row>): Row {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined);
  return { ...row, ...Object.fromEntries(defined) };
}

// ---- The read side. ----

export function toAuditEvent(row: AuditEventRow): AuditEvent {
  return {
    id: row.id,
    account_id: row.accountId,
    seq: row.seq,
    occurred_at: Math.floor(row.occurredAt / 1000),
    actor: row.actor,
    ...(row.accessKeyId !== null ? { access_key_id: row.accessKeyId } : {}),
    ...(row.tokenId !== null ? { token_id: row.tokenId } : {}),
    action: row.action as AuditAction,
    target_type: row.targetType as AuditTargetType,
    target_id: row.targetId,
    changes: JSON.parse(row.changes) as AuditEvent["changes"],
    prev_hash: row.prevHash,
    hash: row.hash,
  };
}

export async function listAuditEvents(
  ctx: ServiceContext,
  accountId: string,
  query: AuditEventsQuery,
): Promise<AuditEventPage> {
  const order = query.sort;
  const page = await pageAuditEvents(ctx.services.db, {
    accountId,
    order,
    afterSeq: query.continuation_id === undefined ? undefined : decodeCursor(query.continuation_id, order),
    limit: query.limit,
    action: query.action,
    targetType: query.target_type,
    targetId: query.target_id,
    actor: query.actor,
    since: query.since === undefined ? undefined : query.since * 1000,
    until: query.until === undefined ? undefined : query.until * 1000,
  });
  return {
    audit_events: page.rows.map(toAuditEvent),
    ...(page.nextSeq !== undefined ? { continuation_id: encodeCursor(page.nextSeq, order) } : {}),
    total_count: page.totalCount,
  };
}

// Opaque to clients, like the notifications' continuation id: base64url JSON of the seq the page ended at and the
// order it was issued for.
function encodeCursor(seq: number, order: "asc" | "desc"): string {
  return btoa(JSON.stringify({ s: seq, o: order }))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

function decodeCursor(value: string, order: "asc" | "desc"): number {
  const invalid = new ApiError({
    status: 400,
    code: "invalid_search_parameters",
    path: "continuation_id",
    details: "not a continuation id issued for this listing",
  });
  let token: unknown;
  try {
    token = JSON.parse(atob(value.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    throw invalid;
  }
  if (typeof token !== "object" || token === null) throw invalid;
  const { s, o } = token as { s?: unknown; o?: unknown };
  if (typeof s !== "number" || !Number.isSafeInteger(s) || s < 0 || o !== order) throw invalid;
  return s;
}
