import { requirePlatformAdmin } from "../../middleware/authenticate";
import * as notificationTypes from "../../services/notification-types";
import { createRouter, serviceContext as ctx, notificationTypePattern, servedAt } from "../router";
import * as routes from "./notification-types.routes";

const router = createRouter();
const byKey = `/notification_types/${notificationTypePattern("notification_type")}`;

export const notificationTypesRouter = router
  .openapi(routes.getNotificationTypes, async (c) => c.json(await notificationTypes.listNotificationTypes(ctx(c)), 200))
  .openapi({ ...routes.createNotificationType, middleware: [requirePlatformAdmin] }, async (c) => {
    return c.json(await notificationTypes.createNotificationType(ctx(c), c.req.valid("json")), 201);
  })
  .openapi(
    { ...servedAt(router, routes.updateNotificationType, byKey), middleware: [requirePlatformAdmin] },
    async (c) => {
      const { notification_type } = c.req.valid("param");
      return c.json(
        await notificationTypes.updateNotificationType(ctx(c), notification_type, c.req.valid("json")),
        200,
      );
    },
  )
  .openapi(
    { ...servedAt(router, routes.deleteNotificationType, byKey), middleware: [requirePlatformAdmin] },
    async (c) => {
      const { notification_type } = c.req.valid("param");
      await notificationTypes.deleteNotificationType(ctx(c), notification_type);
      return c.body(null, 204);
    },
  );
