import { AccountIdParam, AuditEventPage, AuditEventsQuery } from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonContent, SECURITY } from "../../lib/openapi";

export const getAuditEvents = createRoute({
  operationId: "get_audit_events",
  method: "get",
  path: "/{account_id}/audit_events",
  tags: ["Audit"],
  summary: "List the account's audit log",
  description:
    "Herald extension. Every change to the account's subscriptions, subscribers, integrations, users, signing " +
    "secrets and (for platform administrators) notification types: who made it, when, with which access key and " +
    "token, and what changed (credentials masked). Newest first unless `sort=asc`; follow `continuation_id` for the " +
    "next page. Needs the admin role, as reading integration secrets does.",
  security: SECURITY,
  request: { params: AccountIdParam, query: AuditEventsQuery },
  responses: { 200: jsonContent(AuditEventPage, "A page of audit events"), ...errorResponses(400, 403) },
});
