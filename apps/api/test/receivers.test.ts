import { env } from "cloudflare:test";
import { insertNotification } from "@herald/db";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { deliverBatch } from "../src/delivery/deliver-batch";
import { resendTransport } from "../src/delivery/email/transport";
import { fanOutBatch } from "../src/delivery/fanout";
import { generateSigningSecret, signWebhook } from "../src/delivery/signing";
import type { Env } from "../src/env";
import { ApiError } from "../src/errors";
import { createServices } from "../src/services/container";
import { receiveResendEvent } from "../src/services/receipts";
import { ACME, call, expectHeraldError, GLOBEX, login, PLATFORM, unique } from "./helpers";
import { createNotificationType, sendNotification } from "./notification-factories";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
const RESEND = { apiKey: "re_test_key", from: "Herald <n@example.com>", apiUrl: "https://resend.test" };
const nowSeconds = () => Math.floor(Date.now() / 1000);

let acme: string;
let globex: string;
let platform: string;

beforeAll(async () => {
  [acme, globex, platform] = await Promise.all([login(ACME), login(GLOBEX), login(PLATFORM)]);
});

const services = () => createServices(env as unknown as Env);

interface Leg {
  id: string;
  notification_id: string;
  status: string;
  last_error?: string;
  delivered_at?: number;
  read_at?: number;
}

async function getLeg(id: string, token = acme, accountId = ACME_ID): Promise<Leg> {
  const result = await call("GET", `/herald/v2/${accountId}/deliveries/${id}`, { token });
  expect(result.status).toBe(200);
  return result.body;
}

async function subscribe(
  type: string,
  subscriber: string,
  subscriberType: "user" | "connection",
  token = acme,
  accountId = ACME_ID,
) {
  const result = await call("POST", `/herald/v2/${accountId}/subscriptions`, {
    token,
    body: {
      name: unique("receipts"),
      class: "event",
      notification_type: type,
      subscribers: [{ subscriber, subscriber_type: subscriberType }],
    },
  });
  expect(result.status).toBe(201);
}

// ---- Resend events ----

/**
 * An e-mail leg that Resend accepted (SENT), with Resend's id for it. The notification is written straight to the
 * database, so no queue consumer races this test to deliver the leg through the configured capture transport; the
 * fan-out and the attempt are the pipeline's own functions, with Resend (the fake at resend.test) as the transport.
 */
async function resendLeg(): Promise<{ leg: Leg; emailId: string }> {
  const userId = unique("recipient");
  const to = `${userId}@example.com`;
  expect(
    (await call("PUT", `/herald/v2/${ACME_ID}/users/${userId}`, { token: acme, body: { name: "Reader", email: to } }))
      .status,
  ).toBe(201);
  const type = await createNotificationType(platform);
  await subscribe(type, userId, "user");

  const base = services();
  const now = Date.now();
  const notificationId = base.newId();
  await insertNotification(base.db, {
    id: notificationId,
    accountId: ACME_ID,
    type,
    notificationData: {},
    assetData: {},
    payload: { attack_summary: "receipts" },
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
  const dispositions = await deliverBatch({ ...base, email: resendTransport(RESEND) }, [legId]);
  expect(dispositions.get(legId)).toEqual({ kind: "done" });

  const sent = (await (await fetch("https://resend.test/__sent")).json()) as Array<{ id: string; body: string }>;
  const emailId = sent.find((email) => JSON.parse(email.body).to[0] === to)?.id;
  expect(emailId).toBeDefined();
  const leg = await getLeg(legId as string);
  expect(leg.status).toBe("SENT");
  return { leg, emailId: emailId as string };
}

interface EventOptions {
  secret?: string;
  timestamp?: number;
  headerPrefix?: "svix" | "webhook";
  tamper?: (body: string) => string;
}

async function postResendEvent(type: string, data: Record<string, unknown>, options: EventOptions = {}) {
  const body = JSON.stringify({ type, created_at: new Date().toISOString(), data });
  return postSignedResendBody(body, options);
}

async function postSignedResendBody(body: string, options: EventOptions = {}) {
  const id = `msg_${crypto.randomUUID()}`;
  const timestamp = options.timestamp ?? nowSeconds();
  const signature = await signWebhook({
    secrets: [options.secret ?? env.RESEND_WEBHOOK_SECRET],
    webhookId: id,
    timestamp,
    body,
  });
  const prefix = options.headerPrefix ?? "svix";
  return call("POST", "/hooks/resend", {
    rawBody: options.tamper ? options.tamper(body) : body,
    headers: {
      "content-type": "application/json",
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: String(timestamp),
      [`${prefix}-signature`]: signature,
    },
  });
}

describe("POST /hooks/resend", () => {
  it("email.delivered moves a SENT e-mail to DELIVRD", async () => {
    const { leg, emailId } = await resendLeg();
    const result = await postResendEvent("email.delivered", { email_id: emailId, to: ["x@example.com"] });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ outcome: "advanced", delivery_id: leg.id, status: "DELIVRD" });
    const after = await getLeg(leg.id);
    expect(after.status).toBe("DELIVRD");
    expect(after.delivered_at).toBeGreaterThanOrEqual(nowSeconds() - 5);
  });

  it("email.opened moves it to READ, and a later email.delivered leaves it READ", async () => {
    const { leg, emailId } = await resendLeg();
    expect((await postResendEvent("email.delivered", { email_id: emailId })).body.status).toBe("DELIVRD");
    expect((await postResendEvent("email.opened", { email_id: emailId })).body).toEqual({
      outcome: "advanced",
      delivery_id: leg.id,
      status: "READ",
    });
    const late = await postResendEvent("email.delivered", { email_id: emailId });
    expect(late.status).toBe(200);
    expect(late.body).toEqual({ outcome: "unchanged", delivery_id: leg.id, status: "READ" });
    const after = await getLeg(leg.id);
    expect(after.status).toBe("READ");
    expect(after.read_at).toBeGreaterThanOrEqual(nowSeconds() - 5);
  });

  it("email.opened before email.delivered (events arrive out of order) still ends READ", async () => {
    const { leg, emailId } = await resendLeg();
    expect((await postResendEvent("email.opened", { email_id: emailId })).body.status).toBe("READ");
    expect((await postResendEvent("email.delivered", { email_id: emailId })).body.outcome).toBe("unchanged");
    expect((await getLeg(leg.id)).status).toBe("READ");
  });

  it("replays are harmless: the same event twice answers 200 both times", async () => {
    const { leg, emailId } = await resendLeg();
    const body = JSON.stringify({
      type: "email.delivered",
      created_at: new Date().toISOString(),
      data: { email_id: emailId },
    });
    expect((await postSignedResendBody(body)).body.outcome).toBe("advanced");
    const again = await postSignedResendBody(body);
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe("unchanged");
    expect((await getLeg(leg.id)).status).toBe("DELIVRD");
  });

  it("email.bounced fails the leg with the bounce message", async () => {
    const { leg, emailId } = await resendLeg();
    const result = await postResendEvent("email.bounced", {
      email_id: emailId,
      bounce: { message: "The recipient's mailbox does not exist", subType: "General", type: "Permanent" },
    });
    expect(result.body).toEqual({ outcome: "advanced", delivery_id: leg.id, status: "FAILED" });
    const after = await getLeg(leg.id);
    expect(after.status).toBe("FAILED");
    expect(after.last_error).toBe("the e-mail bounced: The recipient's mailbox does not exist");
  });

  it("email.failed fails the leg with the reason", async () => {
    const { leg, emailId } = await resendLeg();
    expect(
      (await postResendEvent("email.failed", { email_id: emailId, failed: { reason: "reached_daily_quota" } })).body
        .status,
    ).toBe("FAILED");
    expect((await getLeg(leg.id)).last_error).toBe("the e-mail failed: reached_daily_quota");
  });

  it("a bounce after delivery does not undo DELIVRD", async () => {
    const { leg, emailId } = await resendLeg();
    await postResendEvent("email.delivered", { email_id: emailId });
    const result = await postResendEvent("email.bounced", { email_id: emailId, bounce: { message: "late" } });
    expect(result.body).toEqual({ outcome: "unchanged", delivery_id: leg.id, status: "DELIVRD" });
    const after = await getLeg(leg.id);
    expect(after.status).toBe("DELIVRD");
    expect(after.last_error).toBeUndefined();
  });

  it.each(["email.sent", "email.clicked", "email.delivery_delayed", "email.complained", "contact.created"])(
    "acknowledges %s and ignores it",
    async (type) => {
      const { leg, emailId } = await resendLeg();
      const result = await postResendEvent(type, { email_id: emailId });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ outcome: "ignored" });
      expect((await getLeg(leg.id)).status).toBe("SENT");
    },
  );

  it("acknowledges an e-mail id it does not know with 200, so Resend stops retrying", async () => {
    const result = await postResendEvent("email.delivered", { email_id: crypto.randomUUID() });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ outcome: "unknown" });
  });

  it("accepts the Standard Webhooks header names as well", async () => {
    const { emailId } = await resendLeg();
    expect(
      (await postResendEvent("email.delivered", { email_id: emailId }, { headerPrefix: "webhook" })).body.status,
    ).toBe("DELIVRD");
  });

  it.each([
    ["another secret", { secret: generateSigningSecret() }],
    ["a stale timestamp", { timestamp: nowSeconds() - 600 }],
    ["a timestamp from the future", { timestamp: nowSeconds() + 600 }],
    ["a body changed after signing", { tamper: (body: string) => body.replace("email.delivered", "email.opened") }],
  ] as Array<[string, EventOptions]>)(
    "answers 401 to an event signed with %s, and changes nothing",
    async (_what, options) => {
      const { leg, emailId } = await resendLeg();
      expectHeraldError(await postResendEvent("email.delivered", { email_id: emailId }, options), 401, "unauthorized");
      expect((await getLeg(leg.id)).status).toBe("SENT");
    },
  );

  it("answers 401 without signature headers, and never asks for a token", async () => {
    const body = JSON.stringify({ type: "email.delivered", data: { email_id: crypto.randomUUID() } });
    expectHeraldError(
      await call("POST", "/hooks/resend", { rawBody: body, headers: { "content-type": "application/json" } }),
      401,
      "unauthorized",
    );
    const withToken = await call("POST", "/hooks/resend", { token: acme, body: JSON.parse(body) });
    expectHeraldError(withToken, 401, "unauthorized");
  });

  it("answers 400 to a signed body that is not a Resend event", async () => {
    expectHeraldError(await postSignedResendBody("not json"), 400, "invalid_json");
    expectHeraldError(await postSignedResendBody(JSON.stringify({ data: {} })), 400, "invalid_value");
  });

  it("answers 503 while RESEND_WEBHOOK_SECRET is not configured", async () => {
    const attempt = receiveResendEvent(
      { ...services(), resendWebhookSecret: undefined },
      { headers: new Headers(), body: "{}" },
    );
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ status: 503, code: "service_unavailable" });
  });
});

// ---- Webhook acknowledgements ----

interface WebhookLeg {
  leg: Leg;
  secret: string;
  integrationId: string;
}

/** A webhook leg through the real pipeline: integration, subscription, sent notification, queue consumers. */
async function webhookLeg(expected: "DELIVRD" | "FAILED", steps: Array<{ status: number }> = []): Promise<WebhookLeg> {
  const bucket = unique("ack");
  if (steps.length > 0) {
    await fetch(`https://hooks.test/__script/${bucket}`, { method: "POST", body: JSON.stringify(steps) });
  }
  const integration = await call("POST", `/herald/v2/${ACME_ID}/integrations`, {
    token: acme,
    body: { name: unique("ack"), target_url: `https://hooks.test/${bucket}` },
  });
  expect(integration.status).toBe(201);
  const integrationId: string = integration.body.id;
  const type = await createNotificationType(platform);
  await subscribe(type, integrationId, "connection");
  const notification = await sendNotification(acme, ACME_ID, type);
  const leg = await vi.waitFor(
    async () => {
      const result = await call("GET", `/herald/v2/${ACME_ID}/deliveries?notification_id=${notification.id}`, {
        token: acme,
      });
      expect(result.status).toBe(200);
      const [only] = result.body.deliveries as Leg[];
      expect(only?.status).toBe(expected);
      return only as Leg;
    },
    { timeout: 10_000, interval: 100 },
  );
  const secret = await call("GET", `/herald/v2/${ACME_ID}/integrations/${integrationId}/secret`, { token: acme });
  return { leg, secret: secret.body.key, integrationId };
}

interface AckOptions {
  secrets?: string[];
  timestamp?: number;
  webhookId?: string;
  body?: string;
}

async function acknowledge(legId: string, secret: string, options: AckOptions = {}) {
  const webhookId = options.webhookId ?? `msg_${legId}`;
  const timestamp = options.timestamp ?? nowSeconds();
  const body = options.body ?? "{}";
  const signature = await signWebhook({ secrets: options.secrets ?? [secret], webhookId, timestamp, body });
  return call("POST", "/hooks/ack", {
    rawBody: body,
    headers: {
      "content-type": "application/json",
      "webhook-id": webhookId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    },
  });
}

// Concurrent: each test waits for its own leg to pass through the queues.
describe.concurrent("POST /hooks/ack", { timeout: 20_000 }, () => {
  it("moves a delivered webhook to READ; a repeated acknowledgement changes nothing", async () => {
    const { leg, secret } = await webhookLeg("DELIVRD");
    const result = await acknowledge(leg.id, secret, { body: JSON.stringify({ processed: true }) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ outcome: "advanced", delivery_id: leg.id, status: "READ" });
    const after = await getLeg(leg.id);
    expect(after.status).toBe("READ");
    expect(after.read_at).toBeGreaterThanOrEqual(nowSeconds() - 5);

    const again = await acknowledge(leg.id, secret);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ outcome: "unchanged", delivery_id: leg.id, status: "READ" });
  });

  it("accepts the previous secret during a rotation, and the new one", async () => {
    const [first, second] = await Promise.all([webhookLeg("DELIVRD"), webhookLeg("DELIVRD")]);
    const rotate = (integrationId: string) =>
      call("POST", `/herald/v2/${ACME_ID}/integrations/${integrationId}/secret/rotate`, { token: acme });
    expect((await rotate(first.integrationId)).status).toBe(200);
    expect((await acknowledge(first.leg.id, first.secret)).body.status).toBe("READ");

    const rotation = await rotate(second.integrationId);
    expect(rotation.body.key).not.toBe(second.secret);
    expect((await acknowledge(second.leg.id, rotation.body.key)).body.status).toBe("READ");
  });

  it.each([
    ["another secret", { secrets: [generateSigningSecret()] }],
    ["a stale timestamp", { timestamp: nowSeconds() - 600 }],
  ] as Array<[string, AckOptions]>)(
    "answers 401 to an acknowledgement signed with %s, and keeps DELIVRD",
    async (_what, options) => {
      const { leg, secret } = await webhookLeg("DELIVRD");
      expectHeraldError(await acknowledge(leg.id, secret, options), 401, "unauthorized");
      expect((await getLeg(leg.id)).status).toBe("DELIVRD");
    },
  );

  it("answers 401 to an acknowledgement signed with another account's integration secret", async () => {
    const { leg } = await webhookLeg("DELIVRD");
    const theirs = await call("POST", `/herald/v2/${GLOBEX_ID}/integrations`, {
      token: globex,
      body: { name: unique("theirs"), target_url: "https://hooks.test/theirs" },
    });
    const theirSecret = await call("GET", `/herald/v2/${GLOBEX_ID}/integrations/${theirs.body.id}/secret`, {
      token: globex,
    });
    expectHeraldError(await acknowledge(leg.id, theirSecret.body.key), 401, "unauthorized");
    expect((await getLeg(leg.id)).status).toBe("DELIVRD");
  });

  it("answers 401 without the signature headers", async () => {
    const { leg } = await webhookLeg("DELIVRD");
    const result = await call("POST", "/hooks/ack", { rawBody: "{}", headers: { "webhook-id": `msg_${leg.id}` } });
    expectHeraldError(result, 401, "unauthorized");
    expect((await getLeg(leg.id)).status).toBe("DELIVRD");
  });

  it("answers 404 for a webhook id Herald never sent", async () => {
    const secret = generateSigningSecret();
    expectHeraldError(await acknowledge(crypto.randomUUID().toUpperCase(), secret), 404, "not_found");
    expectHeraldError(await acknowledge("", secret, { webhookId: crypto.randomUUID() }), 404, "not_found");
  });

  it("answers 409 for a webhook that was not delivered, and leaves it as it is", async () => {
    const { leg, secret } = await webhookLeg("FAILED", [{ status: 422 }]);
    expectHeraldError(await acknowledge(leg.id, secret), 409, "conflict");
    expect((await getLeg(leg.id)).status).toBe("FAILED");
  });
});
