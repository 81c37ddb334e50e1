import type {
  IncidentNotification,
  Notification,
  NotificationPage,
  NotificationsByTypeQuery,
  SendNotificationRequest,
} from "@herald/contracts";
import {
  findAccount,
  findNotification,
  findNotificationById,
  insertNotification,
  type NotificationCursor,
  type NotificationRow,
  pageNotificationsByType,
} from "@herald/db";
import { ApiError } from "../errors";
import { type ServiceContext, stamp } from "./context";
import { requireNotificationType } from "./notification-types";

export function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    account_id: row.accountId,
    type: row.type,
    notification_data: row.notificationData,
    asset_data: row.assetData,
    payload: row.payload,
    ...(row.attachments ? { attachments: row.attachments as Notification["attachments"] } : {}),
    status: row.status,
    created: stamp(row.createdAt, row.createdBy),
    modified: stamp(row.modifiedAt, row.modifiedBy),
  };
}

export async function sendNotification(
  ctx: ServiceContext,
  accountId: string,
  body: SendNotificationRequest,
): Promise<Notification> {
  const account = await findAccount(ctx.services.db, accountId);
  if (!account?.active) {
    throw new ApiError({ status: 400, code: "account_not_active", details: `account '${accountId}' is not active` });
  }
  await requireNotificationType(ctx, body.type, "type");
  const now = ctx.services.now();
  const longIncidentId = body.payload.long_incident_id;
  const row: NotificationRow = {
    id: ctx.services.newId(),
    accountId,
    type: body.type,
    notificationData: body.notification_data,
    assetData: body.asset_data,
    payload: body.payload,
    attachments: body.attachments ?? null,
    status: "created",
    longIncidentId: typeof longIncidentId === "string" && longIncidentId !== "" ? longIncidentId : null,
    createdAt: now,
    createdBy: ctx.auth.userId,
    modifiedAt: now,
    modifiedBy: ctx.auth.userId,
  };
  await insertNotification(ctx.services.db, row);
  return toNotification(row);
}

/** A notification by id alone: another account's answers 404, exactly like one that does not exist. */
export async function getNotification(ctx: ServiceContext, id: string): Promise<Notification> {
  const row = await findNotificationById(ctx.services.db, id.toUpperCase());
  if (!row || row.accountId !== ctx.auth.accountId) throw ApiError.notFound(`notification '${id}'`);
  return toNotification(row);
}

export async function getAccountNotification(
  ctx: ServiceContext,
  accountId: string,
  id: string,
): Promise<Notification> {
  const row = await findNotification(ctx.services.db, accountId, id.toUpperCase());
  if (!row) throw ApiError.notFound(`notification '${id}'`);
  return toNotification(row);
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
  });
  return {
    notifications: page.rows.map(toNotification),
    ...(page.next ? { continuation_id: encodeCursor(page.next, type, order) } : {}),
    total_count: page.totalCount,
  };
}

/** Sent incident notifications with their per-destination statuses; deliveries arrive with the delivery pipeline. */
export async function listSentIncidentNotifications(
  _ctx: ServiceContext,
  _accountId: string,
  _longIncidentId: string,
): Promise<IncidentNotification> {
  return { notifications: [] };
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
  let token: Partial<CursorToken>;
  try {
    token = JSON.parse(atob(value.replaceAll("-", "+").replaceAll("_", "/")));
  } catch {
    throw invalid();
  }
  if (typeof token.t !== "number" || typeof token.i !== "string" || token.type !== type || token.o !== order) {
    throw invalid();
  }
  return { createdAt: token.t, id: token.i };
}
