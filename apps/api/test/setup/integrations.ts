// An account's integrations, as a session: `import * as integrations from "./setup/integrations"`, then
// `integrations.create(acme)`. `create`, `read` and `names` must succeed (typed client, status checked); `post`, `get`,
// `put` and `remove` send any body to any account's path and answer whatever Herald says, refusals included.
import type { HeraldErrorBody, Integration, RequestBody } from "@herald/client";
import { expect } from "vitest";
import { call, type Session, typedCall, unique } from "../helpers";

type Caller = Pick<Session, "token" | "accountId">;
type NewWebhook = Extract<RequestBody<"create_integration">, { target_url: string; type?: "webhook" }>;

export const path = (accountId: string) => `/herald/v2/${accountId}/integrations`;
export const itemPath = (id: string, accountId: string) => `${path(accountId)}/${id}`;

/** A webhook body under a unique name, and `extra` on top. */
export const webhook = (extra: Partial<NewWebhook> = {}): NewWebhook => ({
  name: unique("hook"),
  target_url: "https://hooks.example.com/herald",
  ...extra,
});

/** Creates a webhook of `s`'s account (201); answers it as created. */
export async function create(s: Caller, extra: Partial<NewWebhook> = {}): Promise<Integration> {
  const { status, body } = await typedCall(s, (herald) => herald.createIntegration(webhook(extra)));
  expect(status).toBe(201);
  expect(body.type).toBe("webhook");
  return body as Integration;
}

/** Reads an integration that must be there (200). */
export async function read(s: Caller, id: string): Promise<Integration> {
  const { status, body } = await typedCall(s, (herald) => herald.getAccountIntegration(id));
  expect(status).toBe(200);
  return body as Integration;
}

/** The names of the account's integrations (200). */
export async function names(s: Caller): Promise<string[]> {
  const { status, body } = await typedCall(s, (herald) => herald.getAccountIntegrations());
  expect(status).toBe(200);
  return body.integrations.map((integration) => integration.name);
}

/** POST .../integrations as `s`, any body, on `accountId`'s path (the session's by default). */
export const post = (s: Caller, body: unknown, accountId = s.accountId) =>
  call<HeraldErrorBody>("POST", path(accountId), { token: s.token, body });

export const get = (s: Caller, id: string, accountId = s.accountId) =>
  call<HeraldErrorBody>("GET", itemPath(id, accountId), { token: s.token });

export const put = (s: Caller, id: string, body: unknown, accountId = s.accountId) =>
  call<HeraldErrorBody>("PUT", itemPath(id, accountId), { token: s.token, body });

export const remove = (s: Caller, id: string, accountId = s.accountId) =>
  call<HeraldErrorBody>("DELETE", itemPath(id, accountId), { token: s.token });
