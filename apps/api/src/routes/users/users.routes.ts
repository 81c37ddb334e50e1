import { AccountIdParam, PutUserRequest, User, UserIdParam, UserList } from "@herald/contracts";
import { createRoute } from "@hono/zod-openapi";
import { errorResponses, jsonBody, jsonContent, SECURITY } from "../../lib/openapi";

const tags = ["Users"];
const adminOnly = "Needs the admin role: users' addresses decide where Herald sends e-mail.";
const extension = "Herald extension: Alert Logic keeps users in AIMS; Herald keeps their e-mail addresses here.";

export const getAccountUsers = createRoute({
  operationId: "get_account_users",
  method: "get",
  path: "/{account_id}/users",
  tags,
  summary: "List the account's users",
  description: extension,
  security: SECURITY,
  request: { params: AccountIdParam },
  responses: { 200: jsonContent(UserList, "The account's users"), ...errorResponses(403) },
});

export const getAccountUser = createRoute({
  operationId: "get_account_user",
  method: "get",
  path: "/{account_id}/users/{user_id}",
  tags,
  summary: "Get a user of the account",
  security: SECURITY,
  request: { params: UserIdParam },
  responses: { 200: jsonContent(User, "The user"), ...errorResponses(403, 404) },
});

export const putUser = createRoute({
  operationId: "put_user",
  method: "put",
  path: "/{account_id}/users/{user_id}",
  tags,
  summary: "Create or replace a user",
  description:
    `${adminOnly} \`user\` subscribers name users by this id (the AIMS user id). A user id held by another ` +
    "account answers 409: users never move between accounts.",
  security: SECURITY,
  request: { params: UserIdParam, body: jsonBody(PutUserRequest) },
  responses: {
    200: jsonContent(User, "Replaced"),
    201: jsonContent(User, "Created"),
    ...errorResponses(400, 403, 409, 413, 415),
  },
});

export const deleteUser = createRoute({
  operationId: "delete_user",
  method: "delete",
  path: "/{account_id}/users/{user_id}",
  tags,
  summary: "Delete a user",
  description:
    `${adminOnly} A user that holds access keys answers 409. Subscriptions naming the user keep it; e-mails to it ` +
    "fail until it is put again.",
  security: SECURITY,
  request: { params: UserIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(403, 404, 409) },
});
