// A stored notification as the wire shows it: the API's answers and the webhook body are the same document.
import type { Notification } from "@herald/contracts";
import type { NotificationRow } from "@herald/db";
import { stamp } from "./stamp";

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
