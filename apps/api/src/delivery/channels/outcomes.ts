import { MAX_DELAY_SECONDS } from "../../lib/queue-limits";
import type { AttemptOutcome } from "../../ports";
import { classifyResponse, parseRetryAfter } from "../retry-policy";

// What a vendor's answer to one channel call comes to. Each vendor says "never again" differently (Slack in a plain
// word, Discord and Splunk in JSON codes, PagerDuty in a 400 about the routing key); what they share (3xx, 408, 5xx,
// Retry-After on 503) is classifyResponse's, as for webhooks. Sources per vendor are cited where each table is.

export type ChannelType = "slack" | "msteams" | "discord" | "pagerduty" | "splunk_hec";

/** A vendor's answer as callWebhook reads it: the body is the first 20 KB, as text. */
export interface VendorAnswer {
  status: number;
  headers: Headers;
  body: string;
}

type Classify = (answer: VendorAnswer, nowMs: number) => AttemptOutcome;

export function classifyChannelAnswer(type: ChannelType, answer: VendorAnswer, nowMs: number): AttemptOutcome {
  return CLASSIFIERS[type](answer, nowMs);
}

// Slack incoming webhooks (api.slack.com/messaging/webhooks#handling_errors, and the 2016-05-17 changelog): errors
// are one plain word. These say the webhook, its channel or its workspace is gone or barred: no retry will help.
const SLACK_DEAD_WEBHOOK = new Set([
  "channel_not_found",
  "channel_is_archived",
  "no_service",
  "no_team",
  "team_disabled",
  "invalid_token",
  "action_prohibited",
  "posting_to_general_channel_denied",
]);

const slack: Classify = (answer, nowMs) => {
  const word = vendorText(answer.body);
  const said = word === "" ? `HTTP ${answer.status}` : word;
  if (isSuccess(answer.status)) return { kind: "delivered" };
  if (SLACK_DEAD_WEBHOOK.has(word) || [403, 404, 410].includes(answer.status)) {
    return { kind: "permanent", reason: `Slack: ${said}`, disableIntegration: true };
  }
  if (answer.status === 400) return { kind: "permanent", reason: `Slack: ${said}` };
  return common("Slack", answer, nowMs, word);
};

// Teams Workflows (Power Automate / Logic Apps request triggers): 202 once the flow is started; errors are
// {"error":{"code","message"}}. 404 is a deleted flow (WorkflowNotFound) and 410 a gone one; 401 is a signature
// (`sig`) that no longer matches, i.e. a regenerated URL: none comes back without a human, so the integration stops.
// 403 is not among them: a flow turned off or a tenant policy can be undone where the URL stays the same.
const msteams: Classify = (answer, nowMs) => {
  const detail = azureError(answer.body);
  if (isSuccess(answer.status)) return { kind: "delivered" };
  if ([401, 404, 410].includes(answer.status)) {
    return { kind: "permanent", reason: `Teams: ${detail || `HTTP ${answer.status}`}`, disableIntegration: true };
  }
  return common("Teams", answer, nowMs, detail);
};

// Discord (discord.com/developers/docs/resources/webhook#execute-webhook, topics/opcodes-and-status-codes,
// topics/rate-limits): 204, or 200 with the message when `wait=true`; 404 Unknown Webhook (10015) and 401 Invalid
// Webhook Token (50027) mean the webhook was deleted or its token reset.
const discord: Classify = (answer, nowMs) => {
  const error = discordError(answer.body);
  if (isSuccess(answer.status)) return { kind: "delivered" };
  if (answer.status === 401 || answer.status === 404) {
    return { kind: "permanent", reason: `Discord: ${error.text || `HTTP ${answer.status}`}`, disableIntegration: true };
  }
  if (answer.status === 429) {
    // retry_after is in seconds, a float; Cloudflare's own 429 in front of Discord may carry only the headers.
    const seconds =
      error.retryAfter ??
      parseRetryAfter(answer.headers.get("retry-after"), nowMs) ??
      parseSeconds(answer.headers.get("x-ratelimit-reset-after"));
    return rateLimited(`Discord: ${error.text || "HTTP 429"}`, seconds);
  }
  return common("Discord", answer, nowMs, error.text);
};

// PagerDuty Events API v2 (developer.pagerduty.com/docs/events-api-v2/overview, "Response Codes & Retry Logic";
// events-api-v2/rate-limits): 202 accepted; 400 never worth a retry; 429 and 5xx are. There is no 401/403 here: a
// routing key that is malformed or names no integration comes back as a 400 about the routing key, and that key stays
// wrong until someone pastes a new one, so it disables the integration like a revoked token would.
// PagerDuty sends no Retry-After; its rate-limit page suggests retries 30 seconds apart.
export const PAGERDUTY_RATE_LIMIT_RETRY_SECONDS = 30;

const pagerduty: Classify = (answer, nowMs) => {
  const detail = pagerdutyError(answer.body);
  if (isSuccess(answer.status)) return { kind: "delivered" };
  if (answer.status === 400) {
    const reason = `PagerDuty: ${detail || "HTTP 400"}`;
    return /routing.?key/i.test(detail)
      ? { kind: "permanent", reason, disableIntegration: true }
      : { kind: "permanent", reason };
  }
  if (answer.status === 429) {
    const seconds = parseRetryAfter(answer.headers.get("retry-after"), nowMs) ?? PAGERDUTY_RATE_LIMIT_RETRY_SECONDS;
    return rateLimited(`PagerDuty: ${detail || "HTTP 429"}`, seconds);
  }
  return common("PagerDuty", answer, nowMs, detail);
};

// Splunk HEC (docs.splunk.com "Troubleshoot HTTP Event Collector", status codes table): {"text","code"} on every
// answer; success is code 0, so a 200 with another code (17, "HEC is healthy", is a health check's) delivered nothing.
// 401/403 are codes 1-4 (token disabled, required, invalid authorization, invalid token): wrong until a human fixes it.
const splunkHec: Classify = (answer, nowMs) => {
  const hec = splunkStatus(answer.body);
  const said = hec.code === undefined ? hec.text : `${hec.text} (code ${hec.code})`;
  if (isSuccess(answer.status)) {
    if (hec.code === 0) return { kind: "delivered" };
    return { kind: "permanent", reason: `Splunk HEC: HTTP ${answer.status} without success: ${said || "no status"}` };
  }
  if (answer.status === 401 || answer.status === 403) {
    return { kind: "permanent", reason: `Splunk HEC: ${said || `HTTP ${answer.status}`}`, disableIntegration: true };
  }
  return common("Splunk HEC", answer, nowMs, said);
};

const CLASSIFIERS: Record<ChannelType, Classify> = { slack, msteams, discord, pagerduty, splunk_hec: splunkHec };

/** What every vendor shares with webhooks (classifyResponse), with the vendor's words in the reason. */
export function common(vendor: string, answer: VendorAnswer, nowMs: number, detail: string): AttemptOutcome {
  const outcome = classifyResponse(answer.status, answer.headers, nowMs);
  if (outcome.kind === "delivered") return outcome;
  // A redirect's body is a page for browsers; what matters is that it was not followed.
  const ownWords = detail !== "" && answer.status >= 400;
  const reason = ownWords ? `${vendor}: ${detail} (HTTP ${answer.status})` : `${vendor}: ${outcome.reason}`;
  // classifyResponse has read Retry-After already for the statuses that define it (429, 503).
  if (answer.status === 429)
    return rateLimited(reason, outcome.kind === "retry" ? outcome.retryAfterSeconds : undefined);
  return { ...outcome, reason };
}

export function rateLimited(reason: string, retryAfterSeconds: number | undefined): AttemptOutcome {
  return retryAfterSeconds === undefined
    ? { kind: "retry", reason, rateLimited: true }
    : { kind: "retry", reason, rateLimited: true, retryAfterSeconds };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}

const MAX_VENDOR_TEXT = 200;

/** Vendor words fit for a reason: one line, capped, with any signature or token in a quoted URL blanked. */
export function vendorText(text: string): string {
  const oneLine = text
    .replace(/([?&](?:sig|token|code|key)=)[^&\s"']+/gi, "$1…")
    .replace(/\s+/g, " ")
    .trim();
  return oneLine.length > MAX_VENDOR_TEXT ? `${oneLine.slice(0, MAX_VENDOR_TEXT - 1)}…` : oneLine;
}

/** Whole seconds, rounded up, from a count of seconds that may be a float ("0.75"); undefined when not one. */
function parseSeconds(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const seconds = typeof value === "number" ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(MAX_DELAY_SECONDS, Math.ceil(seconds));
}

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Logic Apps / Power Automate: {"error":{"code","message"}}; otherwise the body as text. */
function azureError(body: string): string {
  const parsed = parseJson(body);
  const error = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : undefined;
  if (!error) return vendorText(body);
  const parts = [error.code, error.message].filter((part) => typeof part === "string" && part !== "");
  return vendorText(parts.join(": "));
}

/** Discord: {"message","code","errors"?,"retry_after"?}; the first field error names what was wrong. */
function discordError(body: string): { text: string; retryAfter?: number } {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return { text: vendorText(body) };
  const message = typeof parsed.message === "string" ? parsed.message : "";
  const code = typeof parsed.code === "number" && parsed.code !== 0 ? ` (${parsed.code})` : "";
  const field = firstDiscordFieldError(parsed.errors, []);
  const text = vendorText(`${message}${code}${field ? `: ${field}` : ""}`);
  const retryAfter = parseSeconds(typeof parsed.retry_after === "number" ? parsed.retry_after : undefined);
  return retryAfter === undefined ? { text } : { text, retryAfter };
}

/** Discord nests field errors by path: {"embeds":{"0":{"title":{"_errors":[{"code","message"}]}}}}. */
function firstDiscordFieldError(errors: unknown, path: string[]): string | undefined {
  if (!isRecord(errors)) return undefined;
  const own = errors._errors;
  if (Array.isArray(own) && isRecord(own[0]) && typeof own[0].message === "string") {
    return path.length === 0 ? own[0].message : `${path.join(".")}: ${own[0].message}`;
  }
  for (const [key, value] of Object.entries(errors)) {
    const found = firstDiscordFieldError(value, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** PagerDuty: {"status","message","errors":[...]}, or plain text such as "Invalid routing key". */
function pagerdutyError(body: string): string {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return vendorText(body);
  const message = typeof parsed.message === "string" ? parsed.message : "";
  const errors = Array.isArray(parsed.errors) ? parsed.errors.filter((error) => typeof error === "string") : [];
  return vendorText([message, errors.join("; ")].filter((part) => part !== "").join(": "));
}

/** Splunk HEC: {"text","code"}; a body that is not one keeps its text and has no code. */
function splunkStatus(body: string): { text: string; code?: number } {
  const parsed = parseJson(body);
  if (isRecord(parsed) && typeof parsed.code === "number") {
    return { text: vendorText(typeof parsed.text === "string" ? parsed.text : ""), code: parsed.code };
  }
  return { text: vendorText(body) };
}
