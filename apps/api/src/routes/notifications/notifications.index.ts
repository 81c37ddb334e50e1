import { listSentIncidentNotifications } from "../../services/deliveries";
import * as notifications from "../../services/notifications";
import { createRouter, serviceContext as ctx, notificationTypePattern, servedAt } from "../router";
import * as routes from "./notifications.routes";

const router = createRouter();

// Registration order matters: the incident route and the by-type pattern must win over the single-segment id.
export const notificationsRouter = router
  .openapi(routes.getNotification, async (c) => {
    const { notification_id } = c.req.valid("param");
    return c.json(await notifications.getNotification(ctx(c), notification_id), 200);
  })
  .openapi(routes.sentNotification, async (c) => {
    const { account_id } = c.req.valid("param");
    const key = c.req.valid("header")["idempotency-key"];
    const sent = await notifications.sendNotification(ctx(c), account_id, c.req.valid("json"), {
      idempotencyKey: key,
      traceparent: c.var.traceparent,
    });
    if (sent.replayed) c.header("Idempotent-Replayed", "true");
    return c.json(sent.notification, 202);
  })
  .openapi(routes.getSentIncidentNotifications, async (c) => {
    const { account_id, long_incident_id } = c.req.valid("param");
    return c.json(await listSentIncidentNotifications(ctx(c), account_id, long_incident_id), 200);
  })
  .openapi(routes.getSentIncidentNotificationsLegacy, async (c) => {
    const { account_id, long_incident_id } = c.req.valid("param");
    return c.json(await listSentIncidentNotifications(ctx(c), account_id, long_incident_id), 200);
  })
  .openapi(
    servedAt(
      router,
      routes.getAccountNotificationByType,
      `/:account_id/notifications/${notificationTypePattern("type")}`,
    ),
    async (c) => {
      const { account_id, type } = c.req.valid("param");
      return c.json(await notifications.listNotificationsByType(ctx(c), account_id, type, c.req.valid("query")), 200);
    },
  )
  .openapi(routes.getAccountNotification, async (c) => {
    const { account_id, notification_id } = c.req.valid("param");
    return c.json(await notifications.getAccountNotification(ctx(c), account_id, notification_id), 200);
  });
