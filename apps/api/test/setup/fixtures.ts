// The rows the subscription and subscriber tests make for themselves: each under a unique name, so no test depends
// on another's.
import type { Subscriber, Subscription } from "@herald/contracts";
import { expect } from "vitest";
import { type CallResult, call, type Session, unique } from "../helpers";

export const subscriptionsPath = (s: Session) => `/herald/v2/${s.accountId}/subscriptions`;
export const subscribersPath = (s: Session, subscriptionId: string) =>
  `${subscriptionsPath(s)}/${subscriptionId}/subscribers`;

/** A fresh id in Herald's spelling (uppercase), for users nobody has made yet. */
export const newUserId = () => crypto.randomUUID().toUpperCase();

export const user = (id: string) => ({ subscriber: id, subscriber_type: "user" });
export const connection = (id: string) => ({ subscriber: id, subscriber_type: "connection" });

/** A subscription body with only the required fields (a unique name), and `overrides` on top. */
export function sparse(overrides: Record<string, unknown> = {}): Record<string, any> {
  return { name: unique("sub"), class: "event", notification_type: "incidents/alerts", ...overrides };
}

/** Creates a subscription that must take every initial subscriber it is given; answers it as created. */
export async function createSubscription(s: Session, overrides: Record<string, unknown> = {}): Promise<Subscription> {
  const result = await call<Subscription>("POST", subscriptionsPath(s), { token: s.token, body: sparse(overrides) });
  expect(result.status).toBe(201);
  expect(result.body).not.toHaveProperty("subscribers_failed");
  return result.body;
}

/** The id of a new subscription with these initial subscribers (none by default). */
export async function subscriptionWith(
  s: Session,
  subscribers: { subscriber: string; subscriber_type: string }[] = [],
): Promise<string> {
  return (await createSubscription(s, { subscribers })).id;
}

/** A webhook integration of the session's account; answers its id. */
export async function createIntegration(s: Session): Promise<string> {
  const result = await call<{ id: string }>("POST", `/herald/v2/${s.accountId}/integrations`, {
    token: s.token,
    body: { name: unique("hook"), target_url: "https://hooks.example.com/x" },
  });
  expect(result.status).toBe(201);
  return result.body.id;
}

export function getSubscription(s: Session, id: string, query = ""): Promise<CallResult<Subscription>> {
  return call<Subscription>("GET", `${subscriptionsPath(s)}/${id}${query}`, { token: s.token });
}

export async function listSubscriptions(s: Session, query = ""): Promise<Subscription[]> {
  const result = await call<{ subscriptions: Subscription[] }>("GET", `${subscriptionsPath(s)}${query}`, {
    token: s.token,
  });
  expect(result.status).toBe(200);
  return result.body.subscriptions;
}

export async function listSubscribers(s: Session, subscriptionId: string): Promise<Subscriber[]> {
  const result = await call<{ subscribers: Subscriber[] }>("GET", subscribersPath(s, subscriptionId), {
    token: s.token,
  });
  expect(result.status).toBe(200);
  return result.body.subscribers;
}

/** The subscribers as sorted `type:id` strings, for exact comparisons. */
export async function subscriberKeys(s: Session, subscriptionId: string): Promise<string[]> {
  return (await listSubscribers(s, subscriptionId)).map((x) => `${x.subscriber_type}:${x.subscriber}`).sort();
}

export const ids = (rows: { id: string }[]) => rows.map((row) => row.id);

/** DELETE .../subscribers/{type}/{subscriber}, as `s` (the subscriber percent-encoded). */
export const removeSubscriber = (s: Session, subscriptionId: string, type: string, subscriber: string) =>
  call("DELETE", `${subscribersPath(s, subscriptionId)}/${type}/${encodeURIComponent(subscriber)}`, {
    token: s.token,
  });
