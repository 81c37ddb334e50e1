import { AccountIdParam, DecisionsQuery, NotificationDecisions } from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonContent, SECURITY } from "../../lib/openapi";

export const getNotificationDecisions = createRoute({
  operationId: "get_notification_decisions",
  method: "get",
  path: "/{account_id}/decisions",
  tags: ["Deliveries"],
  summary: "Explain a notification's fan-out",
  description:
    'Herald extension, "why was this not delivered?": for every subscription of the account to the notification\'s ' +
    "type, what fan-out decided when it ran and why (delivered to which destinations, filtered out by which clause " +
    "with the values compared, suppressed by which notification until when, inactive, deduplicated, the state of " +
    "each integration and user it reached), with the legs it wrote as they stand now.",
  security: SECURITY,
  request: { params: AccountIdParam, query: DecisionsQuery },
  responses: {
    200: jsonContent(NotificationDecisions, "The notification's fan-out decisions"),
    ...errorResponses(400, 403, 404),
  },
});
