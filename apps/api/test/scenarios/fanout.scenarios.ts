// Fan-out end to end, written once over a harness and run by both suites: the Worker in workerd
// (test/delivery.test.ts) and the Node runtime (node/scenarios.test.ts). Which subscriptions a notification reaches
// (once per destination, filters, suppression), a repeated send under one Idempotency-Key, the incident's sent
// notifications, and the e-mail leg to a user subscriber through the capture transport.
import { beforeAll, describe, expect, it } from "vitest";
import { unique } from "../common";
import { ACCOUNT, ACME_USER, deliveryTools, type Harness } from "./harness";

export function defineFanOutScenarios(harness: Harness) {
  const {
    call,
    herald,
    signIn,
    createIntegration,
    freshType,
    subscribe,
    send,
    notificationBody,
    deliveries,
    settled,
    notificationStatus,
    subscribedReceiver,
    connectedType,
    incidentRepeated,
  } = deliveryTools(harness);
  const { receiver } = harness;

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  describe("fan-out", () => {
    it("delivers once to a destination reached through two subscriptions", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      const connection = { subscriber: integration.id, subscriber_type: "connection" } as const;
      await subscribe(token, type, [connection]);
      await subscribe(token, type, [connection]);
      const notification = await send(token, type);
      await settled(token, notification.id, 1);
      expect(await target.calls()).toHaveLength(1);
    });

    it("reaches only active subscriptions whose filters match", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await connectedType(token, platform, integration.id, {
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
      const type = await connectedType(token, platform, integration.id, { suppression_interval: 60 });
      const { repeat } = await incidentRepeated(token, type);
      expect(await deliveries(token, repeat.id)).toEqual([]);
      expect(await target.calls()).toHaveLength(2);
    });

    it("marks the notification completed once every leg is finished", async () => {
      const { type } = await subscribedReceiver(token, platform);
      const notification = await send(token, type);
      expect(notification.status).toBe("created");
      await settled(token, notification.id, 1);
      await notificationStatus(token, notification.id, "completed");
    });
  });

  describe("Idempotency-Key", () => {
    it("answers a repeated request with the first notification and delivers once", async () => {
      const { target, type } = await subscribedReceiver(token, platform);
      const key = { "idempotency-key": `key-${crypto.randomUUID()}` };
      const body = { payload: { long_incident_id: "L-idem", attack_summary: "x" } };
      const first = await send(token, type, body, key);
      const again = await herald(token).raw.POST("/herald/v2/{account_id}/notifications", {
        params: { path: { account_id: ACCOUNT }, header: key },
        body: notificationBody(type, body),
      });
      expect(again.response.status).toBe(202);
      expect(again.data?.id).toBe(first.id);
      expect(again.response.headers.get("idempotent-replayed")).toBe("true");
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

      const { notifications } = await herald(token).getSentIncidentNotifications(incident);
      expect(notifications).toHaveLength(1);
      const [sent] = notifications;
      expect(sent).toMatchObject({ id: notification.id, type, subject: "High alert: SSH" });
      expect(sent?.statuses).toEqual(
        expect.arrayContaining([
          { destination: "ada@acme.example", status: "DELIVRD", sent_at: expect.any(Number) },
          { destination: integration.id, status: "DELIVRD", sent_at: expect.any(Number) },
        ]),
      );
      expect(sent?.integration_statuses).toEqual([
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
      const put = await herald(token).raw.PUT("/herald/v2/{account_id}/users/{user_id}", {
        params: { path: { account_id: ACCOUNT, user_id: userId } },
        body: { name: "Grace", email: to },
      });
      expect(put.response.status).toBe(201);
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
      const { emails } = await herald(token).getCapturedEmails({ limit: 200 });
      const [email] = emails.filter((e) => e.delivery_id === leg!.id);
      expect(email).toMatchObject({ to, subject: `Incident ${incident}` });
      expect(email?.html).toContain("Captured end to end");
    });
  });
}
