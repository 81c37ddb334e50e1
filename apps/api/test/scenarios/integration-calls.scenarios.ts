// What an operator does to an integration's calls, end to end, written once over a harness and run by both suites:
// the Worker in workerd (test/delivery.test.ts) and the Node runtime (node/scenarios.test.ts). A manual retry of a
// FAILED leg, the webhook test call, and a jq payload template turning the notification into the body sent.
import { beforeAll, describe, expect, it } from "vitest";
import { GLOBEX, unique } from "../common";
import { ACCOUNT, deliveryTools, type Harness } from "./harness";

export function defineIntegrationCallScenarios(harness: Harness) {
  const { call, herald, signIn, login, createIntegration, freshType, subscribe, send, settled, webhookScenario } =
    deliveryTools(harness);
  const { receiver } = harness;

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  describe("manual retry", () => {
    it("retries a FAILED delivery with a fresh schedule", async () => {
      const { target, notification } = await webhookScenario(token, platform, [{ status: 400 }, { status: 200 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg!.status).toBe("FAILED");
      const retried = await herald(token).raw.POST("/herald/v2/{account_id}/deliveries/{delivery_id}/retry", {
        params: { path: { account_id: ACCOUNT, delivery_id: leg!.id } },
      });
      expect(retried.response.status).toBe(202);
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
      const result = await herald(token).testWebhook({
        url: target.url,
        method: "POST",
        data: { hello: "world" },
        headers: { "X-Trace": "t1" },
      });
      expect(result).toEqual({ code: 201, rawbody: "created it" });
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
      const result = await herald(token).testWebhook({ url: target.url, method: "POST" });
      expect(result).toEqual({ code: 0, rawbody: "timeout after 1000 ms" });
    });
  });

  describe("jq payload conversion", () => {
    function jqIntegration(targetUrl: string, program: string) {
      return herald(token).createIntegration({
        name: unique("jq"),
        target_url: targetUrl,
        payload_conversion_type: "jq",
        payload_template: program,
      });
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
        integrations.map(({ id }) => ({ subscriber: id, subscriber_type: "connection" as const })),
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
