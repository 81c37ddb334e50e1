import type {
  Notification,
  NotificationPage,
  NotificationsByTypeQuery,
  SendNotificationRequest,
} from "@herald/contracts";
import {
  findIdempotencyKey,
  findNotification,
  findNotificationById,
  insertNotificationWithKey,
  NOTIFICATION_STATUS,
  type NotificationCursor,
  type NotificationRow,
  notificationHasLegTo,
  pageNotificationsByType,
} from "@herald/db";
import { integrationScope } from "../auth/scope";
import { ApiError } from "../errors";
import { toNotification } from "../mappers/notifications";
import { enqueueFanouts } from "../queues/producers";
import type { ServiceContext } from "./context";
import { requireNotificationType } from "./notification-types";

export interface SendResult {
  notification: Notification;
  /** True when an Idempotency-Key matched an earlier request: nothing was stored or queued again. */
  replayed: boolean;
}

/** How long an Idempotency-Key holds: a retried request within it answers the first notification. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Stores the notification (with its idempotency key, atomically) and queues its fan-out. Answering does not wait
 * for delivery. A queue send that fails after the commit loses nothing: the sweeper finds the notification still
 * `created` and queues it again.
 */
export async function sendNotification(
  ctx: ServiceContext,
  accountId: string,
  body: SendNotificationRequest,
  options: {
    idempotencyKey?: string | undefined;
    /** The request's span, parent of every attempt of this notification's legs (Telemetry.span). */
    traceparent?: string | undefined;
  } = {},
): Promise<SendResult> {
  const { idempotencyKey } = options;
  const { db, now: clock } = ctx.services;
  const account = await ctx.services.hotReads.account(accountId);
  if (!account?.active) {
    throw new ApiError({ status: 400, code: "account_not_active", details: `account '${accountId}' is not active` });
  }
  const requestHash = idempotencyKey === undefined ? undefined : await hashRequest(body);
  if (idempotencyKey !== undefined && requestHash !== undefined) {
    const replay = await replayed(ctx, accountId, idempotencyKey, requestHash);
    if (replay) return { notification: replay, replayed: true };
  }
  await requireNotificationType(ctx, body.type, "type");

  const now = clock();
  const longIncidentId = body.payload.long_incident_id;
  const row: NotificationRow = {
    id: ctx.services.newId(),
    accountId,
    type: body.type,
    notificationData: body.notification_data,
    assetData: body.asset_data,
    payload: body.payload,
    attachments: body.attachments ?? null,
    status: NOTIFICATION_STATUS.created,
    longIncidentId: typeof longIncidentId === "string" && longIncidentId !== "" ? longIncidentId : null,
    requeuedAt: null,
    traceparent: options.traceparent ?? null,
    createdAt: now,
    createdBy: ctx.auth.userId,
    modifiedAt: now,
    modifiedBy: ctx.auth.userId,
  };
  const key =
    idempotencyKey !== undefined && requestHash !== undefined
      ? { key: idempotencyKey, requestHash, expiredBefore: now - IDEMPOTENCY_WINDOW_MS }
      : undefined;
  try {
    await insertNotificationWithKey(db, row, key);
  } catch (error) {
    // Another request with the same key committed first: answer as its replay (or its conflict).
    const replay = key && (await replayed(ctx, accountId, key.key, key.requestHash));
    if (replay) return { notification: replay, replayed: true };
    throw error;
  }
  ctx.services.telemetry.record([{ kind: "notifications", type: row.type, count: 1 }]);

  try {
    await enqueueFanouts(ctx.services.queues.fanout, [row]);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "warn",
        notification_id: row.id,
        message: "fan-out not queued; the sweeper will",
        error: String(error),
      }),
    );
  }
  return { notification: toNotification(row), replayed: false };
}

/** The notification an earlier request with this key created; a 422 if that request had another body. */
async function replayed(
  ctx: ServiceContext,
  accountId: string,
  key: string,
  requestHash: string,
): Promise<Notification | undefined> {
  const { db, now } = ctx.services;
  const earlier = await findIdempotencyKey(db, accountId, key, now() - IDEMPOTENCY_WINDOW_MS);
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash) {
    throw new ApiError({
      status: 422,
      code: "idempotency_key_reused",
      details: "this Idempotency-Key was used with a different request body in the last 24 hours",
    });
  }
  const notification = await findNotification(db, accountId, earlier.notificationId);
  if (!notification) return undefined;
  return toNotification(notification);
}

/** SHA-256 of the request as validated, so formatting differences do not count as a different body. */
async function hashRequest(body: SendNotificationRequest): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalJson(body)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Text to write as is, on canonicalJson's stack of things still to write. */
class JsonText {
  constructor(readonly text: string) {}
}

// JSON with sorted keys, written from an explicit stack: payloads nest deeper than recursion (or a JSON.stringify
// replacer) can follow before the JS stack runs out.
function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  const todo: unknown[] = [value];
  while (todo.length > 0) {
    const item = todo.pop();
    if (item instanceof JsonText) {
      parts.push(item.text);
    } else if (Array.isArray(item)) {
      todo.push(new JsonText("]"));
      for (let i = item.length - 1; i >= 0; i--) {
        todo.push(item[i]);
        if (i > 0) todo.push(new JsonText(","));
      }
      todo.push(new JsonText("["));
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      todo.push(new JsonText("}"));
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, entry] = entries[i] as [string, unknown];
        todo.push(entry, new JsonText(`${JSON.stringify(key)}:`));
        if (i > 0) todo.push(new JsonText(","));
      }
      todo.push(new JsonText("{"));
    } else {
      parts.push(JSON.stringify(item) ?? "null");
    }
  }
  return parts.join("");
}

/** A notification by id alone: another account's answers 404, exactly like one that does not exist. */
export async function getNotification(ctx: ServiceContext, id: string): Promise<Notification> {
  const row = await findNotificationById(ctx.services.db, id.toUpperCase());
  if (!row || row.accountId !== ctx.auth.accountId || !(await visible(ctx, row))) {
    throw ApiError.notFound(`notification '${id}'`);
  }
  return toNotification(row);
}

export async function getAccountNotification(
  ctx: ServiceContext,
  accountId: string,
  id: string,
): Promise<Notification> {
  const row = await findNotification(ctx.services.db, accountId, id.toUpperCase());
  if (!row || !(await visible(ctx, row))) throw ApiError.notFound(`notification '${id}'`);
  return toNotification(row);
}

/** A portal session limited to some integrations sees only the notifications with a leg to one of them. */
async function visible(ctx: ServiceContext, row: NotificationRow): Promise<boolean> {
  const scope = integrationScope(ctx.auth);
  return scope === undefined || notificationHasLegTo(ctx.services.db, row.accountId, row.id, scope);
}

export async function listNotificationsByType(
  ctx: ServiceContext,
  accountId: string,
  type: string,
  query: NotificationsByTypeQuery,
): Promise<NotificationPage> {
  const order = query.sort;
  const after = query.continuation_id === undefined ? undefined : decodeCursor(query.continuation_id, type, order);
  const page = await pageNotificationsByType(ctx.services.db, {
    accountId,
    type,
    order,
    since: query.since === undefined ? undefined : query.since * 1000,
    until: query.until === undefined ? undefined : query.until * 1000,
    after,
    limit: query.limit,
    destinations: integrationScope(ctx.auth),
    legStatus: query.delivery_status,
  });
  return {
    notifications: page.rows.map(toNotification),
    ...(page.next ? { continuation_id: encodeCursor(page.next, type, order) } : {}),
    total_count: page.totalCount,
  };
}

// The continuation id is opaque to clients: base64url JSON of where the page ended, bound to the type and order it
// was issued for, so it cannot silently be replayed against another listing.
interface CursorToken {
  t: number;
  i: string;
  type: string;
  o: "asc" | "desc";
}

function encodeCursor(cursor: NotificationCursor, type: string, order: "asc" | "desc"): string {
  const token: CursorToken = { t: cursor.createdAt, i: cursor.id, type, o: order };
  return btoa(JSON.stringify(token)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(value: string, type: string, order: "asc" | "desc"): NotificationCursor {
  const invalid = () =>
    new ApiError({
      status: 400,
      code: "invalid_search_parameters",
      path: "continuation_id",
      details: "not a continuation id issued for this listing",
    });
  let token: Partial<CursorToken> | null;
  try {
    token = JSON.parse(atob(value.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    throw invalid();
  }
  // Any JSON parses (null, numbers, arrays), and clients can write any: only a creation time we could have issued.
  if (typeof token !== "object" || token === null) throw invalid();
  const { t, i } = token;
  if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0 || typeof i !== "string") throw invalid();
  if (token.type !== type || token.o !== order) throw invalid();
  return { createdAt: t, id: i };
}
