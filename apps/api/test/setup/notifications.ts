// An account's notifications, as a session: `import * as notifications from "./setup/notifications"`, then
// `notifications.send(acme, type)`. `send`, `sendMany`, `page` and `ids` must succeed (typed client, status checked);
// `post` and `pageAt` send any body or query and answer whatever Herald says, refusals included.
import type { HeraldErrorBody, Notification, NotificationPage, QueryParams, RequestBody } from "@herald/client";
import { expect } from "vitest";
import { call, type Session, typedCall } from "../helpers";
import { createNotificationType, notificationBody } from "../notification-factories";

type PageQuery = QueryParams<"get_account_notification_by_type">;

/** A notification type no other test uses (by-type pages then hold only the test's own), made by `platform`. */
export const freshType = (platform: Session) => createNotificationType(platform.token);

/** Sends a notification of `type` (202) and answers it as stored. */
export async function send(
  s: Session,
  type: string,
  overrides: Partial<RequestBody<"sent_notification">> = {},
): Promise<Notification> {
  const { status, body } = await typedCall(s, (herald) =>
    herald.sentNotification({ type, notification_data: {}, asset_data: {}, payload: {}, ...overrides }),
  );
  expect(status).toBe(202);
  return body;
}

/** Sends `count` notifications of `type`, one after another; answers their ids. */
export async function sendMany(s: Session, count: number, type: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await send(s, type, { payload: { i } })).id);
  return ids;
}

/** One page of the account's notifications of `type` (200). */
export async function page(s: Session, type: string, query?: PageQuery): Promise<NotificationPage> {
  const { status, body } = await typedCall(s, (herald) => herald.getAccountNotificationByType(type, query));
  expect(status).toBe(200);
  return body;
}

/** Ids of every notification of `type` in the account (a single page of up to 1000 unless `query` says otherwise). */
export async function ids(s: Session, type: string, query: PageQuery = { limit: 1000 }): Promise<string[]> {
  return (await page(s, type, query)).notifications.map((notification) => notification.id);
}

/** POST /herald/v2/{account}/notifications as `s`, any body, on `accountId`'s path (the session's by default). */
export const post = (s: Pick<Session, "token" | "accountId">, body: unknown, accountId = s.accountId) =>
  call<HeraldErrorBody>("POST", `/herald/v2/${accountId}/notifications`, { token: s.token, body });

/**
 * One page by type, the query as sent on the wire (`sort="asc"`, `limit=0`, a forged continuation id): the page, or
 * Herald's error.
 */
export const pageAt = (s: Session, type: string, query = "", accountId = s.accountId) =>
  call<NotificationPage & Partial<HeraldErrorBody>>(
    "GET",
    `/herald/v2/${accountId}/notifications/${type}${query ? `?${query}` : ""}`,
    {
      token: s.token,
    },
  );

export { notificationBody };
