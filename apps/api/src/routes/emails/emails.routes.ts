import {
  AccountIdParam,
  CapturedEmailList,
  CapturedEmailsQuery,
  EmailTestRequest,
  EmailTestResponse,
} from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["E-mail"];

export const getCapturedEmails = createRoute({
  operationId: "get_captured_emails",
  method: "get",
  path: "/{account_id}/emails",
  tags,
  summary: "List captured e-mails",
  description:
    "Herald extension for development: with `EMAIL_TRANSPORT=capture`, e-mails are kept instead of sent, and read " +
    "here, newest first. Empty with a real provider.",
  security: SECURITY,
  request: { params: AccountIdParam, query: CapturedEmailsQuery },
  responses: { 200: jsonContent(CapturedEmailList, "The newest captured e-mails"), ...errorResponses(400, 403) },
});

export const testEmail = createRoute({
  operationId: "test_email",
  method: "post",
  path: "/{account_id}/email/test",
  tags,
  summary: "Send a test e-mail through an unsaved email integration",
  description:
    "As Alert Logic's console tests an `email` (e-mail ticketing) connection before saving it: the configuration in " +
    "the body (`email`, optional `subject_template`), checked as a create request of type `email` would be, " +
    "receives one sample notification rendered as its deliveries would be, sent through the configured transport. " +
    "Answers what was sent (`to`, `subject`, the text body in `request_body`) and the provider's status and body " +
    "(`captured` with the capture transport; `code` 0 when the provider could not be reached). Nothing is stored. " +
    "Needs the admin role.",
  security: SECURITY,
  request: { params: AccountIdParam, body: jsonBody(EmailTestRequest) },
  responses: {
    200: jsonContent(EmailTestResponse, "What was sent, and the provider's answer"),
    ...errorResponses(400, 403, 413, 415),
  },
});
