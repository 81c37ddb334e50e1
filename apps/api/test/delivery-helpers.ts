import { expect } from "vitest";
import { call, unique } from "./helpers";

export const ACCOUNT = "12345678";
/** The seeded Acme admin: a user with an e-mail address (scripts/dev-seed.ts). */
export const ACME_USER = "D0C0FFEE-0000-4000-8000-000012345678";

export interface Step {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface ReceivedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A fresh bucket on the fake receiver, answering `steps` in turn (the last one repeats). */
export async function receiver(
  steps: Step[] = [{ status: 200 }],
): Promise<{ url: string; calls: () => Promise<ReceivedCall[]> }> {
  const bucket = unique("hook");
  await fetch(`https://hooks.test/__script/${bucket}`, { method: "POST", body: JSON.stringify(steps) });
  return {
    url: `https://hooks.test/${bucket}`,
    calls: async () => (await (await fetch(`https://hooks.test/__requests/${bucket}`)).json()) as ReceivedCall[],
  };
}

export async function createIntegration(token: string, targetUrl: string, headers: Record<string, string> = {}) {
  const result = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
    token,
    body: { name: unique("hook"), target_url: targetUrl, headers },
  });
  expect(result.status).toBe(201);
  return result.body as { id: string };
}

/** A subscription to a fresh notification type, so no other test's subscriptions receive this test's notifications. */
export async function freshType(platformToken: string, overrides: Record<string, unknown> = {}): Promise<string> {
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

export async function subscribe(
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

export async function send(token: string, type: string, overrides: Record<string, unknown> = {}, headers = {}) {
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

export interface DeliveryView {
  id: string;
  channel: string;
  destination: string;
  status: string;
  address?: string;
  subject?: string;
  last_error?: string;
  attempts: Array<{ attempt: number; response_code?: number; error?: string; started_at: number; duration_ms: number }>;
}

export async function deliveries(token: string, notificationId: string): Promise<DeliveryView[]> {
  const result = await call("GET", `/herald/v2/${ACCOUNT}/deliveries?notification_id=${notificationId}`, { token });
  expect(result.status).toBe(200);
  return result.body.deliveries as DeliveryView[];
}

/** Waits until every leg of the notification is in one of `statuses` (the real queues run in the background). */
export async function settled(token: string, notificationId: string, count: number, statuses = ["DELIVRD", "FAILED"]) {
  let legs: DeliveryView[] = [];
  await expect
    .poll(
      async () => {
        legs = await deliveries(token, notificationId);
        return legs.length === count && legs.every((leg) => statuses.includes(leg.status));
      },
      { timeout: 25_000, interval: 100 },
    )
    .toBe(true);
  return legs;
}
