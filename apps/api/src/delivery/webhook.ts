import type { IntegrationRow } from "@herald/db";
import type { Services } from "../env";
import type { AttemptOutcome } from "../ports";
import { maskRequestHeaders } from "../security/integration-secrets";
import { readCapped } from "./response-body";
import { classifyFetchError, classifyResponse } from "./retry-policy";
import { signWebhook, webhookIdFor } from "./signing";

// Headers Herald sets itself: an integration's custom headers cannot override them.
export const RESERVED_WEBHOOK_HEADERS = new Set([
  "content-type",
  "content-length",
  "host",
  "user-agent",
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "traceparent",
]);

export const USER_AGENT = "Herald-Webhooks/1.0";

/** The secrets to sign with: the current one, and the previous one while its overlap window lasts. */
export function signingSecrets(integration: IntegrationRow, now: number): string[] {
  const previousValid =
    integration.previousSigningSecret !== null &&
    integration.previousSecretExpiresAt !== null &&
    integration.previousSecretExpiresAt > now;
  return previousValid
    ? [integration.signingSecret, integration.previousSigningSecret as string]
    : [integration.signingSecret];
}

export interface WebhookCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
}

export interface WebhookCallResult {
  outcome: AttemptOutcome;
  responseCode?: number;
  responseBody?: string;
  durationMs: number;
  error?: string;
  /** The request's headers as sent, secrets masked: what the attempt stores. */
  requestHeaders: Record<string, string>;
}

/** The integration's `method` setting: POST unless it says PUT or PATCH. */
function webhookMethod(integration: IntegrationRow): string {
  const { method } = integration.config;
  return method === "PUT" || method === "PATCH" ? method : "POST";
}

/** Builds a signed Standard Webhooks request: `webhook-id` fixed per leg, a fresh timestamp per attempt. */
export async function signedWebhookCall(input: {
  integration: IntegrationRow;
  deliveryId: string;
  body: string;
  now: number;
  timeoutMs: number;
}): Promise<WebhookCall> {
  const webhookId = webhookIdFor(input.deliveryId);
  const timestamp = Math.floor(input.now / 1000);
  const signature = await signWebhook({
    secrets: signingSecrets(input.integration, input.now),
    webhookId,
    timestamp,
    body: input.body,
  });
  const custom = Object.fromEntries(
    Object.entries(input.integration.headers).filter(([name]) => !RESERVED_WEBHOOK_HEADERS.has(name.toLowerCase())),
  );
  const { auth_header: authorization } = input.integration.secrets;
  return {
    url: input.integration.targetUrl,
    method: webhookMethod(input.integration),
    headers: {
      ...custom,
      ...(authorization === undefined ? {} : { authorization }),
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "webhook-id": webhookId,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
    },
    body: input.body,
    timeoutMs: input.timeoutMs,
  };
}

/** An answer as classifiers read it: its status, headers and (the first 20 KB of) its body. */
export interface TargetAnswer {
  status: number;
  headers: Headers;
  body: string;
}

const classifyWebhookAnswer = (answer: TargetAnswer, now: number) =>
  classifyResponse(answer.status, answer.headers, now);

/**
 * Makes the call: no redirects followed, a hard timeout, at most 20 KB of the answer kept. Never throws. What the
 * answer means is the webhook rule unless the caller (a channel type with its vendor's rules) says otherwise.
 */
export async function callWebhook(
  call: WebhookCall,
  targetFetch: Services["targetFetch"],
  classify: (answer: TargetAnswer, now: number) => AttemptOutcome = classifyWebhookAnswer,
): Promise<WebhookCallResult> {
  const started = Date.now();
  // Masked here, once for every HTTP integration type: no secret leaves the call in what it reports.
  const requestHeaders = maskRequestHeaders(call.headers);
  try {
    const response = await targetFetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      redirect: "manual",
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    const responseBody = await readCapped(response);
    return {
      outcome: classify({ status: response.status, headers: response.headers, body: responseBody }, Date.now()),
      responseCode: response.status,
      responseBody,
      durationMs: Date.now() - started,
      requestHeaders,
    };
  } catch (error) {
    const outcome = classifyFetchError(error);
    const reason = outcome.kind === "delivered" ? "unknown error" : outcome.reason;
    return {
      outcome,
      durationMs: Date.now() - started,
      requestHeaders,
      error: reason === "timeout" ? `timeout after ${call.timeoutMs} ms` : reason,
    };
  }
}
