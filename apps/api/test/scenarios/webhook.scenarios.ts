// Webhook delivery end to end, written once over a harness and run by both suites: the Worker in workerd
// (test/delivery.test.ts) and the Node runtime (node/scenarios.test.ts). Black-box over HTTP: a scripted receiver
// answers, and each scenario reads what it got and what Herald's API reports: the signed call and its headers, the
// trace context carried to the target, and how each kind of failure is retried, given up or refused.
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { unique } from "../common";
import { ACCOUNT, deliveryTools, type Harness } from "./harness";

export function defineWebhookScenarios(harness: Harness) {
  const { call, herald, signIn, createIntegration, send, settled, webhookScenario, subscribedReceiver, connectedType } =
    deliveryTools(harness);
  const { receiver } = harness;

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  describe("webhook delivery", () => {
    it("delivers a signed notification once and shows DELIVRD", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url, { "X-Team": "soc" });
      const notification = await send(token, await connectedType(token, platform, integration.id));

      const [leg] = await settled(token, notification.id, 1);
      expect(leg).toMatchObject({
        channel: "webhook",
        destination: integration.id,
        status: "DELIVRD",
        address: target.url,
      });

      const calls = await target.calls();
      expect(calls).toHaveLength(1);
      const received = calls[0]!;
      expect(received.headers["x-team"]).toBe("soc");
      expect(received.headers["webhook-id"]).toBe(`msg_${leg!.id}`);
      const secret = await herald(token).getIntegrationSecret(integration.id);
      const verified = new Webhook(secret.key).verify(received.body, received.headers) as { id: string };
      expect(verified.id).toBe(notification.id);
    });

    it("shows each attempt's request headers as sent, the signature and credential-named values masked", async () => {
      const bearer = `Bearer ${crypto.randomUUID()}`;
      const apiKey = `key-${crypto.randomUUID()}`;
      const target = await receiver([{ status: 500 }, { status: 200 }]);
      const integration = await createIntegration(token, target.url, {
        Authorization: bearer,
        "X-Api-Key": apiKey,
        "X-Team": "soc",
      });
      const notification = await send(token, await connectedType(token, platform, integration.id));

      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("DELIVRD");
      const calls = await target.calls();
      expect(calls).toHaveLength(2);
      expect(leg!.attempts).toHaveLength(2);
      // Each attempt its own headers: the same webhook-id, its own timestamp and traceparent.
      for (const [index, received] of calls.entries()) {
        expect(received.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
        expect(leg!.attempts[index]!.request_headers).toEqual({
          Authorization: `****${bearer.slice(-4)}`,
          "X-Api-Key": `****${apiKey.slice(-4)}`,
          "X-Team": "soc",
          "content-type": "application/json",
          "user-agent": received.headers["user-agent"],
          "webhook-id": `msg_${leg!.id}`,
          "webhook-timestamp": received.headers["webhook-timestamp"],
          "webhook-signature": "v1,****",
          traceparent: received.headers.traceparent,
        });
      }
      expect(calls[0]!.headers["user-agent"]).toBe("Herald-Webhooks/1.0");
      expect(calls[0]!.headers.traceparent).not.toBe(calls[1]!.headers.traceparent);
      // Nothing of the credentials or the signatures in the answer.
      const answer = JSON.stringify(leg);
      for (const secret of [
        bearer.slice("Bearer ".length),
        apiKey,
        ...calls.map((c) => c.headers["webhook-signature"]!),
      ])
        expect(answer).not.toContain(secret.slice(0, 12));
    });
  });

  describe("trace context", () => {
    const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/;

    it("carries the producer's trace to the target: each attempt a span of its own in the send's trace", async () => {
      const { target, type } = await subscribedReceiver(token, platform, [{ status: 500 }, { status: 200 }]);
      const producer = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
      const notification = await send(token, type, {}, { traceparent: producer });
      await settled(token, notification.id, 1);

      const calls = await target.calls();
      expect(calls).toHaveLength(2);
      const carried = calls.map((received) => TRACEPARENT.exec(received.headers.traceparent ?? ""));
      for (const match of carried) {
        expect(match?.[1]).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
        expect(match?.[2]).not.toBe("00f067aa0ba902b7");
      }
      // A retry is another attempt, so another span; the producer's sampling decision holds for both.
      expect(carried[0]?.[2]).not.toBe(carried[1]?.[2]);
      for (const received of calls) expect(received.headers.traceparent?.endsWith("-01")).toBe(true);
    });

    it("starts a trace for a send that carries none, and ignores a malformed traceparent", async () => {
      const { target, type } = await subscribedReceiver(token, platform);
      const plain = await send(token, type);
      const malformed = await send(
        token,
        type,
        {},
        { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" },
      );
      await settled(token, plain.id, 1);
      await settled(token, malformed.id, 1);

      const traces = (await target.calls()).map(
        (received) => TRACEPARENT.exec(received.headers.traceparent ?? "")?.[1],
      );
      expect(traces).toHaveLength(2);
      for (const trace of traces) expect(trace).toMatch(/^[0-9a-f]{32}$/);
      expect(traces).not.toContain("00000000000000000000000000000000");
      expect(new Set(traces).size).toBe(2);
    });

    it("refuses an integration header named traceparent: Herald sets it", async () => {
      const result = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
        token,
        body: { name: unique("hook"), target_url: "https://example.com/hook", headers: { TraceParent: "x" } },
      });
      expect(result.status).toBe(400);
      expect(JSON.stringify(result.body)).toMatch(/traceparent/i);
    });
  });

  describe("webhook failures", () => {
    it("retries a 500 and delivers on the next attempt", async () => {
      const { target, notification } = await webhookScenario(token, platform, [
        { status: 500, body: "boom" },
        { status: 200 },
      ]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("DELIVRD");
      expect(leg!.attempts.map((a) => a.response_code)).toEqual([500, 200]);
      expect(await target.calls()).toHaveLength(2);
    });

    it("waits at least as long as Retry-After asks on a 429", async () => {
      const { target, notification } = await webhookScenario(token, platform, [
        { status: 429, headers: { "retry-after": "2" } },
        { status: 200 },
      ]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("DELIVRD");
      const [first, second] = await target.calls();
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
    });

    it("times out a slow target and retries", async () => {
      const { notification } = await webhookScenario(token, platform, [{ delayMs: 2500 }, { status: 200 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("DELIVRD");
      expect(leg!.attempts[0]!.error).toMatch(/timeout after 1000 ms/);
      expect(leg!.attempts[1]!.response_code).toBe(200);
    });

    it("retries when the connection drops before an answer", async () => {
      const { target, notification } = await webhookScenario(token, platform, [{ drop: true }, { status: 204 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("DELIVRD");
      expect(leg!.attempts[0]!.error).toMatch(/^network error: /);
      expect(leg!.attempts[0]!.error).toMatch(harness.connectionLost);
      expect(leg!.attempts[0]!.response_code).toBeUndefined();
      expect(leg!.attempts[1]!.response_code).toBe(204);
      expect(await target.calls()).toHaveLength(2);
    });

    it("fails at once on a 400 and never calls again", async () => {
      const { target, notification } = await webhookScenario(token, platform, [{ status: 400, body: "bad payload" }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("FAILED");
      expect(leg!.attempts).toHaveLength(1);
      expect(leg!.attempts[0]).toMatchObject({ response_code: 400 });
      expect(await target.calls()).toHaveLength(1);
    });

    it("disables the integration on 410 Gone, and later notifications fail without a call", async () => {
      const { target, integration, type, notification } = await webhookScenario(token, platform, [{ status: 410 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("FAILED");

      const second = await send(token, type);
      const [secondLeg] = await settled(token, second.id, 1);
      expect(secondLeg!.status).toBe("FAILED");
      expect(secondLeg!.last_error).toMatch(/disabled/);
      expect(await target.calls()).toHaveLength(1);

      // The integration says since when and why (the console shows it beside Re-enable).
      const disabled = await herald(token).getAccountIntegration(integration.id);
      expect(disabled).toMatchObject({
        disabled_at: expect.any(Number),
        disabled_reason: expect.stringMatching(/410/),
      });

      // Updating the integration is how an operator says the target works again.
      const { data: updated, response } = await herald(token).raw.PUT("/herald/v2/{account_id}/integrations/{id}", {
        params: { path: { account_id: ACCOUNT, id: integration.id } },
        body: { name: "fixed" },
      });
      expect(response.status).toBe(200);
      expect(updated).not.toHaveProperty("disabled_at");
      expect(updated).not.toHaveProperty("disabled_reason");
    });

    it("gives up after the retry schedule and records FAILED with every attempt", async () => {
      const { target, notification } = await webhookScenario(token, platform, [{ status: 503 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("FAILED");
      // The test schedule is "1,1,1": the first attempt and three retries.
      expect(leg!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
      expect(leg!.last_error).toMatch(/retries exhausted/);
      expect(await target.calls()).toHaveLength(4);
    });

    it("never follows a redirect", async () => {
      const { target, notification } = await webhookScenario(token, platform, [
        { status: 302, headers: { location: "http://169.254.169.254/" } },
        { status: 200 },
      ]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.attempts[0]!.response_code).toBe(302);
      expect(leg!.status).toBe("DELIVRD");
      // Both calls went to the receiver: the second is the retry, not a visit to the Location.
      const calls = await target.calls();
      expect(calls).toHaveLength(2);
      expect(new Set(calls.map((c) => c.path))).toEqual(new Set([new URL(target.url).pathname]));
    });
  });
}
