// @herald/client against the real Worker (workerd): integrations and their signing secrets, deliveries, webhooks that
// verifyWebhook accepts or rejects, and typed alert-channel integrations. Set-up in client.setup.ts.
import { verifyWebhook, type WebhookVerificationError } from "@herald/client";
import { describe, expect, it, vi } from "vitest";
import { acme, caught, notificationBody, subscribedIntegration } from "./client.setup";
import { receiver, settled } from "./delivery-helpers";
import { unique } from "./helpers";

describe("integrations, deliveries and webhooks", () => {
  it("manages an integration and its signing secret", async () => {
    expect((await acme.getIntegrationTypes()).integration_types).toContainEqual(
      expect.objectContaining({ name: "webhook" }),
    );
    const created = await acme.createIntegration({ name: unique("hook"), target_url: "https://hooks.test/a" });
    expect((await acme.getAccountIntegrations()).integrations.map((i) => i.id)).toContain(created.id);
    expect(await acme.updateIntegration(created.id, { target_url: "https://hooks.test/b" })).toMatchObject({
      target_url: "https://hooks.test/b",
    });
    expect(await acme.getAccountIntegration(created.id)).toMatchObject({
      type: "webhook",
      target_url: "https://hooks.test/b",
    });
    const secret = await acme.getIntegrationSecret(created.id);
    expect(secret.key).toMatch(/^whsec_/);
    const rotated = await acme.rotateIntegrationSecret(created.id);
    expect(rotated.key).not.toBe(secret.key);
    await acme.deleteIntegration(created.id);
    expect(await caught(acme.getAccountIntegration(created.id))).toMatchObject({ status: 404 });
    const refused = await caught(acme.createIntegration({ name: "local", target_url: "http://127.0.0.1/hook" }));
    expect(refused).toMatchObject({ status: 400, body: { path: "target_url" } });
  });

  it("delivers a signed webhook that verifyWebhook accepts, and rejects when body, time or secret differ", async () => {
    const target = await receiver();
    const { type, integration } = await subscribedIntegration(target.url);
    const sent = await acme.sendNotification(notificationBody(type), { idempotencyKey: true });
    const token = await acme.getToken();
    const [leg] = await settled(token, sent.id, 1);
    expect(leg!.status).toBe("DELIVRD");

    const [delivery] = (await acme.getNotificationDeliveries({ notification_id: sent.id })).deliveries;
    expect(delivery).toMatchObject({ id: leg!.id, channel: "webhook", status: "DELIVRD", destination: integration.id });
    expect((await acme.getDelivery(leg!.id)).attempts).toHaveLength(1);
    expect(await caught(acme.retryDelivery(leg!.id))).toMatchObject({ status: 409, body: { error: "conflict" } });

    const [received] = await target.calls();
    const { key } = await acme.getIntegrationSecret(integration.id);
    const payload = await verifyWebhook({ secret: key, headers: received!.headers, body: received!.body });
    expect(payload).toMatchObject({ id: sent.id, type });

    const rejection = (attempt: Promise<unknown>) =>
      attempt.then(
        () => "accepted",
        (error: WebhookVerificationError) => error.reason,
      );
    const { headers, body } = received!;
    const otherSecret = (await acme.rotateIntegrationSecret(integration.id)).key;
    expect(await rejection(verifyWebhook({ secret: key, headers, body: body.replace("High", "Low") }))).toBe(
      "no_matching_signature",
    );
    expect(await rejection(verifyWebhook({ secret: key, headers, body, now: Date.now() + 10 * 60_000 }))).toBe(
      "timestamp_too_old",
    );
    expect(await rejection(verifyWebhook({ secret: otherSecret, headers, body }))).toBe("no_matching_signature");

    const receipt = await acme.acknowledgeWebhook({ webhookId: received!.headers["webhook-id"]!, secret: key });
    expect(receipt).toMatchObject({ delivery_id: leg!.id, status: "READ" });
    expect((await acme.getDelivery(leg!.id)).status).toBe("READ");
  });

  it("retries a failed delivery", async () => {
    const target = await receiver([{ status: 422 }, { status: 200 }]);
    const { type } = await subscribedIntegration(target.url);
    const sent = await acme.sendNotification(notificationBody(type));
    const [failed] = await settled(await acme.getToken(), sent.id, 1);
    expect(failed!.status).toBe("FAILED");
    expect((await acme.retryDelivery(failed!.id)).id).toBe(failed!.id);
    const [retried] = await settled(await acme.getToken(), sent.id, 1, ["DELIVRD"]);
    expect(retried!.attempts.map((a) => a.response_code)).toEqual([422, 200]);
  });

  it("explains a notification's fan-out and reads the delivery statistics", async () => {
    const target = await receiver();
    const { type, subscription } = await subscribedIntegration(target.url, {
      filters: { "=": [{ source: "notification.threat_level" }, "low"] },
    });
    const sent = await acme.sendNotification(notificationBody(type));
    const explained = await vi.waitFor(
      async () => {
        const answer = await acme.getNotificationDecisions({ notification_id: sent.id });
        expect(answer.decided_at).toBeTypeOf("number");
        return answer;
      },
      { timeout: 25_000, interval: 100 },
    );
    expect(explained.decisions).toEqual([
      {
        subscription_id: subscription.id,
        subscription_name: subscription.name,
        decision: "filtered",
        filter_mismatches: [
          { clause: "=", operator: "=", left_source: "notification.threat_level", left: "high", right: "low" },
        ],
      },
    ]);

    const statistics = await acme.getDeliveryStatistics();
    expect(statistics.until - statistics.since).toBe(86_400);
    expect(statistics.hours.length).toBeGreaterThanOrEqual(24);
    expect(await caught(acme.getDeliveryStatistics({ since: 10, until: 5 }))).toMatchObject({
      status: 400,
      body: { path: "until" },
    });
  });

  it("tests a webhook target", async () => {
    const target = await receiver([{ status: 201, body: "created it" }]);
    expect(await acme.testWebhook({ url: target.url, method: "POST", data: { hello: "world" } })).toEqual({
      code: 201,
      rawbody: "created it",
    });
  });
});

describe("alert channels", () => {
  it("creates a typed channel integration, masked, and sends a sample through it", async () => {
    const url = "https://hooks.slack.com/services/TCLIENT01/BCLIENT01/clienttestsecret0000000001";
    const slack = await acme.createIntegration({ name: unique("slack"), type: "slack", target_url: url });
    expect(slack.type).toBe("slack");
    if (slack.type !== "slack") throw new Error("a slack integration answers as one");
    expect(slack.target_url).toBe("https://hooks.slack.com/****0001");
    const answer = await acme.testIntegration(slack.id, { notification_type: "health/alerts" });
    expect(answer).toMatchObject({ code: 200, rawbody: "ok", delivered: true });
    const pagerduty = await acme.createIntegration({
      name: unique("pd"),
      type: "pagerduty",
      routing_key: "RCLIENT0123456789ABCDEF012345678",
      severity_map: { high: "critical" },
    });
    expect(pagerduty).toMatchObject({ type: "pagerduty", routing_key: "****5678", region: "us" });
    const jira = await acme.createIntegration({
      name: unique("jira"),
      type: "jira",
      jira_domain: "acme.atlassian.net",
      email: "bot@example.com",
      api_token: "ATATT-client-0001",
      project: "SEC",
    });
    expect(jira).toMatchObject({ type: "jira", api_token: "****0001", issue_type: "Task" });
    const types = await acme.getIntegrationTypes();
    expect(types.integration_types.map((type) => type.name)).toEqual(expect.arrayContaining(["splunk_hec", "snow"]));
  });
});
