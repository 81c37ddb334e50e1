// What the receivers' tests (receivers.resend, receivers.ack) and the `email` integration's Resend test
// (integrations.email-resend) share: a leg's first attempt through Resend, and Resend's and receivers' signed events.
import { env } from "cloudflare:test";
import { insertNotification } from "@herald/db";
import { expect } from "vitest";
import { deliverBatch } from "../src/delivery/deliver-batch";
import { resendTransport } from "../src/delivery/email/transport";
import { fanOutBatch } from "../src/delivery/fanout";
import { signWebhook } from "../src/delivery/signing";
import type { Env } from "../src/env";
import { createServices } from "../src/services/container";
import { ACCOUNT, notificationRow } from "./delivery-helpers";
import { call } from "./helpers";

export const RESEND = { apiKey: "re_test_key", from: "Herald <n@example.com>", apiUrl: "https://resend.test" };

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const services = () => createServices(env as unknown as Env);

/**
 * Stores an Acme notification of `type` straight to the database, so no queue consumer races the test to deliver its
 * leg through the configured capture transport; fans it out with the pipeline's own function to its one leg, and
 * makes that leg's first attempt with Resend (the fake at resend.test) as the transport.
 */
export async function attemptThroughResend(type: string, payload: Record<string, unknown>) {
  const base = services();
  const notificationId = base.newId();
  await insertNotification(base.db, notificationRow(notificationId, ACCOUNT, Date.now(), "created", { type, payload }));
  const [pending, ...others] = await fanOutBatch(base, [notificationId]);
  expect(others).toEqual([]);
  const legId = pending?.id as string;
  const disposition = (await deliverBatch({ ...base, email: resendTransport(RESEND) }, [legId])).get(legId);
  return { legId, disposition };
}

export interface SentEmail {
  id: string;
  headers: Record<string, string>;
  body: string;
}

/** What the Resend fake took for `to`, oldest first. */
export async function sentTo(to: string): Promise<SentEmail[]> {
  const sent = (await (await fetch("https://resend.test/__sent")).json()) as SentEmail[];
  return sent.filter((email) => JSON.parse(email.body).to[0] === to);
}

export interface EventOptions {
  secret?: string;
  timestamp?: number;
  headerPrefix?: "svix" | "webhook";
  tamper?: (body: string) => string;
}

/** Posts a Resend event of `type` about `data`, signed as Resend signs it (RESEND_WEBHOOK_SECRET, svix headers). */
export function postResendEvent(type: string, data: Record<string, unknown>, options: EventOptions = {}) {
  const body = JSON.stringify({ type, created_at: new Date().toISOString(), data });
  return postSignedResendBody(body, options);
}

export async function postSignedResendBody(body: string, options: EventOptions = {}) {
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
