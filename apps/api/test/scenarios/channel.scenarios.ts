// The alert channels end to end (issue #12), written once over a harness and run by both suites: the Worker in
// workerd (test/channels.test.ts), where the vendor fakes answer at the vendors' own hosts through miniflare's
// outboundService, and the Node runtime (node/channels.test.ts), where they listen on loopback. Each scenario makes an
// integration of a type, subscribes it, sends notifications and reads what the vendor's fake took and what Herald's
// API reports.
import type { RequestBody } from "@herald/client";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { unique } from "../common";
import type { PagerDutyAlert } from "../fakes/pagerduty";
import type { VendorCall } from "../fakes/vendor-kit";
import { ACCOUNT, deliveryTools, type Harness, type IntegrationBody, ofType } from "./harness";

export interface ChannelHarness extends Harness {
  /** What Herald should call for a vendor URL (the URL itself in workerd, its loopback fake on Node). */
  vendorUrl(url: string): string;
}

/** A fresh key of the vendor's kind: each scenario has its own webhook, so rate limits and records are its own. */
const random = (length: number, alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") =>
  Array.from({ length }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join("");

export const vendorUrls = {
  slack: () => {
    const key = `T${random(8)}/B${random(8)}/${random(24)}`;
    return { key, url: `https://hooks.slack.com/services/${key}` };
  },
  msteams: () => {
    const key = random(32, "0123456789abcdef");
    return {
      key,
      url: `https://prod-00.westus.logic.azure.com/workflows/${key}/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${random(43)}`,
    };
  },
  discord: () => {
    const key = String(10 ** 17 + Math.floor(Math.random() * 8 * 10 ** 17));
    return { key, url: `https://discord.com/api/webhooks/${key}/${random(68)}` };
  },
};

export function defineChannelScenarios(harness: ChannelHarness, options: { burst: number }) {
  const { call, herald, createIntegrationOf, signIn, freshType, subscribe, send, deliveries, settled } =
    deliveryTools(harness);

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  const createChannel = (body: IntegrationBody) => createIntegrationOf(token, body, "channel");

  async function vendorCalls(host: string, key: string): Promise<VendorCall[]> {
    const response = await fetch(harness.vendorUrl(`https://${host}/__requests/${key}`));
    return (await response.json()) as VendorCall[];
  }

  /** An integration subscribed to a fresh type, so only this scenario's notifications reach it. */
  async function subscribed(body: IntegrationBody, subscription: Partial<RequestBody<"create_subscription">> = {}) {
    const integration = await createChannel(body);
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }], subscription);
    return { integration, type };
  }

  describe("chat channels", () => {
    it("slack: posts Block Kit with a text fallback, and never shows or logs the webhook URL", async () => {
      const { key, url } = vendorUrls.slack();
      const subscription = await subscribed({ type: "slack", target_url: harness.vendorUrl(url) });
      const { type } = subscription;
      const integration = ofType(subscription.integration, "slack");
      expect(integration.target_url).not.toContain(key.split("/")[2]);
      expect(integration.target_url).toMatch(/\/\*\*\*\*/);
      const notification = await send(token, type, {
        payload: { long_incident_id: unique("incident"), threat: "High", attack_summary: "SSH brute force <!channel>" },
      });

      const [leg] = await settled(token, notification.id, 1);
      expect(leg).toMatchObject({ status: "DELIVRD", address: integration.target_url });
      const calls = await vendorCalls("hooks.slack.com", key);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ accepted: true, status: 200 });
      const message = JSON.parse(calls[0]!.body) as { text: string; blocks: unknown[] };
      expect(message.text).toContain("SSH brute force");
      expect(message.blocks.length).toBeGreaterThan(0);
      // Data cannot ping the channel: where Slack reads mentions (text, mrkdwn), the mention arrives escaped.
      const mrkdwn = JSON.stringify(message.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
      for (const text of [message.text, ...mrkdwn]) expect(text).not.toContain("<!channel>");
      expect(message.text).toContain("&lt;!channel&gt;");
      const listed = await herald(token).getAccountIntegration(integration.id);
      expect(JSON.stringify(listed)).not.toContain(key.split("/")[2]);
    });

    it("msteams: posts an Adaptive Card message the Workflows trigger accepts", async () => {
      const { key, url } = vendorUrls.msteams();
      const { type } = await subscribed({ type: "msteams", target_url: harness.vendorUrl(url) });
      const notification = await send(token, type);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg?.status).toBe("DELIVRD");
      const calls = await vendorCalls("prod-00.westus.logic.azure.com", key);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({ accepted: true });
      const message = JSON.parse(calls[0]!.body);
      expect(message.type).toBe("message");
      expect(message.attachments[0].contentType).toBe("application/vnd.microsoft.card.adaptive");
      expect(message.attachments[0].content.type).toBe("AdaptiveCard");
    });

    it("discord: posts an embed that pings no one, and a subscription's message template leads it", async () => {
      const { key, url } = vendorUrls.discord();
      const { type } = await subscribed(
        { type: "discord", target_url: harness.vendorUrl(url) },
        { options: { message_template: "{{payload.threat}} on {{account.name}}: {{payload.attack_summary}}" } },
      );
      const notification = await send(token, type, {
        payload: { long_incident_id: unique("incident"), threat: "High", attack_summary: "@everyone look" },
      });
      const [leg] = await settled(token, notification.id, 1);
      expect(leg?.status).toBe("DELIVRD");
      const calls = await vendorCalls("discord.com", key);
      expect(calls).toHaveLength(1);
      const message = JSON.parse(calls[0]!.body);
      expect(message.allowed_mentions).toEqual({ parse: [] });
      expect(calls[0]!.body).toContain("High on ");
      expect(calls[0]!.body).toContain("look");
    });

    it("a deleted Slack webhook fails the leg and disables the integration, so later legs fail without a call", async () => {
      const { key, url } = vendorUrls.slack();
      await fetch(harness.vendorUrl(`https://hooks.slack.com/__script/${key}`), {
        method: "POST",
        body: JSON.stringify([{ status: 404, body: "no_service", headers: { "content-type": "text/plain" } }]),
      });
      const { type } = await subscribed({ type: "slack", target_url: harness.vendorUrl(url) });
      const first = await send(token, type);
      const [failed] = await settled(token, first.id, 1);
      expect(failed).toMatchObject({ status: "FAILED" });
      expect(failed?.last_error).toMatch(/no_service/);

      const second = await send(token, type);
      const [skipped] = await settled(token, second.id, 1);
      expect(skipped?.last_error).toMatch(/disabled/);
      expect(await vendorCalls("hooks.slack.com", key)).toHaveLength(1);
    });

    it(
      `a burst of ${options.burst} notifications reaches a Slack webhook limited to one a second, whole and paced`,
      async () => {
        const { key, url } = vendorUrls.slack();
        const { type } = await subscribed({ type: "slack", target_url: harness.vendorUrl(url) });
        const sent = await Promise.all(
          Array.from({ length: options.burst }, (_, i) =>
            send(token, type, { payload: { long_incident_id: unique("burst"), attack_summary: `burst ${i}` } }),
          ),
        );
        const waitMs = options.burst * 1_000 + 30_000;
        await vi.waitFor(
          async () => {
            const accepted = (await vendorCalls("hooks.slack.com", key)).filter((c) => c.accepted);
            expect(accepted.length).toBe(options.burst);
          },
          { timeout: waitMs, interval: 500 },
        );
        for (const notification of sent.slice(0, 5)) {
          const [leg] = await deliveries(token, notification.id);
          expect(leg?.status).toBe("DELIVRD");
        }
        const calls = await vendorCalls("hooks.slack.com", key);
        const accepted = calls.filter((c) => c.accepted);
        // Every notification once: nothing dropped, nothing posted twice.
        const summaries = accepted.map((c) => /burst \d+/.exec(c.body)?.[0]);
        expect(new Set(summaries).size).toBe(options.burst);
        // Paced: the calls spread over at least the time the limit allows (a burst of 3, then one a second).
        const span = accepted.at(-1)!.at - accepted[0]!.at;
        expect(span).toBeGreaterThanOrEqual((options.burst - 3) * 1_000 - 500);
        // And the fake was hardly ever refused: the pace, not the 429s, carried the burst.
        const refused = calls.filter((c) => c.status === 429).length;
        expect(refused).toBeLessThanOrEqual(Math.ceil(options.burst / 10));
      },
      options.burst * 1_000 + 60_000,
    );
  });

  describe("pagerduty", () => {
    it("keeps one PagerDuty incident per Herald incident, and resolves it when the incident closes", async () => {
      const routingKey = random(32);
      const subscription = await subscribed({
        type: "pagerduty",
        routing_key: routingKey,
        severity_map: { high: "critical" },
        ...(harness.vendorUrl("https://events.pagerduty.com/v2/enqueue").startsWith("http://")
          ? { target_url: harness.vendorUrl("https://events.pagerduty.com/v2/enqueue") }
          : {}),
      });
      const { type } = subscription;
      const integration = ofType(subscription.integration, "pagerduty");
      expect(integration.routing_key).toBe(`****${routingKey.slice(-4)}`);
      const incident = unique("incident");
      const payload = { long_incident_id: incident, threat: "High", attack_summary: "Ransomware" };
      const opened = await send(token, type, { payload });
      await settled(token, opened.id, 1);
      const again = await send(token, type, { payload });
      await settled(token, again.id, 1);
      const closed = await send(token, type, {
        payload,
        notification_data: { threat_level: "high", status: "closed" },
      });
      const [leg] = await settled(token, closed.id, 1);
      expect(leg?.status).toBe("DELIVRD");

      const response = await fetch(harness.vendorUrl(`https://events.pagerduty.com/__incidents/${routingKey}`));
      const alerts = (await response.json()) as PagerDutyAlert[];
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ dedupKey: incident, status: "resolved", severity: "critical" });
      expect(alerts[0]!.events.map((event) => event.action)).toEqual(["trigger", "trigger", "resolve"]);
    });
  });

  describe("splunk hec", () => {
    it("sends the whole notification as one event with the token, and a wrong token fails and disables", async () => {
      const token_ = crypto.randomUUID();
      const { type } = await subscribed({
        type: "splunk_hec",
        target_url: harness.vendorUrl("https://splunk.test:8088/services/collector/event"),
        token: token_,
        index: "security",
      });
      const notification = await send(token, type);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg?.status).toBe("DELIVRD");
      const response = await fetch(harness.vendorUrl(`https://splunk.test:8088/__events/${token_}`));
      const events = (await response.json()) as Array<{ index?: string; event: { id: string } }>;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ index: "security", event: { id: notification.id } });
      // The attempt shows the headers it sent, the token masked (the `Splunk ` scheme goes with it).
      expect(leg!.attempts[0]!.request_headers).toEqual({
        "content-type": "application/json",
        "user-agent": "Herald-Webhooks/1.0",
        authorization: `****${token_.slice(-4)}`,
      });

      const wrong = await subscribed({
        type: "splunk_hec",
        target_url: harness.vendorUrl("https://splunk.test:8088/services/collector/event"),
        token: "not-a-guid",
      });
      const refused = await send(token, wrong.type);
      const [failed] = await settled(token, refused.id, 1);
      expect(failed?.status).toBe("FAILED");
      expect(failed?.last_error).toMatch(/Invalid token/);
    });
  });

  describe("test call", () => {
    it("sends a sample of the chosen type through the integration and answers what the vendor said", async () => {
      const { key, url } = vendorUrls.slack();
      const integration = await createChannel({ type: "slack", target_url: harness.vendorUrl(url) });
      const result = await herald(token).raw.POST("/herald/v2/{account_id}/integrations/{id}/test", {
        params: { path: { account_id: ACCOUNT, id: integration.id } },
        body: { notification_type: "report/scheduled" },
      });
      expect(result.response.status).toBe(200);
      expect(result.data).toMatchObject({ code: 200, rawbody: "ok", delivered: true });
      expect(result.data?.request_body).toContain("Herald test report");
      expect(await vendorCalls("hooks.slack.com", key)).toHaveLength(1);
    });

    it("tests an unsaved configuration at /{type}/test, as Alert Logic's console does, storing nothing", async () => {
      const { key, url } = vendorUrls.discord();
      const name = unique("unsaved");
      const result = await herald(token).raw.POST("/herald/v2/{account_id}/{type}/test", {
        params: { path: { account_id: ACCOUNT, type: "discord" } },
        body: { name, target_url: harness.vendorUrl(url) },
      });
      expect(result.response.status, JSON.stringify(result.error)).toBe(200);
      expect(result.data).toMatchObject({ code: 204, delivered: true });
      expect(JSON.parse(result.data?.request_body ?? "")).toHaveProperty("embeds");
      expect(await vendorCalls("discord.com", key)).toHaveLength(1);

      const wrongKey = await call("POST", `/herald/v2/${ACCOUNT}/pagerduty/test`, {
        token,
        body: { routing_key: "too-short" },
      });
      expect(wrongKey.status).toBe(400);
      expect(wrongKey.body).toMatchObject({ path: "routing_key" });
      // Other scenarios create integrations meanwhile: the tested one is known by its name.
      const listed = (await herald(token).getAccountIntegrations()).integrations;
      expect(listed.map((integration) => integration.name)).not.toContain(name);
    });
  });
}
