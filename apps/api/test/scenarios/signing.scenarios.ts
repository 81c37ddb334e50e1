// Webhook signing secrets end to end, written once over a harness and run by both suites: the Worker in workerd
// (test/delivery.test.ts) and the Node runtime (node/scenarios.test.ts). Each scenario verifies what a receiver got
// with the reference library (Standard Webhooks) or the client's verifyWebhook: both secrets while a rotation
// overlaps, Ed25519 keys read through the API, and a switch of scheme.
import { verifyWebhook } from "@herald/client";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME_WRITER, unique } from "../common";
import { ACCOUNT, deliveryTools, type Harness, publicKeyOf } from "./harness";

export function defineSigningScenarios(harness: Harness) {
  const { call, herald, signIn, login, createIntegration, send, settled, connectedType } = deliveryTools(harness);
  const { receiver } = harness;

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  describe("signing secrets", () => {
    it("signs with both secrets while a rotation overlaps", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const before = await herald(token).getIntegrationSecret(integration.id);
      expect(before.key).toMatch(/^whsec_/);
      const rotated = await herald(token).rotateIntegrationSecret(integration.id);
      expect(rotated.key).not.toBe(before.key);
      expect(rotated.previous_key_expires_at).toBeGreaterThan(Date.now() / 1000);

      const notification = await send(token, await connectedType(token, platform, integration.id));
      await settled(token, notification.id, 1);
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
      for (const secret of [before.key, rotated.key]) {
        expect(() => new Webhook(secret).verify(received!.body, received!.headers)).not.toThrow();
      }
    });

    /** A webhook integration signing with Ed25519, subscribed to a fresh type, and its public key as the API shows it. */
    async function ed25519Scenario(targetUrl: string) {
      const integration = await herald(token).createIntegration({
        name: unique("ed25519"),
        target_url: targetUrl,
        signature_scheme: "ed25519",
      });
      return { integration, type: await connectedType(token, platform, integration.id) };
    }

    it("signs an ed25519 integration's deliveries with v1a, verified with the public key read through the API", async () => {
      const target = await receiver();
      const { integration, type } = await ed25519Scenario(target.url);
      const writer = await login(ACME_WRITER);
      const read = await herald(writer).getAccountIntegration(integration.id);
      const publicKey = publicKeyOf(read);
      expect(publicKey).toMatch(/^whpk_/);
      expect(await herald(token).getIntegrationSecret(integration.id)).toEqual({
        key: publicKey,
        signature_scheme: "ed25519",
      });

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
        verifyWebhook({ secret: publicKeyOf(other.integration), headers: received!.headers, body: received!.body }),
      ).rejects.toMatchObject({ reason: "no_matching_signature" });
    });

    it("signs with both Ed25519 keys while a rotation overlaps", async () => {
      const target = await receiver();
      const { integration, type } = await ed25519Scenario(target.url);
      const rotated = await herald(token).rotateIntegrationSecret(integration.id);
      expect(rotated.key).toMatch(/^whpk_/);
      expect(rotated.key).not.toBe(publicKeyOf(integration));

      const notification = await send(token, type);
      await settled(token, notification.id, 1);
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]!.split(" ").map((entry) => entry.split(",")[0])).toEqual([
        "v1a",
        "v1a",
      ]);
      for (const key of [publicKeyOf(integration), rotated.key]) {
        const verified = await verifyWebhook({ secret: key, headers: received!.headers, body: received!.body });
        expect(verified.id).toBe(notification.id);
      }
    });

    it("keeps the whsec_ secret signing v1 beside the new v1a while a switch to ed25519 overlaps", async () => {
      const target = await receiver();
      const integration = await createIntegration(token, target.url);
      const before = await herald(token).getIntegrationSecret(integration.id);
      expect(before.key).toMatch(/^whsec_/);
      const switched = await herald(token).updateIntegration(integration.id, { signature_scheme: "ed25519" });
      const publicKey = publicKeyOf(switched);

      const notification = await send(token, await connectedType(token, platform, integration.id));
      await settled(token, notification.id, 1);
      const [received] = await target.calls();
      expect(received!.headers["webhook-signature"]!.split(" ").map((entry) => entry.split(",")[0])).toEqual([
        "v1a",
        "v1",
      ]);
      // A receiver not yet switched verifies as it always did, with the reference library and the old secret.
      expect(new Webhook(before.key).verify(received!.body, received!.headers)).toMatchObject({
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
}
