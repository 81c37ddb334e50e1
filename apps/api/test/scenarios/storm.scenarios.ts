// Alert storms, written once over a harness and run by both suites (test/storms.test.ts in workerd,
// test/node/storms.test.ts on the Node runtime): a burst of notifications to one integration with a rate limit and
// `max_in_flight`, watched by a receiver that records when each call arrived, and a paused integration resumed.
import type { Schemas } from "@herald/client";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ARRIVAL_JITTER_MS, mostAtOnce, rateBreaches } from "../../src/lib/limit-checks";
import { unique } from "../common";
import { ACCOUNT, deliveryTools, type Harness } from "./harness";
import type { ReceivedCall } from "./scripted-receiver";

type Limits = Pick<Schemas["Create-Integration-Webhook"], "rate_limit" | "max_in_flight" | "ordering">;

export function defineStormScenarios(harness: Harness, options: { notifications: number }) {
  const { call, herald, createIntegrationOf, signIn, freshType, subscribe, send, settled } = deliveryTools(harness);
  const { receiver } = harness;
  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  const limitedIntegration = (url: string, controls: Limits) =>
    createIntegrationOf(token, { target_url: url, ...controls }, "storm");

  /** Sends `count` notifications of `type`, twenty at a time. */
  async function burst(type: string, count: number) {
    const sent: Array<{ id: string }> = [];
    for (let start = 0; start < count; start += 20) {
      const chunk = Array.from({ length: Math.min(20, count - start) }, () => send(token, type));
      sent.push(...(await Promise.all(chunk)));
    }
    return sent;
  }

  describe("alert storms", () => {
    it(`delivers a burst of ${options.notifications} within the integration's rate limit and max_in_flight, losing none`, {
      timeout: 120_000,
    }, async () => {
      const answerMs = 40;
      const target = await receiver([{ status: 200, delayMs: answerMs }]);
      const limits = { rate_limit: { per_second: 50, burst: 10 }, max_in_flight: 3 };
      const integration = await limitedIntegration(target.url, limits);
      expect(integration).toMatchObject(limits);
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);

      const started = Date.now();
      const sent = await burst(type, options.notifications);
      const sentMs = Date.now() - started;
      const calls = await vi.waitFor(
        async () => {
          const received = await target.calls();
          expect(received.length).toBeGreaterThanOrEqual(options.notifications);
          return received;
        },
        { timeout: 90_000, interval: 250 },
      );
      const drainedMs = Date.now() - started;
      console.log(`sent in ${sentMs} ms, drained in ${drainedMs} ms`);

      // Every leg delivered once: one call per notification, none retried, no notification missing.
      const ids = calls.map((received: ReceivedCall) => JSON.parse(received.body).id as string);
      expect(new Set(ids).size).toBe(options.notifications);
      expect(new Set(ids)).toEqual(new Set(sent.map((notification) => notification.id)));
      const arrivals = calls.map((received) => received.at);
      expect(rateBreaches(arrivals, 50, 10)).toEqual([]);
      expect(mostAtOnce(arrivals, answerMs)).toBeLessThanOrEqual(3);
      // At 50 a second, the burst cannot have drained faster than the limit allows.
      expect(drainedMs).toBeGreaterThanOrEqual(((options.notifications - 10) / 50) * 1000 - ARRIVAL_JITTER_MS);
      // Waiting for a turn is not an attempt: each leg has its one delivered attempt.
      for (const notification of sent.slice(0, 3)) {
        const [leg] = await settled(token, notification.id, 1);
        expect(leg?.attempts).toHaveLength(1);
      }
    });

    it("holds a paused integration's legs without failing them, and delivers them once resumed", async () => {
      const target = await receiver();
      const integration = await limitedIntegration(target.url, {});
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const paused = await herald(token).raw.POST("/herald/v2/{account_id}/integrations/{id}/pause", {
        params: { path: { account_id: ACCOUNT, id: integration.id } },
      });
      expect(paused.response.status).toBe(200);
      expect(paused.data).toMatchObject({ paused: true, paused_at: expect.any(Number) });

      const sent = await burst(type, 3);
      // Fan-out made the legs and the consumer parked them: PENDING, never attempted, nothing called.
      await vi.waitFor(
        async () => {
          const result = await herald(token).getNotificationDeliveries({ notification_id: sent[0]?.id as string });
          expect(result.deliveries).toEqual([expect.objectContaining({ status: "PENDING", attempts: [] })]);
        },
        { timeout: 15_000, interval: 100 },
      );
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await target.calls()).toHaveLength(0);

      const resumed = await herald(token).resumeIntegration(integration.id);
      expect(resumed).toMatchObject({ paused: false });
      expect(resumed.paused_at).toBeUndefined();
      for (const notification of sent) {
        const [leg] = await settled(token, notification.id, 1);
        expect(leg).toMatchObject({ status: "DELIVRD" });
        expect(leg?.attempts).toHaveLength(1);
      }
      expect(await target.calls()).toHaveLength(3);
      // Both are changes to the integration, in its audit log; pausing it again changes (and records) nothing.
      await herald(token).resumeIntegration(integration.id);
      const log = await herald(token).getAuditEvents({ target_id: integration.id });
      const actions = log.audit_events.map((event) => event.action);
      expect(actions.filter((action) => action !== "integration.created").sort()).toEqual([
        "integration.paused",
        "integration.resumed",
      ]);
    });

    it("delivers in incident order when asked: one at a time per incident, other incidents beside it", async () => {
      // The first call fails (a 500, retried a second later): its incident waits for it; the other does not.
      const target = await receiver([{ status: 500 }, { status: 200 }]);
      const integration = await limitedIntegration(target.url, { ordering: "incident" });
      expect(integration).toMatchObject({ ordering: "incident" });
      const type = await freshType(platform);
      await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
      const incidents = { a: unique("incident-a"), b: unique("incident-b") };
      const sent: Array<{ id: string; incident: string }> = [];
      for (const incident of [incidents.a, incidents.b, incidents.a, incidents.b, incidents.a]) {
        const notification = await send(token, type, {
          payload: { long_incident_id: incident, threat: "High", attack_summary: "SSH brute force" },
        });
        sent.push({ id: notification.id, incident });
      }
      const calls = await vi.waitFor(
        async () => {
          const received = await target.calls();
          expect(received).toHaveLength(6);
          return received;
        },
        { timeout: 30_000, interval: 100 },
      );
      const arrived = calls.map(
        (received) => JSON.parse(received.body) as { id: string; payload: { long_incident_id: string } },
      );
      const failed = arrived[0]?.payload.long_incident_id;
      for (const incident of [incidents.a, incidents.b]) {
        // Each incident's notifications arrived in the order they were sent, the failed one retried before the next.
        const ids = arrived.filter((call) => call.payload.long_incident_id === incident).map((call) => call.id);
        const order = sent
          .filter((notification) => notification.incident === incident)
          .map((notification) => notification.id);
        expect(ids.filter((id, index) => id !== ids[index - 1])).toEqual(order);
        expect(ids).toHaveLength(order.length + (incident === failed ? 1 : 0));
      }
      // The other incident was not held back by the failed one's retry.
      const retryAt = arrived.findIndex((call, index) => index > 0 && call.id === arrived[0]?.id);
      expect(arrived.findIndex((call) => call.payload.long_incident_id !== failed)).toBeLessThan(retryAt);
    });

    it("refuses limits out of range, in Herald's error shape", async () => {
      for (const controls of [
        { rate_limit: { per_second: 0 } },
        { rate_limit: { per_second: 5, burst: 0 } },
        { rate_limit: { per_second: 5, extra: 1 } },
        { max_in_flight: 0 },
        { max_in_flight: 1.5 },
        { ordering: "fifo" },
      ]) {
        const result = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
          token,
          body: { name: unique("storm"), target_url: "https://example.com/hook", ...controls },
        });
        expect(result.status, JSON.stringify(controls)).toBe(400);
        expect(JSON.stringify(result.body)).toMatch(Object.keys(controls)[0] as string);
      }
    });

    it("shows a chat type's vendor default, takes its own limit, and clears it back to the default with null", async () => {
      const created = await herald(token).createIntegration({
        name: unique("slack"),
        type: "slack",
        target_url: "https://hooks.slack.com/services/T0/B0/abcdefgh",
      });
      expect(created).toMatchObject({
        rate_limit: { per_second: 1, burst: 1 },
        max_in_flight: null,
        paused: false,
      });
      const own = await herald(token).updateIntegration(created.id, {
        rate_limit: { per_second: 0.5 },
        max_in_flight: 1,
      });
      expect(own).toMatchObject({ rate_limit: { per_second: 0.5, burst: 1 }, max_in_flight: 1 });
      const cleared = await herald(token).updateIntegration(created.id, { rate_limit: null, max_in_flight: null });
      expect(cleared).toMatchObject({ rate_limit: { per_second: 1, burst: 1 }, max_in_flight: null });
    });
  });
}
