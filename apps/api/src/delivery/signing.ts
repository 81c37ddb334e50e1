import { fromBase64, toBase64 } from "../lib/base64";

// Standard Webhooks signatures (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
// on WebCrypto: HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${body}`, sent as `v1,<base64>` entries.

const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

// Resend (and every other Svix customer) sends the same scheme under svix-* names.
const HEADER_SETS = [
  { id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature" },
  { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" },
] as const;

/** A new endpoint secret: `whsec_` and the base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
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
  const { secrets, webhookId, timestamp, body } = input;
  if (secrets.length === 0) throw new Error("signWebhook needs at least one secret");
  if (webhookId === "" || webhookId.includes(".")) throw new Error("webhook id must be non-empty and contain no dot");
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new Error("webhook timestamp must be unix seconds");

  const content = signedContent(webhookId, String(timestamp), body);
  const entries = await Promise.all(
    secrets.map(async (secret) => {
      const key = await importKey(secretBytes(secret), "sign");
      return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
    }),
  );
  return entries.join(" ");
}

/**
 * True when the request carries a fresh timestamp and a `v1` signature made with one of `secrets`. Reads the
 * `webhook-*` headers, or Svix's `svix-*` ones.
 */
export async function verifyWebhook(input: {
  secrets: string[];
  headers: Headers | Record<string, string>;
  body: string;
  now?: number /* seconds */;
  toleranceSeconds?: number /* default 300 */;
}): Promise<boolean> {
  const { secrets, body } = input;
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  const signed = readSignatureHeaders(input.headers);
  if (signed === undefined) return false;
  if (!/^\d{1,15}$/.test(signed.timestamp)) return false;
  // Both directions: an old timestamp is a replay, a future one a way to stretch the replay window.
  if (Math.abs(now - Number(signed.timestamp)) > tolerance) return false;

  const signatures = signed.signature
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => fromBase64(entry.slice(3)))
    .filter((bytes): bytes is Uint8Array => bytes !== undefined);
  if (signatures.length === 0) return false;

  const content = signedContent(signed.id, signed.timestamp, body);
  for (const secret of secrets) {
    const bytes = decodeSecret(secret);
    if (bytes === undefined) continue;
    const key = await importKey(bytes, "verify");
    for (const signature of signatures) {
      // subtle.verify compares in constant time.
      if (await crypto.subtle.verify("HMAC", key, signature, content)) return true;
    }
  }
  return false;
}

function readSignatureHeaders(
  headers: Headers | Record<string, string>,
): { id: string; timestamp: string; signature: string } | undefined {
  const get = headerReader(headers);
  for (const names of HEADER_SETS) {
    const id = get(names.id);
    const timestamp = get(names.timestamp);
    const signature = get(names.signature);
    if (id && timestamp && signature) return { id, timestamp: timestamp.trim(), signature };
  }
  return undefined;
}

function headerReader(headers: Headers | Record<string, string>): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const lowercased = new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  return (name) => lowercased.get(name);
}

function signedContent(id: string, timestamp: string, body: string): Uint8Array {
  return new TextEncoder().encode(`${id}.${timestamp}.${body}`);
}

function secretBytes(secret: string): Uint8Array {
  const bytes = decodeSecret(secret);
  if (bytes === undefined) throw new Error("signing secret must be base64 (optionally prefixed with whsec_)");
  return bytes;
}

/** The key bytes of a secret given with or without the `whsec_` prefix; undefined when it is not usable base64. */
function decodeSecret(secret: string): Uint8Array | undefined {
  const bytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return bytes !== undefined && bytes.length > 0 ? bytes : undefined;
}

function importKey(bytes: Uint8Array, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}
