// Standard Webhooks (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
// HMAC-SHA256 with a `whsec_` secret over `${webhook-id}.${webhook-timestamp}.${body}`, sent as space-separated
// `v1,<base64>` entries in `webhook-signature`. The one implementation behind Herald's signer (apps/api) and its client.
// WebCrypto rather than the reference `standardwebhooks` package: about twice as fast in workerd (measured ~14 µs vs
// ~30 µs a signature), ESM with no dependencies, and it takes several secrets, bytes, and an injected clock.

export const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

/** A `Headers`, or a plain object such as Node's `IncomingHttpHeaders` (names in any case). */
export type HeadersLike = Headers | Record<string, string | readonly string[] | undefined>;

export type WebhookBody = string | ArrayBuffer | Uint8Array;

/** Where a sender puts the id, the timestamp and the signatures. */
export interface HeaderNames {
  id: string;
  timestamp: string;
  signature: string;
}

export const STANDARD_HEADERS: HeaderNames = {
  id: "webhook-id",
  timestamp: "webhook-timestamp",
  signature: "webhook-signature",
};

/** Svix (and its customers, such as Resend) send the same scheme under `svix-*` names. */
export const SVIX_HEADERS: HeaderNames = { id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature" };

/** The three values a signature covers, as read from a request. */
export interface SignedHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

/** A new secret: `whsec_` and the base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** The key bytes of a secret given with or without the `whsec_` prefix; undefined when it is not usable base64. */
export function decodeSecret(secret: string): Uint8Array<ArrayBuffer> | undefined {
  const bytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  return bytes !== undefined && bytes.length > 0 ? bytes : undefined;
}

/** A webhook id can be signed when it is non-empty and has no dot (it is part of the dot-separated signed content). */
export function isSignableId(id: string): boolean {
  return id !== "" && !id.includes(".");
}

/**
 * The `webhook-signature` value for `body`: one `v1,<base64>` entry per key, space-separated, so a receiver that
 * still holds the previous secret keeps verifying during a rotation. Throws a TypeError on an unsignable input.
 */
export async function sign(input: {
  keys: readonly Uint8Array<ArrayBuffer>[];
  id: string;
  timestamp: number /* unix seconds */;
  body: WebhookBody;
}): Promise<string> {
  if (input.keys.length === 0) throw new TypeError("signing needs at least one secret");
  if (!isSignableId(input.id)) throw new TypeError("the webhook id must be non-empty, without dots");
  if (!Number.isSafeInteger(input.timestamp) || input.timestamp < 0) {
    throw new TypeError("the webhook timestamp must be unix seconds");
  }
  const content = signedContent(input.id, String(input.timestamp), input.body);
  const entries = await Promise.all(
    input.keys.map(async (bytes) => {
      const key = await importKey(bytes, "sign");
      return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
    }),
  );
  return entries.join(" ");
}

/** True when a `v1` entry of `signature` was made with one of `keys` over this id, timestamp and body. */
export async function verifySignature(
  input: SignedHeaders & { keys: readonly Uint8Array<ArrayBuffer>[]; body: WebhookBody },
): Promise<boolean> {
  const candidates = input.signature
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => fromBase64(entry.slice(3)))
    .filter((bytes) => bytes !== undefined);
  if (candidates.length === 0) return false;
  const content = signedContent(input.id, input.timestamp, input.body);
  for (const bytes of input.keys) {
    const key = await importKey(bytes, "verify");
    for (const candidate of candidates) {
      // subtle.verify compares in constant time.
      if (await crypto.subtle.verify("HMAC", key, candidate, content)) return true;
    }
  }
  return false;
}

export type TimestampCheck = "fresh" | "invalid" | "too_old" | "too_new";

/**
 * Whether `timestamp` (the header text) is Unix seconds within `toleranceSeconds` of `nowSeconds`, either way: an old
 * timestamp is a replay, a future one a way to stretch the replay window.
 */
export function checkTimestamp(
  timestamp: string,
  nowSeconds: number,
  toleranceSeconds: number = DEFAULT_TOLERANCE_SECONDS,
): TimestampCheck {
  if (!/^\d{1,15}$/.test(timestamp)) return "invalid";
  const age = nowSeconds - Number(timestamp);
  if (age > toleranceSeconds) return "too_old";
  if (age < -toleranceSeconds) return "too_new";
  return "fresh";
}

/** The id, timestamp and signature under the first of `names` whose three headers are all present (trimmed). */
export function readSignedHeaders(
  headers: HeadersLike,
  names: readonly HeaderNames[] = [STANDARD_HEADERS],
): SignedHeaders | undefined {
  const get = headerReader(headers);
  for (const set of names) {
    const id = get(set.id);
    const timestamp = get(set.timestamp);
    const signature = get(set.signature);
    if (id && timestamp && signature) return { id, timestamp, signature };
  }
  return undefined;
}

function headerReader(headers: HeadersLike): (name: string) => string | undefined {
  if (headers instanceof Headers) return (name) => headers.get(name)?.trim() || undefined;
  const lowercased = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lowercased.set(name.toLowerCase(), typeof value === "string" ? value : value.join(" "));
  }
  return (name) => lowercased.get(name)?.trim() || undefined;
}

/** The body as bytes: what the signature covers. */
export function bodyBytes(body: WebhookBody): Uint8Array {
  if (typeof body === "string") return new TextEncoder().encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function signedContent(id: string, timestamp: string, body: WebhookBody): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const bytes = bodyBytes(body);
  const content = new Uint8Array(prefix.length + bytes.length);
  content.set(prefix);
  content.set(bytes, prefix.length);
  return content;
}

// Imported keys, by usage and secret: importing costs as much as the HMAC itself, and a sender signs every delivery
// with the same few secrets. Bounded, oldest first out; the keys are not extractable.
const KEY_CACHE_SIZE = 1_000;
const importedKeys = new Map<string, Promise<CryptoKey>>();

function importKey(bytes: Uint8Array<ArrayBuffer>, usage: "sign" | "verify"): Promise<CryptoKey> {
  const cacheKey = `${usage}:${toBase64(bytes)}`;
  let key = importedKeys.get(cacheKey);
  if (!key) {
    if (importedKeys.size >= KEY_CACHE_SIZE) importedKeys.delete(importedKeys.keys().next().value as string);
    key = crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    // A failed import is not kept: the next call tries again.
    key.catch(() => importedKeys.delete(cacheKey));
    importedKeys.set(cacheKey, key);
  }
  return key;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
