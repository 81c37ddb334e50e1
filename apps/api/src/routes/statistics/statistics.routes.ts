import { AccountIdParam, DeliveryStatistics, DeliveryStatisticsQuery } from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonContent, SECURITY } from "../../lib/openapi";

export const getDeliveryStatistics = createRoute({
  operationId: "get_delivery_statistics",
  method: "get",
  path: "/{account_id}/statistics/deliveries",
  tags: ["Deliveries"],
  summary: "Delivery overview statistics",
  description:
    "Herald extension: the account's legs created in a window (default the last 24 hours, at most 7 days) per hour " +
    "by current status, and the time from send to delivered (p50, p95) per integration and for e-mail.",
  security: SECURITY,
  request: { params: AccountIdParam, query: DeliveryStatisticsQuery },
  responses: { 200: jsonContent(DeliveryStatistics, "The statistics"), ...errorResponses(400, 403) },
});
