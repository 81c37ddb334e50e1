// Factories shared by the notification, notification type, error and almdrlib tests. Each one makes its own rows
// (unique names), so no test depends on another's.
import { expect } from "vitest";
import { call, unique } from "./helpers";

/** Herald ids: uppercase v4 UUIDs. */
export const UPPERCASE_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

/** A notification type no other test uses, created by a platform administrator, so by-type pages hold only ours. */
export async function createNotificationType(platformToken: string, overrides: Record<string, unknown> = {}) {
  const notificationType = `${unique("test")}/${unique("alerts")}`;
  const result = await call("POST", "/herald/v2/notification_types", {
    token: platformToken,
    body: {
      notification_type: notificationType,
      name: `Type ${notificationType}`,
      default_template: "incidents_template",
      templates: ["incidents_template", "log_review_created"],
      default_email_subject: "Test subject",
      ...overrides,
    },
  });
  expect(result.status).toBe(201);
  return notificationType;
}

export function notificationBody(type: string, overrides: Record<string, unknown> = {}) {
  return { type, notification_data: {}, asset_data: {}, payload: {}, ...overrides };
}

/** Sends a notification and answers the stored one (202). */
export async function sendNotification(
  token: string,
  accountId: string,
  type: string,
  overrides: Record<string, unknown> = {},
) {
  const result = await call("POST", `/herald/v2/${accountId}/notifications`, {
    token,
    body: notificationBody(type, overrides),
  });
  expect(result.status).toBe(202);
  return result.body as { id: string; created: { at: number; by: string } } & Record<string, unknown>;
}

/** One page of the account's notifications of `type`, with the type's slash sent raw as almdrlib does. */
export function listByType(token: string, accountId: string, type: string, query = "") {
  return call("GET", `/herald/v2/${accountId}/notifications/${type}${query ? `?${query}` : ""}`, { token });
}

/** Ids of every notification of `type` in the account (a single page of up to 1000). */
export async function idsOfType(
  token: string,
  accountId: string,
  type: string,
  query = "limit=1000",
): Promise<string[]> {
  const result = await listByType(token, accountId, type, query);
  expect(result.status).toBe(200);
  return result.body.notifications.map((notification: { id: string }) => notification.id);
}

/**
 * `stored` is the notification `sent` answered, read back later. Delivery moves `status` on (created, then dispatched
 * or completed) and with it `modified.at`; nothing else may change.
 */
export function expectStoredAs(stored: Record<string, any>, sent: Record<string, any>) {
  const { status, modified, ...rest } = stored;
  const { status: _sentStatus, modified: sentModified, ...sentRest } = sent;
  expect(rest).toEqual(sentRest);
  expect(status).toEqual(expect.any(String));
  expect(modified.by).toBe(sentModified.by);
  expect(modified.at).toBeGreaterThanOrEqual(sentModified.at);
}
