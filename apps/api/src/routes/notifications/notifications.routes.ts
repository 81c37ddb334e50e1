import {
  AccountIdParam,
  AccountNotificationParam,
  IncidentNotification,
  IncidentNotificationsParam,
  Notification,
  NotificationIdParam,
  NotificationPage,
  NotificationsByTypeParam,
  NotificationsByTypeQuery,
  SendNotificationRequest,
} from "@herald/contracts";
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, NOT_IN_CLIENT, SECURITY } from "../../lib/openapi";

const tags = ["Notifications"];

export const getNotification = createRoute({
  operationId: "get_notification",
  method: "get",
  path: "/notifications/{notification_id}",
  tags,
  summary: "Get a notification",
  description: "Get a notification by ID. Notifications of other accounts answer 404.",
  security: SECURITY,
  request: { params: NotificationIdParam },
  responses: { 200: jsonContent(Notification, "The notification"), ...errorResponses(403, 404) },
});

export const getAccountNotification = createRoute({
  operationId: "get_account_notification",
  method: "get",
  path: "/{account_id}/notifications/{notification_id}",
  tags,
  summary: "Get a notification by account id and notification id",
  security: SECURITY,
  request: { params: AccountNotificationParam },
  responses: { 200: jsonContent(Notification, "The notification"), ...errorResponses(403, 404) },
});

export const getSentIncidentNotifications = createRoute({
  operationId: "get_sent_incident_notifications",
  method: "get",
  path: "/{account_id}/notifications/type/incidents/alerts/{long_incident_id}",
  tags,
  summary: "Get list of sent incident notifications for given incident id",
  security: SECURITY,
  request: { params: IncidentNotificationsParam },
  responses: {
    200: jsonContent(IncidentNotification, "Sent notifications with their statuses"),
    ...errorResponses(403, 404),
  },
});

export const getSentIncidentNotificationsLegacy = createRoute({
  operationId: "get_sent_incident_notifications_legacy",
  method: "get",
  path: "/{account_id}/notifications/features/incidents/incidents/{long_incident_id}",
  tags,
  summary: "Get list of sent incident notifications for given incident id (older path)",
  description:
    "Deprecated alias of `get_sent_incident_notifications` under its v1 path, which Alert Logic's console client " +
    "(`getSentNotificationsByIncidentId`) still uses. Same answer.",
  deprecated: true,
  ...NOT_IN_CLIENT,
  security: SECURITY,
  request: { params: IncidentNotificationsParam },
  responses: {
    200: jsonContent(IncidentNotification, "Sent notifications with their statuses"),
    ...errorResponses(403, 404),
  },
});

export const getAccountNotificationByType = createRoute({
  operationId: "get_account_notification_by_type",
  method: "get",
  path: "/{account_id}/notifications/{type}",
  tags,
  summary: "Get list of notifications by account and notification type",
  description:
    "A page of the account's notifications of one type. The type's slash may be sent raw " +
    "(`/notifications/incidents/alerts`, as Alert Logic's clients do) or percent-encoded. Follow `continuation_id` " +
    "for the next page.",
  security: SECURITY,
  request: { params: NotificationsByTypeParam, query: NotificationsByTypeQuery },
  responses: { 200: jsonContent(NotificationPage, "A page of notifications"), ...errorResponses(400, 403) },
});

export const sentNotification = createRoute({
  operationId: "sent_notification",
  method: "post",
  path: "/{account_id}/notifications",
  tags,
  summary: "Send a notification",
  description:
    "Stores the notification and delivers it asynchronously to every matching subscription. With an " +
    "`Idempotency-Key`, a repeat of the same request within 24 hours answers the first notification (with the " +
    "header `Idempotent-Replayed: true`) and delivers once; the same key with another body answers 422.",
  security: SECURITY,
  request: {
    params: AccountIdParam,
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(1)
        .max(255)
        .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces")
        .optional()
        .openapi({ param: { name: "idempotency-key", in: "header" }, example: "incident-L-1-escalated" }),
    }),
    body: jsonBody(SendNotificationRequest),
  },
  responses: { 202: jsonContent(Notification, "Accepted"), ...errorResponses(400, 403, 413, 415, 422) },
});
