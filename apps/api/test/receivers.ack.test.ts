// Receivers' acknowledgements of webhooks (POST /hooks/ack), signed with the integration's own secret: a delivered
// webhook moves to READ once; another secret, a stale time, missing headers, an unknown or undelivered webhook are
// refused and change nothing. Resend's e-mail events are in receivers.resend.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { generateSigningSecret, signWebhook } from "../src/delivery/signing";
import { herald, send, settled, signIn, subscribedReceiver, workerd } from "./delivery-helpers";
import { call, expectHeraldError, GLOBEX, login, unique } from "./helpers";
import { nowSeconds } from "./receivers.setup";

let acme: string;
let globex: string;
let platform: string;
beforeAll(async () => {
  ({ token: acme, platform } = await signIn());
  globex = await login(GLOBEX);
});

const getLeg = (id: string) => herald(acme).getDelivery(id);

/** A webhook leg through the real pipeline (integration, subscription, sent notification, queue consumers), settled. */
async function webhookLeg(expected: "DELIVRD" | "FAILED", steps?: Array<{ status: number }>) {
  const { integration, type } = await subscribedReceiver(acme, platform, steps);
  const notification = await send(acme, type);
  const [leg] = await settled(acme, notification.id, 1, [expected]);
  const { key } = await herald(acme).getIntegrationSecret(integration.id);
  return { leg: leg!, secret: key, integrationId: integration.id };
}

interface AckOptions {
  secrets?: string[];
  timestamp?: number;
  webhookId?: string;
  body?: string;
}

async function acknowledge(legId: string, secret: string, options: AckOptions = {}) {
  const webhookId = options.webhookId ?? `msg_${legId}`;
  const timestamp = options.timestamp ?? nowSeconds();
  const body = options.body ?? "{}";
  const signature = await signWebhook({ secrets: options.secrets ?? [secret], webhookId, timestamp, body });
  return call("POST", "/hooks/ack", {
    rawBody: body,
    headers: {
      "content-type": "application/json",
      "webhook-id": webhookId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    },
  });
}

// Concurrent: each test waits for its own leg to pass through the queues.
describe.concurrent("POST /hooks/ack", { timeout: 20_000 }, () => {
  it("moves a delivered webhook to READ; a repeated acknowledgement changes nothing", async () => {
    const { leg, secret } = await webhookLeg("DELIVRD");
    const result = await acknowledge(leg.id, secret, { body: JSON.stringify({ processed: true }) });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ outcome: "advanced", delivery_id: leg.id, status: "READ" });
    const after = await getLeg(leg.id);
    expect(after.status).toBe("READ");
    expect(after.read_at).toBeGreaterThanOrEqual(nowSeconds() - 5);

    const again = await acknowledge(leg.id, secret);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ outcome: "unchanged", delivery_id: leg.id, status: "READ" });
  });

  it("accepts the previous secret during a rotation, and the new one", async () => {
    const [first, second] = await Promise.all([webhookLeg("DELIVRD"), webhookLeg("DELIVRD")]);
    const rotate = (integrationId: string) => herald(acme).rotateIntegrationSecret(integrationId);
    await rotate(first.integrationId);
    expect((await acknowledge(first.leg.id, first.secret)).body.status).toBe("READ");

    const rotation = await rotate(second.integrationId);
    expect(rotation.key).not.toBe(second.secret);
    expect((await acknowledge(second.leg.id, rotation.key)).body.status).toBe("READ");
  });

  it.each([
    ["another secret", { secrets: [generateSigningSecret()] }],
    ["a stale timestamp", { timestamp: nowSeconds() - 600 }],
  ] as Array<[string, AckOptions]>)(
    "answers 401 to an acknowledgement signed with %s, and keeps DELIVRD",
    async (_what, options) => {
      const { leg, secret } = await webhookLeg("DELIVRD");
      expectHeraldError(await acknowledge(leg.id, secret, options), 401, "unauthorized");
      expect((await getLeg(leg.id)).status).toBe("DELIVRD");
    },
  );

  it("answers 401 to an acknowledgement signed with another account's integration secret", async () => {
    const { leg } = await webhookLeg("DELIVRD");
    const asGlobex = workerd.herald({ token: globex, accountId: GLOBEX.accountId });
    const theirs = await asGlobex.createIntegration({
      name: unique("theirs"),
      target_url: "https://hooks.test/theirs",
    });
    const theirSecret = await asGlobex.getIntegrationSecret(theirs.id);
    expectHeraldError(await acknowledge(leg.id, theirSecret.key), 401, "unauthorized");
    expect((await getLeg(leg.id)).status).toBe("DELIVRD");
  });

  it("answers 401 without the signature headers", async () => {
    const { leg } = await webhookLeg("DELIVRD");
    const result = await call("POST", "/hooks/ack", { rawBody: "{}", headers: { "webhook-id": `msg_${leg.id}` } });
    expectHeraldError(result, 401, "unauthorized");
    expect((await getLeg(leg.id)).status).toBe("DELIVRD");
  });

  it("answers 404 for a webhook id Herald never sent", async () => {
    const secret = generateSigningSecret();
    expectHeraldError(await acknowledge(crypto.randomUUID().toUpperCase(), secret), 404, "not_found");
    expectHeraldError(await acknowledge("", secret, { webhookId: crypto.randomUUID() }), 404, "not_found");
  });

  it("answers 409 for a webhook that was not delivered, and leaves it as it is", async () => {
    const { leg, secret } = await webhookLeg("FAILED", [{ status: 422 }]);
    expectHeraldError(await acknowledge(leg.id, secret), 409, "conflict");
    expect((await getLeg(leg.id)).status).toBe("FAILED");
  });
});
