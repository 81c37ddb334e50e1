// Standard Webhooks (https://www.standardwebhooks.com/) on WebCrypto, as Herald signs its deliveries: HMAC-SHA256
// with the integration's `whsec_` secret over `${webhook-id}.${webhook-timestamp}.${body}`, sent as space-separated
// `v1,<base64>` entries in `webhook-signature`. Runs in Workers, Node 20 and browsers.
import type { Notification } from "./types.js";

const SECRET_PREFIX = "whsec_";
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** A `Headers`, or a plain object such as Node's `IncomingHttpHeaders` (names in any case). */
export type HeadersLike = Headers | Record<string, string | readonly string[] | undefined>;

export type WebhookBody = string | ArrayBuffer | Uint8Array;

export type WebhookVerificationReason =
  | "missing_headers"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "invalid_secret"
  | "no_matching_signature"
  | "invalid_json";

/** The webhook is not one Herald signed with the given secret(s), or not a fresh one. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface VerifyWebhookInput {
  /** The integration's signing secret (`whsec_...`), or several while a rotation is under way. */
  secret: string | readonly string[];
  headers: HeadersLike;
  /** The raw body, exactly as received: parsing and re-serialising JSON changes the signed bytes. */
  body: WebhookBody;
  /** How far `webhook-timestamp` may be from now, either way (default 300). */
  toleranceSeconds?: number;
  /** The current time in ms since the epoch (default `Date.now()`). */
  now?: number;
}

/** The parsed body of a webhook signed with (one of) `secret`; throws a `WebhookVerificationError` otherwise. */
export async function verifyWebhook<T = Notification>(input: VerifyWebhookInput): Promise<T> {
  const keys = await importKeys(input.secret, "verify");
  const id = headerValue(input.headers, "webhook-id");
  const timestamp = headerValue(input.headers, "webhook-timestamp");
  const signature = headerValue(input.headers, "webhook-signature");
  if (!id || !timestamp || !signature) {
    throw new WebhookVerificationError(
      "missing_headers",
      "the webhook-id, webhook-timestamp and webhook-signature headers are required",
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError("invalid_timestamp", "webhook-timestamp is not a Unix time in seconds");
  }
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  const tolerance = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  const age = now - Number(timestamp);
  if (age > tolerance) throw new WebhookVerificationError("timestamp_too_old", "the webhook timestamp is too old");
  if (age < -tolerance) {
    throw new WebhookVerificationError("timestamp_too_new", "the webhook timestamp is too far in the future");
  }

  const body = bodyBytes(input.body);
  const content = signedContent(id, timestamp, body);
  const candidates = signature
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"))
    .map((entry) => fromBase64(entry.slice(3)))
    .filter((bytes): bytes is Uint8Array<ArrayBuffer> => bytes !== undefined);
  let matched = false;
  // crypto.subtle.verify compares in constant time.
  for (const key of keys) {
    for (const candidate of candidates) {
      if (await crypto.subtle.verify("HMAC", key, candidate, content)) matched = true;
    }
  }
  if (!matched) {
    throw new WebhookVerificationError("no_matching_signature", "no webhook-signature entry matches the secret");
  }
  try {
    return JSON.parse(new TextDecoder().decode(body)) as T;
  } catch {
    throw new WebhookVerificationError("invalid_json", "the webhook body is not JSON");
  }
}

export interface SignWebhookInput {
  /** One secret, or several: one `v1,` entry each. */
  secret: string | readonly string[];
  /** `webhook-id`; no dot, since it is part of the dot-separated signed content. */
  id: string;
  body: WebhookBody;
  /** Unix seconds (default now). */
  timestamp?: number;
}

/**
 * Standard Webhooks headers for `body`: what Herald sends with a delivery, and what `POST /hooks/ack` expects of a
 * read receipt.
 */
export async function signWebhook(
  input: SignWebhookInput,
): Promise<{ "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string }> {
  if (input.id === "" || input.id.includes(".")) throw new TypeError("the webhook id must be non-empty, without dots");
  const timestamp = String(input.timestamp ?? Math.floor(Date.now() / 1000));
  const content = signedContent(input.id, timestamp, bodyBytes(input.body));
  const keys = await importKeys(input.secret, "sign");
  const entries = await Promise.all(
    keys.map(async (key) => `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`),
  );
  return { "webhook-id": input.id, "webhook-timestamp": timestamp, "webhook-signature": entries.join(" ") };
}

async function importKeys(secret: string | readonly string[], usage: "sign" | "verify"): Promise<CryptoKey[]> {
  const secrets = typeof secret === "string" ? [secret] : [...secret];
  if (secrets.length === 0) throw new WebhookVerificationError("invalid_secret", "no signing secret given");
  return Promise.all(
    secrets.map((value) => {
      const bytes = fromBase64(value.startsWith(SECRET_PREFIX) ? value.slice(SECRET_PREFIX.length) : value);
      if (!bytes || bytes.length === 0) {
        throw new WebhookVerificationError("invalid_secret", "a signing secret is not `whsec_` followed by base64");
      }
      return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    }),
  );
}

function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name)?.trim() || undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    return (typeof value === "string" ? value : value.join(" ")).trim() || undefined;
  }
  return undefined;
}

function bodyBytes(body: WebhookBody): Uint8Array {
  if (typeof body === "string") return new TextEncoder().encode(body);
  return body instanceof Uint8Array ? body : new Uint8Array(body);
}

function signedContent(id: string, timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.length + body.length);
  content.set(prefix);
  content.set(body, prefix.length);
  return content;
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
