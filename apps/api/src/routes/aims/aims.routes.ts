import { AuthenticateResponse, HeraldError, TokenInfo } from "@herald/contracts";
import { createRoute, z } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["AIMS"];

export const authenticate = createRoute({
  operationId: "authenticate",
  method: "post",
  path: "/aims/v1/authenticate",
  tags,
  summary: "Exchange an access key for a token",
  description:
    "HTTP Basic authentication with the access key id as user name and the secret as password, as " +
    "Alert Logic's AIMS service takes it. Send the token as `x-aims-auth-token`.",
  security: [{ "Access-Key": [] }],
  responses: {
    200: jsonContent(AuthenticateResponse, "A token for the key's account and user"),
    ...errorResponses(),
    401: jsonContent(HeraldError, "Unknown access key or wrong secret"),
  },
});

export const tokenInfo = createRoute({
  operationId: "token_info",
  method: "get",
  path: "/aims/v1/token_info",
  tags,
  summary: "Describe the token sent",
  security: SECURITY,
  responses: { 200: jsonContent(TokenInfo, "The token's account, user and expiry"), ...errorResponses() },
});

const EndpointParams = z.object({
  account_id: z.string().openapi({ param: { name: "account_id", in: "path" } }),
  residency: z.string().openapi({ param: { name: "residency", in: "path" }, example: "default" }),
  service: z.string().openapi({ param: { name: "service", in: "path" }, example: "herald" }),
});

export const serviceEndpoint = createRoute({
  operationId: "get_service_endpoint",
  method: "get",
  path: "/endpoints/v1/{account_id}/residency/{residency}/services/{service}/endpoint",
  tags,
  summary: "Where a service of this deployment answers",
  description:
    "Alert Logic's Endpoints lookup, so clients that resolve service hosts find this deployment: answers " +
    "`{<service>: <host>}` with the host the request came to.",
  security: SECURITY,
  request: { params: EndpointParams },
  responses: {
    200: jsonContent(z.record(z.string(), z.string()), "The service's host"),
    ...errorResponses(403),
  },
});

const ResidencyParams = EndpointParams.omit({ service: true });

export const serviceEndpoints = createRoute({
  operationId: "get_service_endpoints",
  method: "post",
  path: "/endpoints/v1/{account_id}/residency/{residency}/endpoints",
  tags,
  summary: "Where several services of this deployment answer",
  description:
    "Alert Logic's bulk Endpoints lookup, as `@al/core` resolves service hosts: the body lists service names, the " +
    "answer maps each to the host the request came to. Over plain http (a local deployment) the host is given with " +
    "its `http://` scheme, since clients prefix a bare host with `https://`.",
  security: SECURITY,
  request: {
    params: ResidencyParams,
    body: jsonBody(
      z
        .array(z.string().min(1).max(100))
        .max(100)
        .openapi({ example: ["aims", "herald"] }),
    ),
  },
  responses: {
    200: jsonContent(z.record(z.string(), z.string()), "Each service's host"),
    ...errorResponses(400, 403, 413, 415),
  },
});
