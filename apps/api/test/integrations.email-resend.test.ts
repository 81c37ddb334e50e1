// An `email` integration's legs through Resend (issue #16): SENT on hand-off, then DELIVRD or FAILED from Resend's
// events, retries and permanent failures from its answers, as users' e-mail legs. The notification is written straight
// to the database and the pipeline's own fan-out and delivery run with Resend (the fake at resend.test) as the
// transport, so no queue consumer races the test with the configured capture transport (receivers.setup.ts).
import { beforeAll, describe, expect, it } from "vitest";
import { connectedType, herald, signIn } from "./delivery-helpers";
import { unique } from "./helpers";
import { attemptThroughResend, postResendEvent, sentTo, services } from "./receivers.setup";

let token: string;
let platform: string;
beforeAll(async () => {
  ({ token, platform } = await signIn());
});

const getLeg = (id: string) => herald(token).getDelivery(id);

/** An `email` integration to `to`, subscribed to a fresh type; one notification fanned out to it, one attempt made. */
async function attemptThroughIntegration(to: string) {
  const integration = await herald(token).createIntegration({
    name: unique("tickets"),
    type: "email",
    email: to,
    subject_template: "Ticket {{payload.ticket}}",
  });
  const type = await connectedType(token, platform, integration.id);
  const { legId, disposition } = await attemptThroughResend(type, { ticket: "T-7", attack_summary: "through Resend" });
  return { integrationId: integration.id, legId, disposition, leg: await getLeg(legId) };
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
    const { legId, disposition, leg } = await attemptThroughIntegration(to);
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
    const { legId } = await attemptThroughIntegration(to);
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
    const { disposition, leg } = await attemptThroughIntegration("status-503@example.com");
    expect(disposition).toMatchObject({ kind: "retry" });
    expect(leg.status).toBe("PENDING");
    expect(leg.attempts).toEqual([expect.objectContaining({ response_code: 503 })]);
  });

  it("Resend's refusal (HTTP 422) fails the leg at once; a 410 too, without disabling the integration", async () => {
    const refused = await attemptThroughIntegration("status-422@example.com");
    expect(refused.disposition).toEqual({ kind: "done" });
    expect(refused.leg).toMatchObject({ status: "FAILED", last_error: "HTTP 422" });

    const gone = await attemptThroughIntegration("status-410@example.com");
    expect(gone.leg.status).toBe("FAILED");
    // A provider's answer is about the provider, not the ticketing mailbox: the integration keeps delivering.
    expect(await disabledAt(gone.integrationId)).toBeNull();
  });
});
