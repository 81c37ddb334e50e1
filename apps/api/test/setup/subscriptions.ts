// The subscriptions of an account, as a session: `import * as subscriptions from "./setup/subscriptions"`, then
// `subscriptions.read(acme, id)`. `read` and `list` must succeed (typed client, status checked); `get`, `listAt` and
// `batchDelete` send any path, query or body and answer whatever Herald says, refusals included.
import type { HeraldErrorBody, QueryParams, Subscription } from "@herald/client";
import { expect } from "vitest";
import { type CallResult, call, type Session, typedCall } from "../helpers";
import { subscriptionsPath } from "./fixtures";

export const path = subscriptionsPath;

/** Reads a subscription that must be there (200). */
export async function read(
  s: Session,
  id: string,
  query?: QueryParams<"get_account_subscription">,
): Promise<Subscription> {
  const { status, body } = await typedCall(s, (herald) => herald.getAccountSubscription(id, query));
  expect(status).toBe(200);
  return body;
}

/** The account's subscriptions (200). */
export async function list(s: Session, query?: QueryParams<"get_account_subscriptions">): Promise<Subscription[]> {
  const { status, body } = await typedCall(s, (herald) => herald.getAccountSubscriptions(query));
  expect(status).toBe(200);
  return body.subscriptions;
}

/** GET one subscription, the query as sent on the wire (`?include_subscribers=1`). */
export function get(s: Session, id: string, query = ""): Promise<CallResult<Subscription>> {
  return call<Subscription>("GET", `${path(s)}/${id}${query}`, { token: s.token });
}

/** GET the list, the query as sent on the wire, for spellings the typed client does not make (`=1`, a raw slash). */
export async function listAt(s: Session, query: string): Promise<Subscription[]> {
  const result = await call<{ subscriptions: Subscription[] }>("GET", `${path(s)}${query}`, { token: s.token });
  expect(result.status).toBe(200);
  return result.body.subscriptions;
}

/** POST .../subscriptions/batch/delete. */
export const batchDelete = (s: Session, body: unknown) =>
  call<HeraldErrorBody>("POST", `${path(s)}/batch/delete`, { token: s.token, body });
