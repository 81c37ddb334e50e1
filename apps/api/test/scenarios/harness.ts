// What an end-to-end scenario needs from a runtime: HTTP calls to Herald (raw, and through the typed client), and a
// scripted webhook receiver Herald can reach. The workerd suite (delivery-helpers.ts) and the Node suite
// (harness.node.ts) each build one; the scenarios, and the tools below, are written once over it.
import type { Delivery, HeraldClient, RequestBody, Schemas } from "@herald/client";
import { expect, vi } from "vitest";
import { ACME, type Call, type Credentials, loginThrough, PLATFORM, unique } from "../common";
import type { ReceivedCall, Step } from "./scripted-receiver";

export type { ReceivedCall, Step } from "./scripted-receiver";

export interface Receiver {
  url: string;
  calls(): Promise<ReceivedCall[]>;
}

export interface Harness {
  /** A raw call, for what a scenario expects Herald to refuse (it sends what the types forbid). */
  call: Call;
  /** The typed client acting with `who`'s token on its account (`heraldThrough` over the runtime's fetch). */
  herald(who: { token: string; accountId: string }): HeraldClient;
  /** A fresh receiver answering `steps` in turn, the last one repeating (default: 200 "ok"). */
  receiver(steps?: Step[]): Promise<Receiver>;
  /** What an attempt records when the target drops the connection before answering. */
  connectionLost: RegExp;
}

export const ACCOUNT = "12345678";
/** The seeded Acme admin: a user with an e-mail address (scripts/dev-seed.ts). */
export const ACME_USER = "D0C0FFEE-0000-4000-8000-000012345678";

/** A delivery (a leg) as `get_notification_deliveries` shows it. */
export type DeliveryView = Delivery;

type Connection = NonNullable<RequestBody<"create_subscription">["subscribers"]>[number];
type NotificationBody = RequestBody<"sent_notification">;

/** An Ed25519-signing webhook integration's public key, as the API shows it. */
export function publicKeyOf(integration: Schemas["Integration"]): string {
  expect(integration).toMatchObject({ type: "webhook", signature_scheme: "ed25519" });
  return (integration as Schemas["Integration-Webhook"]).public_key as string;
}

/** A create request of any integration type, without the name (the tools give each integration a unique one). */
export type IntegrationBody =
  RequestBody<"create_integration"> extends infer Body ? (Body extends unknown ? Omit<Body, "name"> : never) : never;

type IntegrationType = NonNullable<Schemas["Integration"]["type"]>;

/** The integration as its type shows it (its masked credentials...), checking the API answered that type. */
export function ofType<Type extends IntegrationType>(integration: Schemas["Integration"], type: Type) {
  expect(integration.type).toBe(type);
  return integration as Extract<Schemas["Integration"], { type?: Type }>;
}

/** The calls scenarios make again and again, over one harness; the ones expected to succeed go through the typed client. */
export function deliveryTools(harness: Harness) {
  const { call } = harness;

  const login = (who: Credentials) => loginThrough(call, who);
  /** The typed client acting with `token` on the scenarios' account. */
  const herald = (token: string) => harness.herald({ token, accountId: ACCOUNT });

  /** The Acme admin's and the platform admin's tokens, for a scenario file's `beforeAll`. */
  async function signIn() {
    return { token: await login(ACME), platform: await login(PLATFORM) };
  }

  function createIntegration(token: string, targetUrl: string, headers: Record<string, string> = {}) {
    return herald(token).createIntegration({ name: unique("hook"), target_url: targetUrl, headers });
  }

  /** An integration of any type (`body`), named `prefix-…`, through the typed client, checking the 201. */
  async function createIntegrationOf(token: string, body: IntegrationBody, prefix = "integration") {
    const { data, error, response } = await herald(token).raw.POST("/herald/v2/{account_id}/integrations", {
      params: { path: { account_id: ACCOUNT } },
      body: { name: unique(prefix), ...body } as RequestBody<"create_integration">,
    });
    expect(response.status, JSON.stringify(error)).toBe(201);
    if (!data) throw new Error("the integration was not created");
    return data;
  }

  /** A fresh notification type, so no other test's subscriptions receive this test's notifications. */
  async function freshType(
    platformToken: string,
    overrides: Partial<RequestBody<"create_notification_type">> = {},
  ): Promise<string> {
    const created = await harness
      .herald({ token: platformToken, accountId: PLATFORM.accountId })
      .createNotificationType({
        notification_type: `${unique("test")}/alerts`,
        name: "Test alerts",
        default_template: "incidents_template",
        default_email_subject: "{{payload.threat}} alert: {{payload.attack_summary}}",
        ...overrides,
      });
    return created.notification_type;
  }

  function subscribe(
    token: string,
    type: string,
    subscribers: Connection[],
    extra: Partial<RequestBody<"create_subscription">> = {},
  ) {
    return herald(token).createSubscription({
      name: unique("sub"),
      class: "event",
      notification_type: type,
      subscribers,
      ...extra,
    });
  }

  /** The body `send` posts: a high, escalated incident of `type`, with `overrides` on top. */
  function notificationBody(type: string, overrides: Partial<NotificationBody> = {}): NotificationBody {
    return {
      type,
      notification_data: { threat_level: "high", escalated: true },
      asset_data: {},
      payload: { long_incident_id: unique("incident"), threat: "High", attack_summary: "SSH brute force" },
      ...overrides,
    };
  }

  function send(token: string, type: string, overrides: Partial<NotificationBody> = {}, headers = {}) {
    return herald(token).sentNotification(notificationBody(type, overrides), { headers });
  }

  async function deliveries(token: string, notificationId: string): Promise<DeliveryView[]> {
    return (await herald(token).getNotificationDeliveries({ notification_id: notificationId })).deliveries;
  }

  // vi.waitFor rather than expect.poll: it needs no current test, so scenarios can run concurrently.
  const waiting = { timeout: 25_000, interval: 100 };

  /** Waits until every leg of the notification is in one of `statuses` (the real queues run in the background). */
  function settled(token: string, notificationId: string, count: number, statuses = ["DELIVRD", "FAILED"]) {
    return vi.waitFor(async () => {
      const legs = await deliveries(token, notificationId);
      expect(legs.map((leg) => leg.status)).toHaveLength(count);
      for (const leg of legs) expect(statuses).toContain(leg.status);
      return legs;
    }, waiting);
  }

  /** Waits until the notification has the status (fan-out that reaches no one completes it without legs). */
  function notificationStatus(token: string, notificationId: string, status: string) {
    return vi.waitFor(async () => {
      expect((await herald(token).getAccountNotification(notificationId)).status).toBe(status);
    }, waiting);
  }

  /**
   * Incident A, A again, then B, sent to `type` (whose subscription suppresses repeats): waits until A's and B's one
   * leg settled and the repeat is completed, and answers the three notifications.
   */
  async function incidentRepeated(token: string, type: string) {
    const payload = (incident: string) => ({ payload: { long_incident_id: incident, attack_summary: "x" } });
    const first = await send(token, type, payload("incident-A"));
    await settled(token, first.id, 1);
    const repeat = await send(token, type, payload("incident-A"));
    const other = await send(token, type, payload("incident-B"));
    await settled(token, other.id, 1);
    await notificationStatus(token, repeat.id, "completed");
    return { first, repeat, other };
  }

  /** A receiver answering `steps`, subscribed through a fresh integration to a fresh type, and one notification sent. */
  async function webhookScenario(token: string, platformToken: string, steps?: Step[]) {
    const { target, integration, type } = await subscribedReceiver(token, platformToken, steps);
    const notification = await send(token, type);
    return { target, integration, type, notification };
  }

  /** A receiver answering `steps`, subscribed through a fresh integration to a fresh type; nothing sent yet. */
  async function subscribedReceiver(token: string, platformToken: string, steps?: Step[]) {
    const target = await harness.receiver(steps);
    const integration = await createIntegration(token, target.url);
    return { target, integration, type: await connectedType(token, platformToken, integration.id) };
  }

  /** A fresh type with the integration subscribed to it (one subscription, `extra` on top), answered by name. */
  async function connectedType(
    token: string,
    platformToken: string,
    integrationId: string,
    extra: Partial<RequestBody<"create_subscription">> = {},
  ) {
    const type = await freshType(platformToken);
    await subscribe(token, type, [{ subscriber: integrationId, subscriber_type: "connection" }], extra);
    return type;
  }

  return {
    call,
    herald,
    login,
    signIn,
    createIntegration,
    createIntegrationOf,
    freshType,
    subscribe,
    send,
    notificationBody,
    deliveries,
    settled,
    notificationStatus,
    incidentRepeated,
    webhookScenario,
    subscribedReceiver,
    connectedType,
  };
}
