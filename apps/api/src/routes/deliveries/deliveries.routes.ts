import {
  AccountIdParam,
  DeliveriesQuery,
  Delivery,
  DeliveryIdParam,
  DeliveryList,
  LegacyWebhookTestResponse,
  WebhookTestRequest,
  WebhookTestResponse,
} from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, NOT_IN_CLIENT, SECURITY } from "../../lib/openapi";

const tags = ["Deliveries"];

export const listDeliveries = createRoute({
  operationId: "get_notification_deliveries",
  method: "get",
  path: "/{account_id}/deliveries",
  tags,
  summary: "List a notification's deliveries",
  description: "Herald extension: every leg of a notification (one per destination) with its attempts.",
  security: SECURITY,
  request: { params: AccountIdParam, query: DeliveriesQuery },
  responses: { 200: jsonContent(DeliveryList, "The notification's deliveries"), ...errorResponses(400, 403, 404) },
});

export const getDelivery = createRoute({
  operationId: "get_delivery",
  method: "get",
  path: "/{account_id}/deliveries/{delivery_id}",
  tags,
  summary: "Get a delivery with its attempts",
  security: SECURITY,
  request: { params: DeliveryIdParam },
  responses: { 200: jsonContent(Delivery, "The delivery"), ...errorResponses(403, 404) },
});

export const retryDelivery = createRoute({
  operationId: "retry_delivery",
  method: "post",
  path: "/{account_id}/deliveries/{delivery_id}/retry",
  tags,
  summary: "Retry a failed delivery",
  description: "Starts the retry schedule again for a FAILED delivery and queues an attempt now.",
  security: SECURITY,
  request: { params: DeliveryIdParam },
  responses: { 202: jsonContent(Delivery, "Queued"), ...errorResponses(403, 404, 409) },
});

export const testWebhook = createRoute({
  operationId: "test_webhook",
  method: "post",
  path: "/{account_id}/webhook/test",
  tags,
  summary: "Call a webhook target once",
  description:
    "As Alert Logic's console calls it: sends `data` (or a sample notification) to `url` and answers the target's " +
    "status and body. `code` is 0 when the target could not be reached. Needs the admin role.",
  security: SECURITY,
  request: { params: AccountIdParam, body: jsonBody(WebhookTestRequest) },
  responses: { 200: jsonContent(WebhookTestResponse, "The target's answer"), ...errorResponses(400, 403, 413, 415) },
});

export const legacyTestWebhook = createRoute({
  operationId: "test_webhook_legacy",
  method: "post",
  path: "/webhook/test",
  tags,
  summary: "Call a webhook target once (older path)",
  description:
    "Deprecated alias of `test_webhook` without the account in the path (the token's account), answering " +
    "`{response: {code, rawbody}}`: the path and answer Alert Logic's console client (`testWebhook`) still uses. " +
    "Needs the admin role.",
  deprecated: true,
  ...NOT_IN_CLIENT,
  security: SECURITY,
  request: { body: jsonBody(WebhookTestRequest) },
  responses: {
    200: jsonContent(LegacyWebhookTestResponse, "The target's answer"),
    ...errorResponses(400, 403, 413, 415),
  },
});
