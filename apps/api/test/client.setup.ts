// What the @herald/client test files (client.sessions, client.operations, client.webhooks) share: the clients acting
// as Acme's admin and the platform, and the set-up their tests repeat. The clients log in with access keys and call
// the Worker directly (workerd, the real database and queues), so every operation round-trips.
import { SELF } from "cloudflare:test";
import {
  createHeraldClient,
  type HeraldClient,
  type HeraldError,
  isHeraldError,
  type RequestBody,
} from "@herald/client";
import { ACME, BASE, PLATFORM, unique } from "./helpers";

export const viaWorker = (input: Request, init?: RequestInit) => SELF.fetch(input, init);

export function clientFor(who: { keyId: string; secret: string }, extra: { now?: () => number } = {}): HeraldClient {
  return createHeraldClient({
    baseUrl: BASE,
    accessKeyId: who.keyId,
    secretKey: who.secret,
    fetch: viaWorker,
    ...extra,
  });
}

/** Acme's admin and the platform administrator, each logging in on its first call. */
export const acme = clientFor(ACME);
export const platform = clientFor(PLATFORM);

/** A notification type no other test uses, so its subscriptions and pages hold only this test's rows. */
export async function freshType(): Promise<string> {
  const type = `${unique("client")}/alerts`;
  await platform.createNotificationType({
    notification_type: type,
    name: "Client test alerts",
    default_template: "incidents_template",
    default_email_subject: "{{payload.threat}} alert",
  });
  return type;
}

/** An Acme subscription to a fresh type (`extra` on top), and the type. */
export async function freshSubscription(extra: Partial<RequestBody<"create_subscription">> = {}) {
  const type = await freshType();
  const subscription = await acme.createSubscription({
    name: unique("sub"),
    class: "event",
    notification_type: type,
    ...extra,
  });
  return { type, subscription };
}

/** An Acme webhook integration on `targetUrl`, subscribed to a fresh type (`extra` on the subscription). */
export async function subscribedIntegration(
  targetUrl: string,
  extra: Partial<RequestBody<"create_subscription">> = {},
) {
  const integration = await acme.createIntegration({ name: unique("hook"), target_url: targetUrl });
  const { type, subscription } = await freshSubscription({
    subscribers: [{ subscriber: integration.id, subscriber_type: "connection" }],
    ...extra,
  });
  return { type, integration, subscription };
}

export const notificationBody = (type: string, incident = unique("incident")) => ({
  type,
  notification_data: { threat_level: "high" },
  asset_data: {},
  payload: { long_incident_id: incident, threat: "High", attack_summary: "SSH brute force" },
});

/** The HeraldError `promise` rejects with (fails the test if it resolves or throws anything else). */
export async function caught(promise: Promise<unknown>): Promise<HeraldError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isHeraldError(error)) throw new Error(`expected a HeraldError, got ${String(error)}`);
  return error;
}
