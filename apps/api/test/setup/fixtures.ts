// The rows the subscription and subscriber tests make for themselves: each under a unique name, so no test depends
// on another's. Calls that must succeed go through the typed client; the `call`-based ones (`getSubscription`,
// `batchDeleteSubscriptions`) also send what the types forbid and answer refusals. A subscription's subscribers:
// setup/subscribers.ts.
import type { QueryParams, RequestBody, Subscription } from "@herald/client";
import { expect } from "vitest";
import { type CallResult, call, heraldAs, type Session, unique } from "../helpers";

export const subscriptionsPath = (s: Session) => `/herald/v2/${s.accountId}/subscriptions`;
export const subscribersPath = (s: Session, subscriptionId: string) =>
  `${subscriptionsPath(s)}/${subscriptionId}/subscribers`;

/** A fresh id in Herald's spelling (uppercase), for users nobody has made yet. */
export const newUserId = () => crypto.randomUUID().toUpperCase();

export const user = (id: string) => ({ subscriber: id, subscriber_type: "user" as const });
export const connection = (id: string) => ({ subscriber: id, subscriber_type: "connection" as const });

type NewSubscription = RequestBody<"create_subscription">;

/** A subscription body with only the required fields (a unique name), and `overrides` on top. */
export function sparse(overrides: Record<string, unknown> = {}): Record<string, any> {
  return { name: unique("sub"), class: "event", notification_type: "incidents/alerts", ...overrides };
}

/** Creates a subscription that must take every initial subscriber it is given; answers it as created. */
export async function createSubscription(s: Session, overrides: Partial<NewSubscription> = {}): Promise<Subscription> {
  const created = await heraldAs(s).createSubscription({
    name: unique("sub"),
    class: "event",
    notification_type: "incidents/alerts",
    ...overrides,
  });
  expect(created).not.toHaveProperty("subscribers_failed");
  return created;
}

/** The id of a new subscription with these initial subscribers (none by default). */
export async function subscriptionWith(s: Session, subscribers: NewSubscription["subscribers"] = []): Promise<string> {
  return (await createSubscription(s, { subscribers })).id;
}

/** A webhook integration of the session's account; answers its id. */
export async function createIntegration(s: Session): Promise<string> {
  const created = await heraldAs(s).createIntegration({
    name: unique("hook"),
    target_url: "https://hooks.example.com/x",
  });
  return created.id;
}

/** GET one subscription as `s`, whatever the answer (the query as sent on the wire). */
export function getSubscription(s: Session, id: string, query = ""): Promise<CallResult<Subscription>> {
  return call<Subscription>("GET", `${subscriptionsPath(s)}/${id}${query}`, { token: s.token });
}

/** Reads a subscription that must be there. */
export function readSubscription(
  s: Session,
  id: string,
  query?: QueryParams<"get_account_subscription">,
): Promise<Subscription> {
  return heraldAs(s).getAccountSubscription(id, query);
}

export async function listSubscriptions(
  s: Session,
  query?: QueryParams<"get_account_subscriptions">,
): Promise<Subscription[]> {
  return (await heraldAs(s).getAccountSubscriptions(query)).subscriptions;
}

export const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

/** POST .../subscriptions/batch/delete as `s`, any body. */
export const batchDeleteSubscriptions = (s: Session, body: unknown) =>
  call("POST", `${subscriptionsPath(s)}/batch/delete`, { token: s.token, body });
