// Receiving and sending Herald's webhooks: Standard Webhooks (https://www.standardwebhooks.com/) as Herald signs its
// deliveries, on @herald/webhooks, the implementation the API signs with. Runs in Workers, Node 20 and browsers.
import {
  bodyBytes,
  checkTimestamp,
  DEFAULT_TOLERANCE_SECONDS,
  decodeSigningKey,
  decodeVerificationKey,
  type HeadersLike,
  isSignableId,
  readSignedHeaders,
  sign,
  verifySignature,
  type WebhookBody,
} from "@herald/webhooks";
import type { Notification } from "./types.js";

export type { HeadersLike, WebhookBody };
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = DEFAULT_TOLERANCE_SECONDS;

export type WebhookVerificationReason =
  | "missing_headers"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "invalid_secret"
  | "no_matching_signature"
  | "invalid_json";

/** The webhook is not one Herald signed with the given key(s), or not a fresh one. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  readonly reason: WebhookVerificationReason;

  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export interface VerifyWebhookInput {
  /**
   * What `GET .../integrations/{id}/secret` answers: the integration's signing secret (`whsec_...`, HMAC `v1`
   * signatures), or its public key (`whpk_...`, Ed25519 `v1a` signatures); several while a rotation is under way.
   */
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
  const keys = decodeKeys(input.secret, decodeVerificationKey, "a key is not `whsec_` or `whpk_` followed by base64");
  const signed = readSignedHeaders(input.headers);
  if (!signed) {
    throw new WebhookVerificationError(
      "missing_headers",
      "the webhook-id, webhook-timestamp and webhook-signature headers are required",
    );
  }
  const now = Math.floor((input.now ?? Date.now()) / 1000);
  switch (checkTimestamp(signed.timestamp, now, input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS)) {
    case "invalid":
      throw new WebhookVerificationError("invalid_timestamp", "webhook-timestamp is not a Unix time in seconds");
    case "too_old":
      throw new WebhookVerificationError("timestamp_too_old", "the webhook timestamp is too old");
    case "too_new":
      throw new WebhookVerificationError("timestamp_too_new", "the webhook timestamp is too far in the future");
    case "fresh":
      break;
  }
  if (!(await verifySignature({ ...signed, keys, body: input.body }))) {
    throw new WebhookVerificationError("no_matching_signature", "no webhook-signature entry matches the key");
  }
  try {
    return JSON.parse(new TextDecoder().decode(bodyBytes(input.body))) as T;
  } catch {
    throw new WebhookVerificationError("invalid_json", "the webhook body is not JSON");
  }
}

export interface SignWebhookInput {
  /** One key, or several: a `v1,` entry for each `whsec_` secret, a `v1a,` entry for each `whsk_` secret key. */
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
  if (!isSignableId(input.id)) throw new TypeError("the webhook id must be non-empty, without dots");
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const keys = decodeKeys(input.secret, decodeSigningKey, "a key is not `whsec_` or `whsk_` followed by base64");
  const signature = await sign({ keys, id: input.id, timestamp, body: input.body });
  return { "webhook-id": input.id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
}

function decodeKeys<K>(
  secret: string | readonly string[],
  decode: (key: string) => K | undefined,
  problem: string,
): K[] {
  const secrets = typeof secret === "string" ? [secret] : [...secret];
  if (secrets.length === 0) throw new WebhookVerificationError("invalid_secret", "no signing key given");
  return secrets.map((value) => decode(value) ?? throwInvalid(problem));
}

function throwInvalid(message: string): never {
  throw new WebhookVerificationError("invalid_secret", message);
}
