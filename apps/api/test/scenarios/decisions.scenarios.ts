// "Why was this not delivered?": what fan-out decided for each subscription, read back through
// get_notification_decisions. Black-box over HTTP, run by both suites: the Worker in workerd (test/decisions.test.ts)
// and the Node runtime (node/decisions.test.ts).
import type { Schemas } from "@herald/client";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { GLOBEX } from "../common";
import { ACCOUNT, deliveryTools, type Harness } from "./harness";

/** What fan-out decided about one subscription, as `get_notification_decisions` shows it. */
export type DecisionView = Schemas["Fanout-Decision"];
/** A notification's decisions. */
export type DecisionsView = Schemas["Notification-Decisions"];

export function decisionTools(harness: Harness) {
  const { herald } = deliveryTools(harness);
  /** The notification's decisions once fan-out recorded them. */
  function decisions(token: string, notificationId: string): Promise<DecisionsView> {
    return vi.waitFor(
      async () => {
        const answer = await herald(token).getNotificationDecisions({ notification_id: notificationId });
        expect(answer.decided_at).toBeTypeOf("number");
        return answer;
      },
      { timeout: 25_000, interval: 100 },
    );
  }
  const of = (view: DecisionsView, subscriptionId: string) => {
    const found = view.decisions.find((decision) => decision.subscription_id === subscriptionId);
    expect(found, `a decision for ${subscriptionId}`).toBeDefined();
    return found as DecisionView;
  };
  /** The decision about the one subscription of a fresh type. */
  const only = (view: DecisionsView) => {
    expect(view.decisions).toHaveLength(1);
    return view.decisions[0] as DecisionView;
  };
  return { decisions, of, only };
}

export function defineDecisionScenarios(harness: Harness) {
  const {
    call,
    login,
    signIn,
    createIntegration,
    freshType,
    subscribe,
    send,
    settled,
    notificationStatus,
    webhookScenario,
  } = deliveryTools(harness);
  const { decisions, of, only } = decisionTools(harness);
  const { receiver } = harness;

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  describe("fan-out decisions", () => {
    it("explains delivered, deduplicated, filtered (clause and values) and inactive subscriptions", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      const connection = [{ subscriber: integration.id, subscriber_type: "connection" as const }];
      const escalatedHigh = await subscribe(token, type, connection, {
        filters: {
          and: [
            { "=": [{ source: "notification.escalated" }, true] },
            { in: [{ source: "notification.threat_level" }, ["high", "critical"]] },
          ],
        },
      });
      const everything = await subscribe(token, type, connection);
      const inactive = await subscribe(token, type, connection, { active: false });
      const notHigh = await subscribe(token, type, connection, {
        filters: { not: { "=": [{ source: "payload.threat" }, "High"] } },
      });

      const high = await send(token, type, { notification_data: { threat_level: "high", escalated: true } });
      const low = await send(token, type, { notification_data: { threat_level: "low", escalated: true } });
      const [highLeg] = await settled(token, high.id, 1);
      await settled(token, low.id, 1);

      const first = await decisions(token, high.id);
      expect(first.notification_id).toBe(high.id);
      expect(first.decisions).toHaveLength(4);
      const delivered = of(first, escalatedHigh.id);
      expect(delivered.decision).toBe("delivered");
      expect(delivered.subscription_name).toMatch(/^sub-/);
      expect(delivered.destinations).toHaveLength(1);
      expect(delivered.destinations![0]).toMatchObject({
        subscriber_type: "connection",
        subscriber: integration.id,
        outcome: "leg",
        delivery: { id: highLeg!.id, status: "DELIVRD", subscription_id: escalatedHigh.id },
      });
      const deduplicated = of(first, everything.id);
      expect(deduplicated.decision).toBe("deduplicated");
      expect(deduplicated.destinations![0]).toMatchObject({
        outcome: "deduplicated",
        deduplicated_by: escalatedHigh.id,
        delivery: { id: highLeg!.id },
      });
      expect(of(first, inactive.id)).toEqual({
        subscription_id: inactive.id,
        subscription_name: expect.any(String),
        decision: "inactive",
      });
      expect(of(first, notHigh.id)).toMatchObject({
        decision: "filtered",
        filter_mismatches: [
          { clause: "not.=", operator: "=", left_source: "payload.threat", left: "High", right: "High", negated: true },
        ],
      });

      const second = await decisions(token, low.id);
      expect(of(second, escalatedHigh.id)).toEqual({
        subscription_id: escalatedHigh.id,
        subscription_name: expect.any(String),
        decision: "filtered",
        filter_mismatches: [
          {
            clause: "and.1.in",
            operator: "in",
            left_source: "notification.threat_level",
            left: "low",
            right: ["high", "critical"],
          },
        ],
      });
      expect(of(second, everything.id)).toMatchObject({
        decision: "delivered",
        destinations: [{ outcome: "leg", delivery: { status: "DELIVRD", subscription_id: everything.id } }],
      });
      expect(of(second, inactive.id).decision).toBe("inactive");
    });

    it("names the notification that suppressed a subscription, and until when", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const type = await freshType(platform);
      const subscription = await subscribe(
        token,
        type,
        [{ subscriber: integration.id, subscriber_type: "connection" }],
        {
          suppression_interval: 60,
        },
      );
      const payload = { payload: { long_incident_id: `incident-${crypto.randomUUID()}`, attack_summary: "x" } };
      const first = await send(token, type, payload);
      await settled(token, first.id, 1);
      const repeat = await send(token, type, payload);
      await notificationStatus(token, repeat.id, "completed");

      const opened = await decisions(token, first.id);
      expect(of(opened, subscription.id).decision).toBe("delivered");
      const suppressed = of(await decisions(token, repeat.id), subscription.id);
      expect(suppressed).toMatchObject({ decision: "suppressed", suppressed_by: first.id });
      expect(suppressed.destinations).toBeUndefined();
      // The window opened when the first notification fanned out, for the subscription's 60 minutes.
      expect(suppressed.suppressed_until! - opened.decided_at!).toBe(3600);
      expect(await target.calls()).toHaveLength(1);
    });

    it("records a disabled or paused integration as it stood at fan-out, beside what delivery did", async () => {
      const { integration, type, notification } = await webhookScenario(token, platform, [{ status: 410 }]);
      await settled(token, notification.id, 1);
      const before = only(await decisions(token, notification.id));
      expect(before.destinations![0]!.integration_disabled_at).toBeUndefined();

      const second = await send(token, type);
      await settled(token, second.id, 1);
      const disabled = only(await decisions(token, second.id));
      expect(disabled.decision).toBe("delivered");
      expect(disabled.destinations![0]).toMatchObject({
        subscriber: integration.id,
        outcome: "leg",
        integration_disabled_at: expect.any(Number),
        integration_disabled_reason: expect.stringMatching(/410/),
        delivery: { status: "FAILED", last_error: expect.stringMatching(/disabled/) },
      });

      const paused = await webhookScenario(token, platform);
      await settled(token, paused.notification.id, 1);
      const pause = await call("POST", `/herald/v2/${ACCOUNT}/integrations/${paused.integration.id}/pause`, { token });
      expect(pause.status).toBe(200);
      const waiting = await send(token, paused.type);
      const parked = only(await decisions(token, waiting.id));
      expect(parked.destinations![0]).toMatchObject({
        subscriber: paused.integration.id,
        integration_paused_at: pause.body.paused_at,
        delivery: { status: "PENDING" },
      });
      expect(parked.destinations![0]!.integration_disabled_at).toBeUndefined();
      const resumed = await call("POST", `/herald/v2/${ACCOUNT}/integrations/${paused.integration.id}/resume`, {
        token,
      });
      expect(resumed.status).toBe(200);
      await settled(token, waiting.id, 1);
    });

    it("answers 404 for another account's notification and 403 for another account's path", async () => {
      const globex = await login(GLOBEX);
      const { notification } = await webhookScenario(token, platform);
      await decisions(token, notification.id);
      const other = await call("GET", `/herald/v2/${GLOBEX.accountId}/decisions?notification_id=${notification.id}`, {
        token: globex,
      });
      expect(other.status).toBe(404);
      expect(other.body.error).toBe("not_found");
      const path = await call("GET", `/herald/v2/${ACCOUNT}/decisions?notification_id=${notification.id}`, {
        token: globex,
      });
      expect(path.status).toBe(403);
      const missing = await call("GET", `/herald/v2/${ACCOUNT}/decisions`, { token });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ error: expect.any(String), path: "notification_id" });
    });
  });
}
