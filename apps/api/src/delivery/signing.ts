import type { SignatureScheme } from "@herald/contracts";
import {
  checkTimestamp,
  DEFAULT_TOLERANCE_SECONDS,
  decodeSecret,
  decodeSigningKey,
  generateKeyPair,
  generateSecret,
  publicKeyOf,
  readSignedHeaders,
  SECRET_KEY_PREFIX,
  STANDARD_HEADERS,
  SVIX_HEADERS,
  sign,
  verifySignature,
} from "@herald/webhooks";

// Herald's Standard Webhooks signatures, on the implementation it shares with @herald/client (@herald/webhooks).

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return generateSecret();
}

/**
 * A new signing key of the scheme: a `whsec_` secret for HMAC, a `whsk_` secret key for Ed25519. The key says its
 * scheme by its prefix, so a row needs no column for it.
 */
export async function generateSigningKey(scheme: SignatureScheme = "hmac-sha256"): Promise<string> {
  return scheme === "ed25519" ? (await generateKeyPair()).secretKey : generateSigningSecret();
}

/** The scheme a stored signing key is for. */
export function signatureSchemeOf(signingSecret: string): SignatureScheme {
  return signingSecret.startsWith(SECRET_KEY_PREFIX) ? "ed25519" : "hmac-sha256";
}

/** What a receiver verifies with: the `whsec_` secret itself, or an Ed25519 key's `whpk_` public key. */
export function verificationKeyOf(signingSecret: string): string {
  if (signatureSchemeOf(signingSecret) === "hmac-sha256") return signingSecret;
  const publicKey = publicKeyOf(signingSecret);
  // Herald makes its own keys 64 bytes long; anything else is a corrupt row, and never answered as a key.
  if (publicKey === undefined) throw new Error(`the signing key is not a 64-byte ${SECRET_KEY_PREFIX} key`);
  return publicKey;
}

/** The `webhook-id` of a delivery: stable across its retries, so receivers can deduplicate on it. */
export function webhookIdFor(deliveryId: string): string {
  // The id is part of the dot-separated signed content: a dot in it would make that content ambiguous.
  if (deliveryId === "" || deliveryId.includes(".")) {
    throw new Error(`delivery id ${JSON.stringify(deliveryId)} cannot be a webhook id: it is empty or contains a dot`);
  }
  return `msg_${deliveryId}`;
}

/**
 * The `webhook-signature` header value: one entry per key, space-separated (`v1,<base64>` for a `whsec_` secret,
 * `v1a,<base64>` for a `whsk_` key), so a receiver that still holds the previous key keeps verifying during a
 * rotation or a change of scheme.
 */
export async function signWebhook(input: {
  secrets: string[];
  webhookId: string;
  timestamp: number /* unix seconds */;
  body: string;
}): Promise<string> {
  const keys = input.secrets.map((secret) => {
    const key = decodeSigningKey(secret);
    if (key === undefined)
      throw new Error("signing secret must be whsk_ and an Ed25519 key, or base64 (whsec_ optional)");
    return key;
  });
  return sign({ keys, id: input.webhookId, timestamp: input.timestamp, body: input.body });
}

/**
 * True when the request carries a fresh timestamp and a `v1` signature made with one of `secrets` (HMAC only: what
 * receivers sign read receipts with; an Ed25519 key among `secrets` matches nothing). Reads the
 * `webhook-*` headers, or Svix's `svix-*` ones (Resend's webhooks).
 */
export async function verifyWebhook(input: {
  secrets: string[];
  headers: Headers | Record<string, string>;
  body: string;
  now?: number /* seconds */;
  toleranceSeconds?: number /* default 300 */;
}): Promise<boolean> {
  const signed = readSignedHeaders(input.headers, [STANDARD_HEADERS, SVIX_HEADERS]);
  if (signed === undefined) return false;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (checkTimestamp(signed.timestamp, now, input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) !== "fresh") {
    return false;
  }
  // A secret that does not decode matches nothing; the others still may.
  const keys = input.secrets.map(decodeSecret).filter((bytes) => bytes !== undefined);
  return verifySignature({ ...signed, keys, body: input.body });
}
