import { env } from "cloudflare:test";
import type { CapturedEmail } from "@herald/client";
import { describe, expect, it } from "vitest";
import { resendTransport } from "../src/delivery/email/transport";
import type { Env } from "../src/env";
import { createServices } from "../src/services/container";
import { sendTestEmail } from "../src/services/emails";
import { ACME, call, expectHeraldError, GLOBEX, typedCall, unique } from "./helpers";
import { type SignedIn, signedIn } from "./setup/sessions";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
const RESEND = { apiKey: "re_test_key", from: "Herald <n@example.com>", apiUrl: "https://resend.test" };

const { acme, globex, reader, writer } = signedIn("acme", "globex", "reader", "writer");

const address = (prefix: string) => `${unique(prefix)}@example.com`;
const emailsPath = (accountId = ACME_ID, query = "") => `/herald/v2/${accountId}/emails${query}`;
const testPath = (accountId = ACME_ID) => `/herald/v2/${accountId}/email/test`;

/** The e-mails captured for `who`'s account (200). */
async function captured(who: SignedIn = acme, query: { limit?: number } = { limit: 200 }): Promise<CapturedEmail[]> {
  const result = await typedCall(who, (herald) => herald.getCapturedEmails(query));
  expect(result.status).toBe(200);
  return result.body.emails;
}

/** A test e-mail to `to` that must be captured (200). */
async function captureTestEmail(to: string) {
  const result = await typedCall(acme, (herald) => herald.testEmail({ email: to }));
  expect(result.status).toBe(200);
  return result.body;
}

interface SentToResend {
  id: string;
  headers: Record<string, string>;
  body: string;
}

async function sentToResend(): Promise<SentToResend[]> {
  return (await fetch("https://resend.test/__sent")).json();
}

describe("POST /herald/v2/{account_id}/email/test (capture transport)", () => {
  it("renders a sample incident e-mail as an email integration would and captures it: 200 captured", async () => {
    const to = address("test");
    const result = await typedCall(acme, (herald) => herald.testEmail({ email: to }));
    expect(result.status).toBe(200);
    const subject = "High Threat Incident : Herald test notification: a sample incident";
    expect(result.body).toMatchObject({ code: 200, rawbody: "captured", delivered: true, to, subject });
    expect(result.body.request_body).toContain("Herald test notification: a sample incident");

    const [email] = (await captured()).filter((e) => e.to === to);
    expect(email).toMatchObject({ delivery_id: null, to, subject });
    expect(email?.html).toContain("<!DOCTYPE html>");
    expect(email?.html).toContain("Herald test notification: a sample incident");
    expect(email?.text).toBe(result.body.request_body);
  });

  it.each([
    ["writer", () => writer.token],
    ["reader", () => reader.token],
  ])("answers 403 to a %s token, and sends nothing", async (_who, token) => {
    const to = address("denied");
    expectHeraldError(await call("POST", testPath(), { token: token(), body: { email: to } }), 403, "forbidden");
    expect((await captured()).filter((e) => e.to === to)).toEqual([]);
  });

  it("answers 403 for another account's path", async () => {
    expectHeraldError(
      await call("POST", testPath(GLOBEX_ID), { token: acme.token, body: { email: address("x") } }),
      403,
      "forbidden",
    );
  });

  it.each([
    [{}, "missing_required_property"],
    [{ email: "not an address" }, "invalid_value"],
    [{ email: 42 }, "wrong_type"],
  ])("validates the body: %j → 400 %s", async (body, error) => {
    expectHeraldError(await call("POST", testPath(), { token: acme.token, body }), 400, error);
  });
});

describe("GET /herald/v2/{account_id}/emails", () => {
  it("answers the account's captured e-mails, newest first", async () => {
    const addresses = [address("first"), address("second"), address("third")];
    for (const to of addresses) {
      await captureTestEmail(to);
      // Captures are ordered by their millisecond; apart, so the order under test is not a tie.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const emails = await captured();
    const ours = emails.filter((e) => addresses.includes(e.to)).map((e) => e.to);
    expect(ours).toEqual([...addresses].reverse());
    const times = emails.map((e) => e.created);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it("honours limit, 50 by default", async () => {
    for (let i = 0; i < 3; i++) await captureTestEmail(address("limit"));
    expect(await captured(acme, { limit: 2 })).toHaveLength(2);
    expect((await captured(acme, {})).length).toBeLessThanOrEqual(50);
  });

  it.each(["?limit=0", "?limit=201", "?limit=many"])("answers 400 for %s", async (query) => {
    expectHeraldError(
      await call("GET", emailsPath(ACME_ID, query), { token: acme.token }),
      400,
      "invalid_search_parameters",
    );
  });

  it("reads to any role, never another account's e-mails", async () => {
    const to = address("private");
    await captureTestEmail(to);
    expect((await captured(reader)).map((e) => e.to)).toContain(to);
    expect((await captured(globex)).map((e) => e.to)).not.toContain(to);
    expectHeraldError(await call("GET", emailsPath(GLOBEX_ID), { token: acme.token }), 403, "forbidden");
    expectHeraldError(await call("GET", emailsPath()), 401, "unauthorized");
  });
});

describe("the Resend transport", () => {
  const outgoing = (to: string, deliveryId: string | null = crypto.randomUUID().toUpperCase()) => ({
    accountId: ACME_ID,
    deliveryId,
    to,
    subject: "Subject line",
    html: "<p>Hello</p>",
    text: "Hello",
  });

  it("posts from, to, subject, html, text, the idempotency key and the delivery tag; answers Resend's id", async () => {
    const to = address("resend");
    const email = outgoing(to);
    const result = await resendTransport(RESEND).send(email);
    expect(result).toMatchObject({
      ok: true,
      status: "SENT",
      responseCode: 200,
      providerMessageId: expect.any(String),
    });

    const request = (await sentToResend()).find((sent) => JSON.parse(sent.body).to[0] === to);
    expect(request?.id).toBe(result.ok ? result.providerMessageId : undefined);
    expect(request?.headers).toMatchObject({
      authorization: "Bearer re_test_key",
      "content-type": "application/json",
      "idempotency-key": email.deliveryId,
    });
    expect(JSON.parse(request?.body ?? "{}")).toEqual({
      from: "Herald <n@example.com>",
      to: [to],
      subject: "Subject line",
      html: "<p>Hello</p>",
      text: "Hello",
      tags: [{ name: "herald_delivery", value: email.deliveryId }],
    });
  });

  it("sends a test e-mail (no delivery) without idempotency key or tag", async () => {
    const to = address("untagged");
    expect((await resendTransport(RESEND).send(outgoing(to, null))).ok).toBe(true);
    const request = (await sentToResend()).find((sent) => JSON.parse(sent.body).to[0] === to);
    expect(request?.headers["idempotency-key"]).toBeUndefined();
    expect(JSON.parse(request?.body ?? "{}").tags).toBeUndefined();
  });

  it.each([500, 503, 429])("treats HTTP %i as worth a retry", async (status) => {
    const result = await resendTransport(RESEND).send(outgoing(`status-${status}@example.com`));
    expect(result).toMatchObject({ ok: false, outcome: { kind: "retry" }, responseCode: status });
    expect(result.ok ? "" : result.responseBody).toContain("forced by the test");
  });

  it.each([422, 400, 403])("treats HTTP %i as permanent", async (status) => {
    const result = await resendTransport(RESEND).send(outgoing(`status-${status}@example.com`));
    expect(result).toMatchObject({
      ok: false,
      outcome: { kind: "permanent", reason: `HTTP ${status}` },
      responseCode: status,
    });
  });

  it("treats a wrong API key (401) as permanent", async () => {
    const result = await resendTransport({ ...RESEND, apiKey: "re_wrong" }).send(outgoing(address("key")));
    expect(result).toMatchObject({ ok: false, outcome: { kind: "permanent" }, responseCode: 401 });
  });

  it("treats a fetch that throws as worth a retry", async () => {
    // No scheme: fetch rejects before any request is made, as it does when the network is down.
    const result = await resendTransport({ ...RESEND, apiUrl: "resend.test" }).send(outgoing(address("thrown")));
    expect(result).toMatchObject({
      ok: false,
      outcome: { kind: "retry", reason: expect.stringMatching(/^network error/) },
    });
    expect(result.ok ? 0 : result.responseCode).toBeUndefined();
  });
});

describe("the test e-mail through Resend", () => {
  function context(settings = RESEND) {
    const services = { ...createServices(env as unknown as Env), email: resendTransport(settings) };
    const auth = { accountId: ACME_ID, userId: "test", role: "admin" as const, platformAdmin: false, expiresAt: 0 };
    return { services, auth };
  }

  it("answers Resend's status and body", async () => {
    const to = address("resend-test");
    const result = await sendTestEmail(context(), ACME_ID, { email: to, notification_type: "incidents/alerts" });
    const request = (await sentToResend()).find((sent) => JSON.parse(sent.body).to[0] === to);
    expect(result).toMatchObject({ code: 200, rawbody: JSON.stringify({ id: request?.id }), delivered: true, to });
    // A test e-mail is no leg: no idempotency key (a second test would be swallowed) and no delivery tag.
    expect(request?.headers["idempotency-key"]).toBeUndefined();
  });

  it("answers the provider's refusal as it came", async () => {
    const result = await sendTestEmail(context(), ACME_ID, {
      email: "status-422@example.com",
      notification_type: "incidents/alerts",
    });
    expect(result.code).toBe(422);
    expect(JSON.parse(result.rawbody)).toMatchObject({ statusCode: 422, message: "forced by the test" });
  });

  it("answers code 0 when Resend cannot be reached", async () => {
    const result = await sendTestEmail(context({ ...RESEND, apiUrl: "resend.test" }), ACME_ID, {
      email: address("down"),
      notification_type: "incidents/alerts",
    });
    expect(result).toMatchObject({ code: 0, delivered: false, reason: expect.stringMatching(/^network error/) });
    expect(result.rawbody).toMatch(/^not sent: network error/);
  });
});
