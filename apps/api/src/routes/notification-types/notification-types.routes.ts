import {
  CreateNotificationTypeRequest,
  NotificationType,
  NotificationTypeList,
  NotificationTypeParam,
  UpdateNotificationTypeRequest,
} from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["Notification Types"];

export const getNotificationTypes = createRoute({
  operationId: "get_notification_types",
  method: "get",
  path: "/notification_types",
  tags,
  summary: "Get notification types",
  description: "Get available notification types.",
  security: SECURITY,
  responses: { 200: jsonContent(NotificationTypeList, "Every notification type"), ...errorResponses(403) },
});

export const createNotificationType = createRoute({
  operationId: "create_notification_type",
  method: "post",
  path: "/notification_types",
  tags,
  summary: "Create a notification type",
  description: "Platform administrators only.",
  security: SECURITY,
  request: { body: jsonBody(CreateNotificationTypeRequest) },
  responses: { 201: jsonContent(NotificationType, "Created"), ...errorResponses(400, 403, 409, 413, 415) },
});

export const updateNotificationType = createRoute({
  operationId: "update_notification_type",
  method: "put",
  path: "/notification_types/{notification_type}",
  tags,
  summary: "Update a notification type",
  description: "Platform administrators only. The type's slash may be sent raw or percent-encoded.",
  security: SECURITY,
  request: { params: NotificationTypeParam, body: jsonBody(UpdateNotificationTypeRequest) },
  responses: { 200: jsonContent(NotificationType, "Updated"), ...errorResponses(400, 403, 404, 413, 415) },
});

export const deleteNotificationType = createRoute({
  operationId: "delete_notification_type",
  method: "delete",
  path: "/notification_types/{notification_type}",
  tags,
  summary: "Delete a notification type",
  description: "Platform administrators only. A type that subscriptions still use answers 409.",
  security: SECURITY,
  request: { params: NotificationTypeParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 403, 404, 409) },
});
