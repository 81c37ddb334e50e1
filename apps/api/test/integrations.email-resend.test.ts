import { env } from "cloudflare:test";
import { insertNotification } from "@herald/db";
import { beforeAll, describe, expect, it } from "vitest";
import { deliverBatch } from "../src/delivery/deliver-batch";
import { resendTransport } from "../src/delivery/email/transport";
import { fanOutBatch } from "../src/delivery/fanout";
import { signWebhook } from "../src/delivery/signing";
import type { Env } from "../src/env";
import { createServices } from "../src/services/container";
import { ACME, call, login, PLATFORM, unique } from "./helpers";
import { createNotificationType } from "./notification-factories";

// An `email` integration's legs through Resend (issue #16): SENT on hand-off, then DELIVRD or FAILED from Resend's
// events, retries and permanent failures from its answers, as users' e-mail legs. The notification is written straight
// to the database and the pipeline's own fan-out and delivery run with Resend (the fake at resend.test) as the
// transport, so no queue consumer races the test with the configured capture transport.

const ACCOUNT = ACME.accountId;
const RESEND = { apiKey: "re_test_key", from: "Herald <n@example.com>", apiUrl: "https://resend.test" };

let token: string;
let platform: string;
beforeAll(async () => {
  [token, platform] = await Promise.all([login(ACME), login(PLATFORM)]);
});

const services = () => createServices(env as unknown as Env);

interface Leg {
  id: string;
  channel: string;
  destination: string;
  status: string;
  address?: string;
  subject?: string;
  last_error?: string;
  attempts: Array<{ response_code?: number; error?: string }>;
}

async function getLeg(id: string): Promise<Leg> {
  const result = await call("GET", `/herald/v2/${ACCOUNT}/deliveries/${id}`, { token });
  expect(result.status).toBe(200);
  return result.body;
}

/** An `email` integration to `to`, subscribed to a fresh type; one notification fanned out to it, one attempt made. */
async function attemptThroughResend(to: string) {
  const integration = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
    token,
    body: { name: unique("tickets"), type: "email", email: to, subject_template: "Ticket {{payload.ticket}}" },
  });
  expect(integration.status).toBe(201);
  const type = await createNotificationType(platform);
  const subscribed = await call("POST", `/herald/v2/${ACCOUNT}/subscriptions`, {
    token,
    body: {
      name: unique("tickets"),
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber: integration.body.id, subscriber_type: "connection" }],
    },
  });
  expect(subscribed.status).toBe(201);

  const base = services();
  const now = Date.now();
  const notificationId = base.newId();
  await insertNotification(base.db, {
    id: notificationId,
    accountId: ACCOUNT,
    type,
    notificationData: {},
    assetData: {},
    payload: { ticket: "T-7", attack_summary: "through Resend" },
    attachments: null,
    status: "created",
    longIncidentId: null,
    requeuedAt: null,
    traceparent: null,
    createdAt: now,
    createdBy: "test",
    modifiedAt: now,
    modifiedBy: "test",
  });
  const [pending, ...others] = await fanOutBatch(base, [notificationId]);
  expect(others).toEqual([]);
  const legId = pending?.id as string;
  const disposition = (await deliverBatch({ ...base, email: resendTransport(RESEND) }, [legId])).get(legId);
  return { integrationId: integration.body.id as string, legId, disposition, leg: await getLeg(legId) };
}

async function sentTo(to: string): Promise<Array<{ id: string; headers: Record<string, string>; body: string }>> {
  const sent = (await (await fetch("https://resend.test/__sent")).json()) as Array<{
    id: string;
    headers: Record<string, string>;
    body: string;
  }>;
  return sent.filter((email) => JSON.parse(email.body).to[0] === to);
}

async function postResendEvent(type: string, data: Record<string, unknown>) {
  const body = JSON.stringify({ type, created_at: new Date().toISOString(), data });
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = Math.floor(Date.now() / 1000);
  const signature = await signWebhook({ secrets: [env.RESEND_WEBHOOK_SECRET], webhookId: id, timestamp, body });
  return call("POST", "/hooks/resend", {
    rawBody: body,
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(timestamp),
      "svix-signature": signature,
    },
  });
}

async function disabledAt(integrationId: string): Promise<unknown> {
  const result = await services().db.$client.execute({
    sql: "select disabled_at from integrations where id = ?",
    args: [integrationId],
  });
  return result.rows[0]?.disabled_at;
}

describe("email integrations through Resend", () => {
  it("hands the e-mail to Resend (SENT, keyed by the leg), and Resend's delivered event makes it DELIVRD", async () => {
    const to = `${unique("tickets")}@example.com`;
    const { legId, disposition, leg } = await attemptThroughResend(to);
    expect(disposition).toEqual({ kind: "done" });
    expect(leg).toMatchObject({
      channel: "webhook",
      status: "SENT",
      address: to,
      subject: "Ticket T-7",
      attempts: [expect.objectContaining({ response_code: 200 })],
    });

    const [sent, ...more] = await sentTo(to);
    expect(more).toEqual([]);
    expect(sent?.headers["idempotency-key"]).toBe(legId);
    expect(JSON.parse(sent?.body ?? "{}")).toMatchObject({
      to: [to],
      subject: "Ticket T-7",
      tags: [{ name: "herald_delivery", value: legId }],
    });
    expect(JSON.parse(sent?.body ?? "{}").text).toContain("through Resend");

    const event = await postResendEvent("email.delivered", { email_id: sent?.id });
    expect(event.status).toBe(200);
    expect(event.body).toEqual({ outcome: "advanced", delivery_id: legId, status: "DELIVRD" });
    expect((await getLeg(legId)).status).toBe("DELIVRD");
  });

  it("Resend's bounced event fails the leg with the bounce message", async () => {
    const to = `${unique("tickets")}@example.com`;
    const { legId } = await attemptThroughResend(to);
    const [sent] = await sentTo(to);
    const event = await postResendEvent("email.bounced", {
      email_id: sent?.id,
      bounce: { message: "The mailbox does not exist", subType: "General", type: "Permanent" },
    });
    expect(event.body).toEqual({ outcome: "advanced", delivery_id: legId, status: "FAILED" });
    expect(await getLeg(legId)).toMatchObject({
      status: "FAILED",
      last_error: "the e-mail bounced: The mailbox does not exist",
    });
  });

  it("a Resend outage (HTTP 503) is retried on the schedule", async () => {
    const { disposition, leg } = await attemptThroughResend("status-503@example.com");
    expect(disposition).toMatchObject({ kind: "retry" });
    expect(leg.status).toBe("PENDING");
    expect(leg.attempts).toEqual([expect.objectContaining({ response_code: 503 })]);
  });

  it("Resend's refusal (HTTP 422) fails the leg at once; a 410 too, without disabling the integration", async () => {
    const refused = await attemptThroughResend("status-422@example.com");
    expect(refused.disposition).toEqual({ kind: "done" });
    expect(refused.leg).toMatchObject({ status: "FAILED", last_error: "HTTP 422" });

    const gone = await attemptThroughResend("status-410@example.com");
    expect(gone.leg.status).toBe("FAILED");
    // A provider's answer is about the provider, not the ticketing mailbox: the integration keeps delivering.
    expect(await disabledAt(gone.integrationId)).toBeNull();
  });
});
