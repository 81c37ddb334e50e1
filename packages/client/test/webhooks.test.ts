import { generateKeyPair } from "@herald/webhooks";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signWebhook, verifyWebhook, WebhookVerificationError, type WebhookVerificationReason } from "../src/index";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER_SECRET = "whsec_Zhn/eA7F+wJEMaGujpiLymnXulxayjvJnr96UHo3zTY=";
const NOW = Date.parse("2026-01-01T00:00:00Z");
const NOW_SECONDS = NOW / 1000;
const BODY = JSON.stringify({ id: "N1", type: "incidents/alerts", payload: { threat: "High" } });

async function signed(overrides: { secret?: string | string[]; timestamp?: number; id?: string } = {}) {
  return signWebhook({
    secret: overrides.secret ?? SECRET,
    id: overrides.id ?? "msg_D1",
    body: BODY,
    timestamp: overrides.timestamp ?? NOW_SECONDS,
  });
}

async function reason(promise: Promise<unknown>): Promise<WebhookVerificationReason | "accepted"> {
  try {
    await promise;
    return "accepted";
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.reason;
    throw error;
  }
}

describe("verifyWebhook", () => {
  it("answers the parsed body of a webhook signed with the secret", async () => {
    const headers = await signed();
    await expect(verifyWebhook({ secret: SECRET, headers, body: BODY, now: NOW })).resolves.toEqual(JSON.parse(BODY));
  });

  it("agrees with the reference Standard Webhooks library, both ways", async () => {
    const reference = new Webhook(SECRET);
    const theirs = reference.sign("msg_X", new Date(NOW), BODY);
    const headers = { "webhook-id": "msg_X", "webhook-timestamp": String(NOW_SECONDS), "webhook-signature": theirs };
    await expect(verifyWebhook({ secret: SECRET, headers, body: BODY, now: NOW })).resolves.toMatchObject({ id: "N1" });

    const ours = await signWebhook({ secret: SECRET, id: "msg_Y", body: BODY });
    expect(reference.verify(BODY, ours)).toMatchObject({ id: "N1" });
  });

  it("rejects a changed body, a wrong secret, and a signature of another id", async () => {
    const headers = await signed();
    const changed = BODY.replace("High", "Low");
    expect(await reason(verifyWebhook({ secret: SECRET, headers, body: changed, now: NOW }))).toBe(
      "no_matching_signature",
    );
    expect(await reason(verifyWebhook({ secret: OTHER_SECRET, headers, body: BODY, now: NOW }))).toBe(
      "no_matching_signature",
    );
    const replayed = { ...headers, "webhook-id": "msg_D2" };
    expect(await reason(verifyWebhook({ secret: SECRET, headers: replayed, body: BODY, now: NOW }))).toBe(
      "no_matching_signature",
    );
  });

  it("accepts timestamps within 5 minutes either way, and no further", async () => {
    const at = async (offset: number) =>
      reason(
        verifyWebhook({
          secret: SECRET,
          headers: await signed({ timestamp: NOW_SECONDS + offset }),
          body: BODY,
          now: NOW,
        }),
      );
    expect(await at(-300)).toBe("accepted");
    expect(await at(300)).toBe("accepted");
    expect(await at(-301)).toBe("timestamp_too_old");
    expect(await at(301)).toBe("timestamp_too_new");
    const old = await signed({ timestamp: NOW_SECONDS - 3600 });
    expect(
      await reason(verifyWebhook({ secret: SECRET, headers: old, body: BODY, now: NOW, toleranceSeconds: 3600 })),
    ).toBe("accepted");
  });

  it("accepts any matching entry, and any of several secrets during a rotation", async () => {
    const both = await signed({ secret: [OTHER_SECRET, SECRET] });
    expect(both["webhook-signature"].split(" ")).toHaveLength(2);
    await expect(verifyWebhook({ secret: SECRET, headers: both, body: BODY, now: NOW })).resolves.toBeTruthy();

    const oldOnly = await signed({ secret: OTHER_SECRET });
    await expect(
      verifyWebhook({ secret: [SECRET, OTHER_SECRET], headers: oldOnly, body: BODY, now: NOW }),
    ).resolves.toBeTruthy();

    const mixed = { ...oldOnly, "webhook-signature": `v2,abc v1,!!notbase64 ${(await signed())["webhook-signature"]}` };
    await expect(verifyWebhook({ secret: SECRET, headers: mixed, body: BODY, now: NOW })).resolves.toBeTruthy();
  });

  it("reads Headers and Node-style header objects, and bodies as bytes", async () => {
    const headers = await signed();
    const nodeStyle = {
      "Webhook-Id": headers["webhook-id"],
      "webhook-timestamp": [headers["webhook-timestamp"]],
      "WEBHOOK-SIGNATURE": headers["webhook-signature"],
      "content-type": undefined,
    };
    const bytes = new TextEncoder().encode(BODY);
    await expect(verifyWebhook({ secret: SECRET, headers: nodeStyle, body: bytes, now: NOW })).resolves.toBeTruthy();
    await expect(
      verifyWebhook({ secret: SECRET, headers: new Headers(headers), body: bytes.buffer, now: NOW }),
    ).resolves.toBeTruthy();
  });

  it("names what is wrong with a malformed webhook", async () => {
    const headers = await signed();
    const { "webhook-signature": _dropped, ...unsigned } = headers;
    expect(await reason(verifyWebhook({ secret: SECRET, headers: unsigned, body: BODY, now: NOW }))).toBe(
      "missing_headers",
    );
    const badTime = { ...headers, "webhook-timestamp": "2026-01-01T00:00:00Z" };
    expect(await reason(verifyWebhook({ secret: SECRET, headers: badTime, body: BODY, now: NOW }))).toBe(
      "invalid_timestamp",
    );
    expect(await reason(verifyWebhook({ secret: "whsec_%%%", headers, body: BODY, now: NOW }))).toBe("invalid_secret");
    expect(await reason(verifyWebhook({ secret: [], headers, body: BODY, now: NOW }))).toBe("invalid_secret");

    const notJson = await signWebhook({ secret: SECRET, id: "msg_T", body: "plain text", timestamp: NOW_SECONDS });
    expect(await reason(verifyWebhook({ secret: SECRET, headers: notJson, body: "plain text", now: NOW }))).toBe(
      "invalid_json",
    );
  });

  it("verifies Ed25519 (v1a) signatures with the whpk_ public key, and not with another", async () => {
    const pair = await generateKeyPair();
    const other = await generateKeyPair();
    const headers = await signed({ secret: pair.secretKey });
    expect(headers["webhook-signature"]).toMatch(/^v1a,/);
    await expect(verifyWebhook({ secret: pair.publicKey, headers, body: BODY, now: NOW })).resolves.toMatchObject({
      id: "N1",
    });
    expect(await reason(verifyWebhook({ secret: other.publicKey, headers, body: BODY, now: NOW }))).toBe(
      "no_matching_signature",
    );
    expect(await reason(verifyWebhook({ secret: SECRET, headers, body: BODY, now: NOW }))).toBe(
      "no_matching_signature",
    );
    const changed = BODY.replace("High", "Low");
    expect(await reason(verifyWebhook({ secret: pair.publicKey, headers, body: changed, now: NOW }))).toBe(
      "no_matching_signature",
    );
  });

  it("verifies a switch of scheme's overlap (v1 and v1a entries) with either key, and refuses a secret key", async () => {
    const pair = await generateKeyPair();
    const both = await signed({ secret: [pair.secretKey, SECRET] });
    expect(both["webhook-signature"].split(" ").map((entry) => entry.split(",")[0])).toEqual(["v1a", "v1"]);
    for (const key of [pair.publicKey, SECRET, [OTHER_SECRET, pair.publicKey]]) {
      await expect(verifyWebhook({ secret: key, headers: both, body: BODY, now: NOW })).resolves.toBeTruthy();
    }
    // A receiver never needs the secret key: given one by mistake, it is named, not tried.
    expect(await reason(verifyWebhook({ secret: pair.secretKey, headers: both, body: BODY, now: NOW }))).toBe(
      "invalid_secret",
    );
    expect(await reason(verifyWebhook({ secret: "whpk_AAAA", headers: both, body: BODY, now: NOW }))).toBe(
      "invalid_secret",
    );
  });

  it("signs only ids without dots", async () => {
    await expect(signWebhook({ secret: SECRET, id: "msg.1", body: "{}" })).rejects.toThrow(TypeError);
  });
});
