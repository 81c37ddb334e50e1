import { requireAdmin } from "../../middleware/authenticate";
import * as deliveries from "../../services/deliveries";
import { testWebhook } from "../../services/webhook-test";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./deliveries.routes";

export const deliveriesRouter = createRouter()
  .openapi(routes.listDeliveries, async (c) => {
    const { account_id } = c.req.valid("param");
    const { notification_id } = c.req.valid("query");
    return c.json(await deliveries.listDeliveries(ctx(c), account_id, notification_id), 200);
  })
  .openapi(routes.getDelivery, async (c) => {
    const { account_id, delivery_id } = c.req.valid("param");
    return c.json(await deliveries.getDelivery(ctx(c), account_id, delivery_id), 200);
  })
  .openapi(routes.retryDelivery, async (c) => {
    const { account_id, delivery_id } = c.req.valid("param");
    return c.json(await deliveries.retryDelivery(ctx(c), account_id, delivery_id), 202);
  })
  .openapi({ ...routes.testWebhook, middleware: [requireAdmin] }, async (c) => {
    return c.json(await testWebhook(ctx(c), c.req.valid("json")), 200);
  })
  .openapi({ ...routes.legacyTestWebhook, middleware: [requireAdmin] }, async (c) => {
    return c.json({ response: await testWebhook(ctx(c), c.req.valid("json")) }, 200);
  });
