// The rows the subscription and subscriber tests make for themselves: each under a unique name, so no test depends
// on another's, made through the typed client. Reading and changing them: setup/subscriptions.ts and
// setup/subscribers.ts.
import type { RequestBody, Subscription } from "@herald/client";
import { expect } from "vitest";
import { type Session, typedCall, unique } from "../helpers";

export const subscriptionsPath = (s: Session) => `/herald/v2/${s.accountId}/subscriptions`;
export const subscribersPath = (s: Session, subscriptionId: string) =>
  `${subscriptionsPath(s)}/${subscriptionId}/subscribers`;

/** A fresh id in Herald's spelling (uppercase), for users nobody has made yet. */
export const newUserId = () => crypto.randomUUID().toUpperCase();

export const user = (id: string) => ({ subscriber: id, subscriber_type: "user" as const });
export const connection = (id: string) => ({ subscriber: id, subscriber_type: "connection" as const });

type NewSubscription = RequestBody<"create_subscription">;

/** A subscription body with only the required fields (a unique name), and `overrides` on top; any shape. */
export function sparse(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: unique("sub"), class: "event", notification_type: "incidents/alerts", ...overrides };
}

/** The same, typed: a body the typed client sends. */
export function subscriptionBody(overrides: Partial<NewSubscription> = {}): NewSubscription {
  return { name: unique("sub"), class: "event", notification_type: "incidents/alerts", ...overrides };
}

/** Creates a subscription that must take every initial subscriber it is given (201); answers it as created. */
export async function createSubscription(s: Session, overrides: Partial<NewSubscription> = {}): Promise<Subscription> {
  const { status, body } = await typedCall(s, (herald) => herald.createSubscription(subscriptionBody(overrides)));
  expect(status).toBe(201);
  expect(body).not.toHaveProperty("subscribers_failed");
  return body;
}

/** The id of a new subscription with these initial subscribers (none by default). */
export async function subscriptionWith(s: Session, subscribers: NewSubscription["subscribers"] = []): Promise<string> {
  return (await createSubscription(s, { subscribers })).id;
}

/** A webhook integration of the session's account (201); answers its id. */
export async function createIntegration(s: Session): Promise<string> {
  const { status, body } = await typedCall(s, (herald) =>
    herald.createIntegration({ name: unique("hook"), target_url: "https://hooks.example.com/x" }),
  );
  expect(status).toBe(201);
  return body.id;
}

export const ids = (rows: { id: string }[]) => rows.map((row) => row.id);
