import { getNotificationDecisions } from "../../services/decisions";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./decisions.routes";

export const decisionsRouter = createRouter().openapi(routes.getNotificationDecisions, async (c) => {
  const { account_id } = c.req.valid("param");
  const { notification_id } = c.req.valid("query");
  return c.json(await getNotificationDecisions(ctx(c), account_id, notification_id), 200);
});
