import {
  checkTimestamp,
  DEFAULT_TOLERANCE_SECONDS,
  decodeSecret,
  generateSecret,
  readSignedHeaders,
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

/** The `webhook-id` of a delivery: stable across its retries, so receivers can deduplicate on it. */
export function webhookIdFor(deliveryId: string): string {
  // The id is part of the dot-separated signed content: a dot in it would make that content ambiguous.
  if (deliveryId === "" || deliveryId.includes(".")) {
    throw new Error(`delivery id ${JSON.stringify(deliveryId)} cannot be a webhook id: it is empty or contains a dot`);
  }
  return `msg_${deliveryId}`;
}

/**
 * The `webhook-signature` header value: one `v1,<base64>` entry per secret, space-separated, so a receiver that
 * still holds the previous secret keeps verifying during a rotation.
 */
export async function signWebhook(input: {
  secrets: string[];
  webhookId: string;
  timestamp: number /* unix seconds */;
  body: string;
}): Promise<string> {
  const keys = input.secrets.map((secret) => {
    const bytes = decodeSecret(secret);
    if (bytes === undefined) throw new Error("signing secret must be base64 (optionally prefixed with whsec_)");
    return bytes;
  });
  return sign({ keys, id: input.webhookId, timestamp: input.timestamp, body: input.body });
}

/**
 * True when the request carries a fresh timestamp and a `v1` signature made with one of `secrets`. Reads the
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
