import { IntegrationIdParam, JOB_MAX_AGE_DAYS, Job, JobAccepted, JobIdParam, JobRequest } from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["Jobs"];
const common =
  `Needs the admin role. \`since\` is at most ${JOB_MAX_AGE_DAYS} days back; the integration must be enabled (409 ` +
  "while a 410 keeps it disabled: update it first). Answers the job at once; the deliveries are put back in the " +
  "queue a page at a time, each attempted again with a fresh retry schedule, its attempts marked with the job. A " +
  "request made again while its job runs, with the same `since`, answers that job (another `since`: 409); a " +
  "delivery is taken by one job or retry only, and one already PENDING or delivered is left alone.";

export const recoverIntegration = createRoute({
  operationId: "recover_integration",
  method: "post",
  path: "/{account_id}/integrations/{id}/recover",
  tags,
  summary: "Re-send the integration's failed deliveries",
  description: `Herald extension: re-sends every delivery to the integration whose calls failed since \`since\`. ${common}`,
  security: SECURITY,
  request: { params: IntegrationIdParam, body: jsonBody(JobRequest) },
  responses: { 202: jsonContent(JobAccepted, "The job"), ...errorResponses(400, 403, 404, 409, 415) },
});

export const replayIntegration = createRoute({
  operationId: "replay_integration",
  method: "post",
  path: "/{account_id}/integrations/{id}/replay",
  tags,
  summary: "Deliver what the integration missed while disabled",
  description:
    "Herald extension: delivers, once, the notifications whose deliveries to the integration made no call since " +
    `\`since\` because it was disabled. ${common}`,
  security: SECURITY,
  request: { params: IntegrationIdParam, body: jsonBody(JobRequest) },
  responses: { 202: jsonContent(JobAccepted, "The job"), ...errorResponses(400, 403, 404, 409, 415) },
});

export const getJob = createRoute({
  operationId: "get_job",
  method: "get",
  path: "/{account_id}/jobs/{job_id}",
  tags,
  summary: "Get a recover or replay job's progress",
  security: SECURITY,
  request: { params: JobIdParam },
  responses: { 200: jsonContent(Job, "The job"), ...errorResponses(403, 404) },
});
