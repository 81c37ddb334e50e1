import { getDeliveryStatistics } from "../../services/statistics";
import { createRouter, serviceContext as ctx } from "../router";
import * as routes from "./statistics.routes";

export const statisticsRouter = createRouter().openapi(routes.getDeliveryStatistics, async (c) => {
  const { account_id } = c.req.valid("param");
  return c.json(await getDeliveryStatistics(ctx(c), account_id, c.req.valid("query")), 200);
});
