// The end-to-end delivery scenarios, written once over a harness and run by both suites: the Worker in workerd
// (test/delivery.test.ts) and the Node runtime (node/scenarios.test.ts). Each is black-box over HTTP: it sends what a
// client sends, and watches what a webhook receiver gets and what Herald's API reports. Tests that reach into the
// Worker's internals (consumers, queue messages, the sweeper) stay in test/delivery.test.ts.
import { verifyWebhook } from "@herald/client";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_WRITER, GLOBEX, PLATFORM, unique } from "../common";
import { ACCOUNT, ACME_USER, deliveryTools, type Harness } from "./harness";

export function defineDeliveryScenarios(harness: Harness) {
  const {
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
  } = deliveryTools(harness);
  const { receiver } = harness;

  let token: string;
  let platform: string;
  beforeAll(async () => {
    token = await login(ACME);
    platform = await login(PLATFORM);
  });

  describe("webhook delivery", () => {
    it("delivers a signed notification once and shows DELIVRD", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url, { "X-Team": "soc" });
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);

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
      const secret = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, { token });
      const verified = new Webhook(secret.body.key).verify(received.body, received.headers) as { id: string };
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
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);

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
      const { target, notification } = await (async () => {
        const target = await receiver([{ status: 500 }, { status: 200 }]);
        const integration = await createIntegration(token, target.url);
        const type = await freshType(platform);
        await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
        const producer = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        return { target, notification: await send(token, type, {}, { traceparent: producer }) };
      })();
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
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
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
      const disabled = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`, { token });
      expect(disabled.body).toMatchObject({
        disabled_at: expect.any(Number),
        disabled_reason: expect.stringMatching(/410/),
      });

      // Updating the integration is how an operator says the target works again.
      const updated = await call("PUT", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`, {
        token,
        body: { name: "fixed" },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).not.toHaveProperty("disabled_at");
      expect(updated.body).not.toHaveProperty("disabled_reason");
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

  describe("fan-out", () => {
    it("delivers once to a destination reached through two subscriptions", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      const connection = { subscriber: integration.id, subscriber_type: "connection" };
      await subscribe(token, type, [connection]);
      await subscribe(token, type, [connection]);
      const notification = await send(token, type);
      await settled(token, notification.id, 1);
      expect(await target.calls()).toHaveLength(1);
    });

    it("reaches only active subscriptions whose filters match", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      const connection = [{ subscriber: integration.id, subscriber_type: "connection" }];
      await subscribe(token, type, connection, {
        filters: { in: [{ source: "notification.threat_level" }, ["high", "critical"]] },
      });
      const low = await send(token, type, { notification_data: { threat_level: "low" } });
      const high = await send(token, type, { notification_data: { threat_level: "critical" } });

      await settled(token, high.id, 1);
      await notificationStatus(token, low.id, "completed");
      expect(await deliveries(token, low.id)).toEqual([]);
      expect(await target.calls()).toHaveLength(1);
    });

    it("notifies once per incident within the suppression interval", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }], {
        suppression_interval: 60,
      });
      const payload = (incident: string) => ({ payload: { long_incident_id: incident, attack_summary: "x" } });
      const first = await send(token, type, payload("incident-A"));
      await settled(token, first.id, 1);
      const repeat = await send(token, type, payload("incident-A"));
      const other = await send(token, type, payload("incident-B"));
      await settled(token, other.id, 1);
      await notificationStatus(token, repeat.id, "completed");
      expect(await deliveries(token, repeat.id)).toEqual([]);
      expect(await target.calls()).toHaveLength(2);
    });

    it("marks the notification completed once every leg is finished", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);
      expect(notification.status).toBe("created");
      await settled(token, notification.id, 1);
      await notificationStatus(token, notification.id, "completed");
    });
  });

  describe("Idempotency-Key", () => {
    it("answers a repeated request with the first notification and delivers once", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const key = { "idempotency-key": `key-${crypto.randomUUID()}` };
      const body = { payload: { long_incident_id: "L-idem", attack_summary: "x" } };
      const first = await send(token, type, body, key);
      const again = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
        token,
        headers: key,
        body: { type, notification_data: { threat_level: "high", escalated: true }, asset_data: {}, ...body },
      });
      expect(again.status).toBe(202);
      expect(again.body.id).toBe(first.id);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      await settled(token, first.id, 1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await target.calls()).toHaveLength(1);
    });

    it("refuses the same key with another body", async () => {
      const type = await freshType(platform);
      const key = { "idempotency-key": `key-${crypto.randomUUID()}` };
      await send(token, type, {}, key);
      const other = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
        token,
        headers: key,
        body: { type, notification_data: { other: true }, asset_data: {}, payload: {} },
      });
      expect(other.status).toBe(422);
      expect(other.body.error).toBe("idempotency_key_reused");
    });

    it("rejects a key that is not printable ASCII", async () => {
      const type = await freshType(platform);
      const result = await call("POST", `/herald/v2/${ACCOUNT}/notifications`, {
        token,
        headers: { "idempotency-key": "has space" },
        body: { type, notification_data: {}, asset_data: {}, payload: {} },
      });
      expect(result.status).toBe(400);
      expect(result.body.path).toBe("idempotency-key");
    });
  });

  describe("sent incident notifications", () => {
    it("lists each notification about the incident with its statuses and integration calls", async () => {
      const target = await receiver([{ status: 202, body: "accepted" }]);
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      await subscribe(token, type, [
        { subscriber: integration.id, subscriber_type: "connection" },
        { subscriber: ACME_USER, subscriber_type: "user" },
      ]);
      const incident = `L-${crypto.randomUUID()}`;
      const notification = await send(token, type, {
        payload: { long_incident_id: incident, threat: "High", attack_summary: "SSH" },
      });
      await settled(token, notification.id, 2);

      const result = await call("GET", `/herald/v2/${ACCOUNT}/notifications/type/incidents/alerts/${incident}`, {
        token,
      });
      expect(result.status).toBe(200);
      expect(result.body.notifications).toHaveLength(1);
      const [sent] = result.body.notifications;
      expect(sent).toMatchObject({ id: notification.id, type, subject: "High alert: SSH" });
      expect(sent.statuses).toEqual(
        expect.arrayContaining([
          { destination: "ada@acme.example", status: "DELIVRD", sent_at: expect.any(Number) },
          { destination: integration.id, status: "DELIVRD", sent_at: expect.any(Number) },
        ]),
      );
      expect(sent.integration_statuses).toEqual([
        {
          type: "webhook",
          integration_id: integration.id,
          status: "SENT",
          queue_data: { id: expect.any(String), config: { type: "webhook", target_url: target.url } },
          integration_response: { code: 202, body: "accepted" },
        },
      ]);
    });
  });

  describe("e-mail delivery (capture transport)", () => {
    it("renders, captures and delivers a notification to a user subscriber; the e-mail names its delivery", async () => {
      const userId = unique("subscriber");
      const to = `${unique("subscriber")}@example.com`;
      const put = await call("PUT", `/herald/v2/${ACCOUNT}/users/${userId}`, {
        token,
        body: { name: "Grace", email: to },
      });
      expect(put.status).toBe(201);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: userId, subscriber_type: "user" }], {
        options: { email_subject: "Incident {{payload.long_incident_id}}" },
      });
      const incident = unique("incident");
      const notification = await send(token, type, {
        payload: { long_incident_id: incident, attack_summary: "Captured end to end" },
      });

      const [leg] = await settled(token, notification.id, 1);
      expect(leg).toMatchObject({
        channel: "email",
        status: "DELIVRD",
        destination: userId,
        address: to,
        subject: `Incident ${incident}`,
      });
      const captured = await call("GET", `/herald/v2/${ACCOUNT}/emails?limit=200`, { token });
      expect(captured.status).toBe(200);
      const [email] = (captured.body.emails as Array<{ delivery_id: string | null; to: string; html: string }>).filter(
        (e) => e.delivery_id === leg!.id,
      );
      expect(email).toMatchObject({ to, subject: `Incident ${incident}` });
      expect(email?.html).toContain("Captured end to end");
    });
  });

  describe("signing secrets", () => {
    it("signs with both secrets while a rotation overlaps", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const before = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, { token });
      expect(before.body.key).toMatch(/^whsec_/);
      const rotated = await call("POST", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret/rotate`, {
        token,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.key).not.toBe(before.body.key);
      expect(rotated.body.previous_key_expires_at).toBeGreaterThan(Date.now() / 1000);

      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);
      await settled(token, notification.id, 1);
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
      for (const secret of [before.body.key, rotated.body.key]) {
        expect(() => new Webhook(secret).verify(received!.body, received!.headers)).not.toThrow();
      }
    });

    /** A webhook integration signing with Ed25519, subscribed to a fresh type, and its public key as the API shows it. */
    async function ed25519Scenario(targetUrl: string) {
      const created = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
        token,
        body: { name: unique("ed25519"), target_url: targetUrl, signature_scheme: "ed25519" },
      });
      expect(created.status).toBe(201);
      const integration = created.body as { id: string; public_key: string };
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      return { integration, type };
    }

    it("signs an ed25519 integration's deliveries with v1a, verified with the public key read through the API", async () => {
      const target = await receiver();
      const { integration, type } = await ed25519Scenario(target.url);
      const writer = await login(ACME_WRITER);
      const read = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}`, { token: writer });
      const publicKey = read.body.public_key as string;
      expect(publicKey).toMatch(/^whpk_/);
      const secret = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, { token });
      expect(secret.body).toEqual({ key: publicKey, signature_scheme: "ed25519" });

      const notification = await send(token, type);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("DELIVRD");
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/);
      const verified = await verifyWebhook({ secret: publicKey, headers: received!.headers, body: received!.body });
      expect(verified.id).toBe(notification.id);
      // Another key pair's public key does not verify it.
      const other = await ed25519Scenario("https://hooks.example.com/other");
      await expect(
        verifyWebhook({ secret: other.integration.public_key, headers: received!.headers, body: received!.body }),
      ).rejects.toMatchObject({ reason: "no_matching_signature" });
    });

    it("signs with both Ed25519 keys while a rotation overlaps", async () => {
      const target = await receiver();
      const { integration, type } = await ed25519Scenario(target.url);
      const rotated = await call("POST", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret/rotate`, {
        token,
      });
      expect(rotated.status).toBe(200);
      expect(rotated.body.key).toMatch(/^whpk_/);
      expect(rotated.body.key).not.toBe(integration.public_key);

      const notification = await send(token, type);
      await settled(token, notification.id, 1);
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]!.split(" ").map((entry) => entry.split(",")[0])).toEqual([
        "v1a",
        "v1a",
      ]);
      for (const key of [integration.public_key, rotated.body.key as string]) {
        const verified = await verifyWebhook({ secret: key, headers: received!.headers, body: received!.body });
        expect(verified.id).toBe(notification.id);
      }
    });

    it("keeps the whsec_ secret signing v1 beside the new v1a while a switch to ed25519 overlaps", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const path = `/herald/v2/${ACCOUNT}/integrations/${integration.id}`;
      const before = await call("GET", `${path}/secret`, { token });
      expect(before.body.key).toMatch(/^whsec_/);
      const switched = await call("PUT", path, { token, body: { signature_scheme: "ed25519" } });
      expect(switched.status).toBe(200);
      const publicKey = switched.body.public_key as string;

      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const notification = await send(token, type);
      await settled(token, notification.id, 1);
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]!.split(" ").map((entry) => entry.split(",")[0])).toEqual([
        "v1a",
        "v1",
      ]);
      // A receiver not yet switched verifies as it always did, with the reference library and the old secret.
      expect(new Webhook(before.body.key).verify(received!.body, received!.headers)).toMatchObject({
        id: notification.id,
      });
      const verified = await verifyWebhook({ secret: publicKey, headers: received!.headers, body: received!.body });
      expect(verified.id).toBe(notification.id);
    });

    it("is for admins only", async () => {
      const writer = await login(ACME_WRITER);
      const integration = await createIntegration(token, "https://hooks.example.com/x");
      const result = await call("GET", `/herald/v2/${ACCOUNT}/integrations/${integration.id}/secret`, {
        token: writer,
      });
      expect(result.status).toBe(403);
    });
  });

  describe("manual retry", () => {
    it("retries a FAILED delivery with a fresh schedule", async () => {
      const { target, notification } = await webhookScenario(token, platform, [{ status: 400 }, { status: 200 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("FAILED");
      const retried = await call("POST", `/herald/v2/${ACCOUNT}/deliveries/${leg!.id}/retry`, { token });
      expect(retried.status).toBe(202);
      const [again] = await settled(token, notification.id, 1, ["DELIVRD"]);
      expect(again!.attempts.map((a) => a.response_code)).toEqual([400, 200]);
      // The attempts log says which attempt the manual retry made.
      expect(again!.attempts.map((a) => [a.trigger, a.job_id])).toEqual([
        ["queue", undefined],
        ["retry", undefined],
      ]);
      expect(await target.calls()).toHaveLength(2);

      const twice = await call("POST", `/herald/v2/${ACCOUNT}/deliveries/${leg!.id}/retry`, { token });
      expect(twice.status).toBe(409);
    });

    it("answers 404 for another account's delivery", async () => {
      const { notification } = await webhookScenario(token, platform, [{ status: 200 }]);
      const [leg] = await settled(token, notification.id, 1);
      const globex = await login(GLOBEX);
      const result = await call("POST", `/herald/v2/${GLOBEX.accountId}/deliveries/${leg!.id}/retry`, {
        token: globex,
      });
      expect(result.status).toBe(404);
      const list = await call("GET", `/herald/v2/${GLOBEX.accountId}/deliveries?notification_id=${notification.id}`, {
        token: globex,
      });
      expect(list.status).toBe(404);
    });
  });

  describe("webhook test call", () => {
    it("answers the target's status and body", async () => {
      const target = await receiver([{ status: 201, body: "created it" }]);
      const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
        token,
        body: { url: target.url, method: "POST", data: { hello: "world" }, headers: { "X-Trace": "t1" } },
      });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ code: 201, rawbody: "created it" });
      const [received] = await target.calls();
      expect(JSON.parse(received!.body)).toEqual({ hello: "world" });
      expect(received!.headers["x-trace"]).toBe("t1");
    });

    // Loopback targets are refused too, except where ALLOW_LOOPBACK_TARGETS lets local receivers work (the Node
    // suite's receivers are on 127.0.0.1): test/delivery.test.ts checks that refusal.
    it.each(["http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data", "ftp://example.com/"])(
      "refuses %s",
      async (url) => {
        const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
          token,
          body: { url, method: "POST" },
        });
        expect(result.status).toBe(400);
        expect(result.body.path).toBe("url");
      },
    );

    it("answers code 0 when the target does not answer in time", async () => {
      const target = await receiver([{ delayMs: 2500 }]);
      const result = await call("POST", `/herald/v2/${ACCOUNT}/webhook/test`, {
        token,
        body: { url: target.url, method: "POST" },
      });
      expect(result.body).toEqual({ code: 0, rawbody: "timeout after 1000 ms" });
    });
  });

  describe("jq payload conversion", () => {
    async function jqIntegration(targetUrl: string, program: string) {
      const result = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
        token,
        body: { name: unique("jq"), target_url: targetUrl, payload_conversion_type: "jq", payload_template: program },
      });
      expect(result.status).toBe(201);
      return result.body as { id: string };
    }

    it("sends the program's value, and fails hostile programs permanently while the others deliver", async () => {
      const [converted, looping, recursing, plain] = await Promise.all([
        receiver(),
        receiver(),
        receiver(),
        receiver(),
      ]);
      const integrations = [
        await jqIntegration(
          converted.url,
          '{text: "\\(.payload.threat) incident \\(.payload.long_incident_id): \\(.payload.attack_summary)", ' +
            "escalated: .notification_data.escalated, type}",
        ),
        await jqIntegration(looping.url, "last(while(true; .))"),
        await jqIntegration(recursing.url, "def f: [f]; f"),
        await createIntegration(token, plain.url),
      ];
      const type = await freshType(platform);
      await subscribe(
        token,
        type,
        integrations.map(({ id }) => ({ subscriber: id, subscriber_type: "connection" })),
      );
      const notification = await send(token, type);
      const legs = await settled(token, notification.id, 4);
      const leg = (index: number) => legs.find((one) => one.destination === integrations[index]!.id)!;

      expect(leg(0).status).toBe("DELIVRD");
      const [received] = await converted.calls();
      expect(JSON.parse(received!.body)).toEqual({
        text: expect.stringMatching(/^High incident incident-.+: SSH brute force$/),
        escalated: true,
        type,
      });
      for (const [index, target, limit] of [
        [1, looping, /time limit/],
        [2, recursing, /stack limit|memory limit/],
      ] as const) {
        expect(leg(index).status).toBe("FAILED");
        expect(leg(index).attempts).toHaveLength(1);
        expect(leg(index).last_error).toMatch(limit);
        expect(leg(index).last_error).toMatch(/^payload_template: the jq program/);
        expect(await target.calls()).toEqual([]);
      }
      expect(leg(3).status).toBe("DELIVRD");
      expect(await plain.calls()).toHaveLength(1);
    });
  });
}
