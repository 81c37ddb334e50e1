// The subscribers of one subscription, as a session: `import * as subscribers from "./setup/subscribers"`, then
// `subscribers.keys(acme, id)`. `list` and `keys` must succeed (typed client); `add`, `batch` and `remove` send any
// body or path and answer whatever Herald says, refusals included.
import type { HeraldErrorBody, Subscriber } from "@herald/client";
import { expect } from "vitest";
import { call, type Session, typedCall } from "../helpers";
import { subscribersPath } from "./fixtures";

export const path = subscribersPath;

/** The subscription's subscribers (200). */
export async function list(s: Session, subscriptionId: string): Promise<Subscriber[]> {
  const { status, body } = await typedCall(s, (herald) => herald.getAccountSubscriptionSubscribers(subscriptionId));
  expect(status).toBe(200);
  return body.subscribers;
}

/** The subscribers as sorted `type:id` strings, for exact comparisons. */
export async function keys(s: Session, subscriptionId: string): Promise<string[]> {
  return (await list(s, subscriptionId)).map((x) => `${x.subscriber_type}:${x.subscriber}`).sort();
}

/** POST .../subscribers (add). */
export const add = (s: Session, subscriptionId: string, body: unknown) =>
  call<HeraldErrorBody>("POST", path(s, subscriptionId), { token: s.token, body });

/** POST .../subscribers/batch/update. */
export const batch = (s: Session, subscriptionId: string, body: unknown) =>
  call<HeraldErrorBody>("POST", `${path(s, subscriptionId)}/batch/update`, { token: s.token, body });

/** DELETE .../subscribers/{type}/{subscriber} (the subscriber percent-encoded). */
export const remove = (s: Session, subscriptionId: string, type: string, subscriber: string) =>
  call<HeraldErrorBody>("DELETE", `${path(s, subscriptionId)}/${type}/${encodeURIComponent(subscriber)}`, {
    token: s.token,
  });
