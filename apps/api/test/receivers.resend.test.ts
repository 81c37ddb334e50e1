// Resend's delivery events for e-mail legs (POST /hooks/resend), signed as Resend signs them: each moves a leg Resend
// accepted (SENT) on to DELIVRD, READ or FAILED, once, whatever order they arrive in; anything unsigned, stale or
// altered is refused and changes nothing. Acknowledgements of webhooks are in receivers.ack.test.ts.
import type { Delivery } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningSecret } from "../src/delivery/signing";
import { ApiError } from "../src/errors";
import { receiveResendEvent } from "../src/services/receipts";
import { ACCOUNT, freshType, herald, signIn, subscribe } from "./delivery-helpers";
import { call, expectHeraldError, unique } from "./helpers";
import {
  attemptThroughResend,
  type EventOptions,
  nowSeconds,
  postResendEvent,
  postSignedResendBody,
  sentTo,
  services,
} from "./receivers.setup";

let acme: string;
let platform: string;
beforeAll(async () => {
  ({ token: acme, platform } = await signIn());
});

const getLeg = (id: string) => herald(acme).getDelivery(id);

/** An e-mail leg to a fresh user that Resend accepted (SENT), with Resend's id for it. */
async function resendLeg(): Promise<{ leg: Delivery; emailId: string }> {
  const userId = unique("recipient");
  const to = `${userId}@example.com`;
  const put = await herald(acme).raw.PUT("/herald/v2/{account_id}/users/{user_id}", {
    params: { path: { account_id: ACCOUNT, user_id: userId } },
    body: { name: "Reader", email: to },
  });
  expect(put.response.status).toBe(201);
  const type = await freshType(platform);
  await subscribe(acme, type, [{ subscriber: userId, subscriber_type: "user" }]);
  const { legId, disposition } = await attemptThroughResend(type, { attack_summary: "receipts" });
  expect(disposition).toEqual({ kind: "done" });

  const [sent] = await sentTo(to);
  expect(sent?.id).toBeDefined();
  const leg = await getLeg(legId);
  expect(leg.status).toBe("SENT");
  return { leg, emailId: sent?.id as string };
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
