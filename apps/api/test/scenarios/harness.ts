// What an end-to-end scenario needs from a runtime: HTTP calls to Herald, and a scripted webhook receiver Herald can
// reach. The workerd suite (delivery-helpers.ts) and the Node suite (node/scenarios.test.ts) each build one; the
// scenarios, and the tools below, are written once over it.
import { expect, vi } from "vitest";
import { type Call, type Credentials, loginThrough, unique } from "../common";
import type { ReceivedCall, Step } from "./scripted-receiver";

export type { ReceivedCall, Step } from "./scripted-receiver";

export interface Receiver {
  url: string;
  calls(): Promise<ReceivedCall[]>;
}

export interface Harness {
  call: Call;
  /** A fresh receiver answering `steps` in turn, the last one repeating (default: 200 "ok"). */
  receiver(steps?: Step[]): Promise<Receiver>;
  /** What an attempt records when the target drops the connection before answering. */
  connectionLost: RegExp;
}

export const ACCOUNT = "12345678";
/** The seeded Acme admin: a user with an e-mail address (scripts/dev-seed.ts). */
export const ACME_USER = "D0C0FFEE-0000-4000-8000-000012345678";

export interface DeliveryView {
  id: string;
  channel: string;
  destination: string;
  status: string;
  address?: string;
  subject?: string;
  last_error?: string;
  attempts: Array<{
    attempt: number;
    response_code?: number;
    error?: string;
    started_at: number;
    duration_ms: number;
    trigger: string;
    job_id?: string;
    request_headers?: Record<string, string>;
  }>;
}

/** The calls scenarios make again and again, over one harness. */
export function deliveryTools(harness: Harness) {
  const { call } = harness;

  const login = (who: Credentials) => loginThrough(call, who);

  async function createIntegration(token: string, targetUrl: string, headers: Record<string, string> = {}) {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
      token,
      body: { name: unique("hook"), target_url: targetUrl, headers },
    });
    expect(result.status).toBe(201);
    return result.body as { id: string };
  }

  /** A fresh notification type, so no other test's subscriptions receive this test's notifications. */
  async function freshType(platformToken: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const type = `${unique("test")}/alerts`;
    const result = await call("POST", "/herald/v2/notification_types", {
      token: platformToken,
      body: {
        notification_type: type,
        name: "Test alerts",
        default_template: "incidents_template",
        default_email_subject: "{{payload.threat}} alert: {{payload.attack_summary}}",
        ...overrides,
      },
    });
    expect(result.status).toBe(201);
    return type;
  }

  async function subscribe(
    token: string,
    type: string,
    subscribers: Array<{ subscriber: string; subscriber_type: string }>,
    extra: Record<string, unknown> = {},
  ) {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
      token,
      body: { name: unique("sub"), class: "event", notification_type: type, subscribers, ...extra },
    });
    expect(result.status).toBe(201);
    return result.body as { id: string };
  }

  async function send(token: string, type: string, overrides: Record<string, unknown> = {}, headers = {}) {
    const result = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
      token,
      headers,
      body: {
        type,
        notification_data: { threat_level: "high", escalated: true },
        asset_data: {},
        payload: { long_incident_id: unique("incident"), threat: "High", attack_summary: "SSH brute force" },
        ...overrides,
      },
    });
    expect(result.status).toBe(202);
    return result.body as { id: string; status: string };
  }

  async function deliveries(token: string, notificationId: string): Promise<DeliveryView[]> {
    const result = await call("GET", `/herald/v2/${ACCOUNT}/deliveries?notification_id=${notificationId}`, { token });
    expect(result.status).toBe(200);
    return result.body.deliveries as DeliveryView[];
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
      const result = await call("GET", `/herald/v2/${ACCOUNT}/notifications/${notificationId}`, { token });
      expect(result.body.status).toBe(status);
    }, waiting);
  }

  /** A receiver answering `steps`, subscribed through a fresh integration to a fresh type, and one notification sent. */
  async function webhookScenario(token: string, platformToken: string, steps?: Step[]) {
    const target = await harness.receiver(steps);
    const integration = await createIntegration(token, target.url);
    const type = await freshType(platformToken);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    const notification = await send(token, type);
    return { target, integration, type, notification };
  }

  return {
    call,
    login,
    createIntegration,
    freshType,
    subscribe,
    send,
    deliveries,
    settled,
    notificationStatus,
    webhookScenario,
  };
}
