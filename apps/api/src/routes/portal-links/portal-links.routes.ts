import {
  AccountIdParam,
  CreatePortalLinkRequest,
  CreatePortalSessionRequest,
  HeraldError,
  PortalLink,
  PortalSession,
} from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["Portal"];

export const createPortalLink = createRoute({
  operationId: "create_portal_link",
  method: "post",
  path: "/{account_id}/portal_links",
  tags,
  summary: "Create a portal link",
  description:
    "Needs the admin role. Answers a URL of the console (`/console/portal#code=...`) holding a short-lived, " +
    "single-use sign-in code for an end customer: valid for `expires_in` seconds (at most 24 h), for `role`, " +
    "optionally limited to some integrations of the account (then only their settings, legs and attempts are " +
    "visible and changeable). `embed` adds `embed=1` for a console rendered in an iframe. Only the code's hash is " +
    "stored; the code is shown in this answer alone. A portal session cannot create links.",
  security: SECURITY,
  request: { params: AccountIdParam, body: jsonBody(CreatePortalLinkRequest) },
  responses: { 201: jsonContent(PortalLink, "Created"), ...errorResponses(400, 403, 413, 415) },
});

export const createPortalSession = createRoute({
  operationId: "create_portal_session",
  method: "post",
  path: "/portal_sessions",
  tags,
  summary: "Exchange a portal link's code for a session",
  description:
    "Public: the code is the credential. Marks it used (a second exchange is refused) and answers a token as " +
    "AIMS `authenticate` does, limited to the link's role and integrations and valid at most until the link " +
    "expires (and at most 8 h). An unknown code answers 404 `portal_code_unknown`, a used one 410 " +
    "`portal_code_used`, an expired one 410 `portal_code_expired`.",
  security: [],
  request: { body: jsonBody(CreatePortalSessionRequest) },
  responses: {
    200: jsonContent(PortalSession, "A session token for the console"),
    ...errorResponses(400, 403, 404, 410, 413, 415),
    410: jsonContent(HeraldError, "The code was used already, or has expired"),
  },
});
