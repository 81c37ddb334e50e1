import {
  AccountIdParam,
  CreateIntegrationOfTypeRequest,
  CreateIntegrationRequest,
  Integration,
  IntegrationConfigurationTestRequest,
  IntegrationIdParam,
  IntegrationList,
  IntegrationTestRequest,
  IntegrationTestResponse,
  IntegrationTypeList,
  IntegrationTypeParam,
  SigningSecret,
  UpdateIntegrationRequest,
} from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["Integrations"];
const adminOnly = "Needs the admin role: integrations decide where Herald sends data.";

export const getIntegrationTypes = createRoute({
  operationId: "get_integration_types",
  method: "get",
  path: "/integration_types",
  tags,
  summary: "List integration types",
  security: SECURITY,
  responses: { 200: jsonContent(IntegrationTypeList, "Integration types"), ...errorResponses(403) },
});

export const getAccountIntegrations = createRoute({
  operationId: "get_account_integrations",
  method: "get",
  path: "/{account_id}/integrations",
  tags,
  summary: "List the specified account integrations",
  security: SECURITY,
  request: { params: AccountIdParam },
  responses: { 200: jsonContent(IntegrationList, "The account's integrations"), ...errorResponses(403) },
});

export const createIntegration = createRoute({
  operationId: "create_integration",
  method: "post",
  path: "/{account_id}/integrations",
  tags,
  summary: "Create an integration",
  description: `${adminOnly} The target must be a public http(s) address.`,
  security: SECURITY,
  request: { params: AccountIdParam, body: jsonBody(CreateIntegrationRequest) },
  responses: { 201: jsonContent(Integration, "Created"), ...errorResponses(400, 403, 413, 415) },
});

export const createIntegrationOfType = createRoute({
  operationId: "create_integration_of_type",
  method: "post",
  path: "/{account_id}/integrations/{type}",
  tags,
  summary: "Create an integration of the type in the path",
  description:
    `${adminOnly} As Alert Logic's console creates one: \`create_integration\` with the type named in the path. ` +
    "The body's `type` may be left out; one that differs from the path's is a 400, and so is a type Herald does " +
    "not have yet (`jira`, `snow`...).",
  security: SECURITY,
  request: { params: IntegrationTypeParam, body: jsonBody(CreateIntegrationOfTypeRequest) },
  responses: { 201: jsonContent(Integration, "Created"), ...errorResponses(400, 403, 413, 415) },
});

export const getAccountIntegration = createRoute({
  operationId: "get_account_integration",
  method: "get",
  path: "/{account_id}/integrations/{id}",
  tags,
  summary: "Get the specified account integration",
  security: SECURITY,
  request: { params: IntegrationIdParam },
  responses: { 200: jsonContent(Integration, "The integration"), ...errorResponses(403, 404) },
});

export const updateIntegration = createRoute({
  operationId: "update_integration",
  method: "put",
  path: "/{account_id}/integrations/{id}",
  tags,
  summary: "Update an integration",
  description: `${adminOnly} Only the properties sent change.`,
  security: SECURITY,
  request: { params: IntegrationIdParam, body: jsonBody(UpdateIntegrationRequest) },
  responses: { 200: jsonContent(Integration, "Updated"), ...errorResponses(400, 403, 404, 413, 415) },
});

export const deleteIntegration = createRoute({
  operationId: "delete_integration",
  method: "delete",
  path: "/{account_id}/integrations/{id}",
  tags,
  summary: "Delete an integration",
  description: `${adminOnly} It is also removed from every subscription it was subscribed to.`,
  security: SECURITY,
  request: { params: IntegrationIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(403, 404) },
});

export const getSigningSecret = createRoute({
  operationId: "get_integration_secret",
  method: "get",
  path: "/{account_id}/integrations/{id}/secret",
  tags,
  summary: "Get the integration's signing secret",
  description: `${adminOnly} Deliveries are signed with it (Standard Webhooks, \`webhook-signature\`).`,
  security: SECURITY,
  request: { params: IntegrationIdParam },
  responses: { 200: jsonContent(SigningSecret, "The signing secret"), ...errorResponses(403, 404) },
});

export const rotateSigningSecret = createRoute({
  operationId: "rotate_integration_secret",
  method: "post",
  path: "/{account_id}/integrations/{id}/secret/rotate",
  tags,
  summary: "Rotate the integration's signing secret",
  description: `${adminOnly} Until \`previous_key_expires_at\`, deliveries carry signatures of both secrets.`,
  security: SECURITY,
  request: { params: IntegrationIdParam },
  responses: { 200: jsonContent(SigningSecret, "The new signing secret"), ...errorResponses(403, 404) },
});

export const pauseIntegration = createRoute({
  operationId: "pause_integration",
  method: "post",
  path: "/{account_id}/integrations/{id}/pause",
  tags,
  summary: "Pause deliveries to the integration",
  description:
    `${adminOnly} Its legs wait, parked: none is attempted, none fails, fan-out goes on making them. Pausing a ` +
    "paused integration changes nothing.",
  security: SECURITY,
  request: { params: IntegrationIdParam },
  responses: { 200: jsonContent(Integration, "The paused integration"), ...errorResponses(403, 404) },
});

export const resumeIntegration = createRoute({
  operationId: "resume_integration",
  method: "post",
  path: "/{account_id}/integrations/{id}/resume",
  tags,
  summary: "Resume deliveries to the integration",
  description: `${adminOnly} Queues every leg parked while it was paused, within its rate limit.`,
  security: SECURITY,
  request: { params: IntegrationIdParam },
  responses: { 200: jsonContent(Integration, "The resumed integration"), ...errorResponses(403, 404) },
});

export const testIntegration = createRoute({
  operationId: "test_integration",
  method: "post",
  path: "/{account_id}/integrations/{id}/test",
  tags,
  summary: "Send a sample notification through the integration",
  description:
    `${adminOnly} Renders a sample notification of \`notification_type\` as a delivery would (a signed webhook, ` +
    "a Slack message, a PagerDuty event...), sends it once and answers the target's status and body, whether a " +
    "delivery answered so would count as delivered, and what was sent. Nothing is recorded.",
  security: SECURITY,
  request: { params: IntegrationIdParam, body: jsonBody(IntegrationTestRequest) },
  responses: {
    200: jsonContent(IntegrationTestResponse, "The target's answer"),
    ...errorResponses(400, 403, 404, 413, 415),
  },
});

export const testIntegrationConfiguration = createRoute({
  operationId: "test_integration_configuration",
  method: "post",
  path: "/{account_id}/{type}/test",
  tags,
  summary: "Send a sample notification through an unsaved integration",
  description:
    `${adminOnly} As Alert Logic's console tests a connection before saving it: the configuration in the body, ` +
    "checked as the create request of the path's type, receives one sample notification rendered as a delivery " +
    "would render it; nothing is stored. `webhook` and `email` have their own routes (`test_webhook`, `test_email`); " +
    "a type Herald does not have yet (`jira`...) is a 400.",
  security: SECURITY,
  request: { params: IntegrationTypeParam, body: jsonBody(IntegrationConfigurationTestRequest) },
  responses: {
    200: jsonContent(IntegrationTestResponse, "The target's answer"),
    ...errorResponses(400, 403, 413, 415),
  },
});
