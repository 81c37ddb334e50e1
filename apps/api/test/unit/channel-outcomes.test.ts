import { describe, expect, it } from "vitest";
import {
  type ChannelType,
  classifyChannelAnswer,
  PAGERDUTY_RATE_LIMIT_RETRY_SECONDS,
} from "../../src/delivery/channels/outcomes";
import type { AttemptOutcome } from "../../src/ports";

const NOW_MS = Date.UTC(2026, 11, 2, 12, 0, 0);

interface Case {
  name: string;
  status: number;
  body?: string;
  headers?: Record<string, string>;
  expected: AttemptOutcome;
}

function table(type: ChannelType, cases: Case[]): void {
  describe(type, () => {
    it.each(cases)("$name", ({ status, body = "", headers = {}, expected }) => {
      const outcome = classifyChannelAnswer(type, { status, headers: new Headers(headers), body }, NOW_MS);
      expect(outcome).toEqual(expected);
    });
  });
}

const json = (value: unknown) => JSON.stringify(value);
const delivered: AttemptOutcome = { kind: "delivered" };
const permanent = (reason: string): AttemptOutcome => ({ kind: "permanent", reason });
const disabled = (reason: string): AttemptOutcome => ({ kind: "permanent", reason, disableIntegration: true });
type Retry = Extract<AttemptOutcome, { kind: "retry" }>;
const retry = (reason: string, retryAfterSeconds?: number): Retry =>
  retryAfterSeconds === undefined ? { kind: "retry", reason } : { kind: "retry", reason, retryAfterSeconds };
const rateLimited = (reason: string, retryAfterSeconds?: number): Retry => ({
  ...retry(reason, retryAfterSeconds),
  rateLimited: true,
});
const retryAfter = (value: string) => ({ "retry-after": value });
/** Splunk HEC's JSON answer: `{ text, code }`. */
const hec = (text: string, code: number) => json({ text, code });
/** Teams' (Power Automate's) JSON error. */
const teamsError = (code: string, message: string) => json({ error: { code, message } });
/** PagerDuty's answer to an invalid event. */
const invalidEvent = (error: string) =>
  json({ status: "invalid event", message: "Event object is invalid", errors: [error] });

// Slack answers a bare word; each of these words disables the integration (the webhook or its channel is gone).
const slackDisablingWords: [status: number, word: string][] = [
  [404, "no_service"],
  [404, "channel_not_found"],
  [410, "channel_is_archived"],
  [403, "action_prohibited"],
  [403, "invalid_token"],
  [404, "no_team"],
  [404, "team_disabled"],
];

table("slack", [
  { name: "200 ok is delivered", status: 200, body: "ok", expected: delivered },
  {
    name: "400 invalid_blocks is permanent with Slack's word",
    status: 400,
    body: "invalid_blocks",
    expected: permanent("Slack: invalid_blocks"),
  },
  {
    name: "400 invalid_payload is permanent",
    status: 400,
    body: "invalid_payload\n",
    expected: permanent("Slack: invalid_payload"),
  },
  { name: "any other 400 is permanent", status: 400, body: "no_text", expected: permanent("Slack: no_text") },
  ...slackDisablingWords.map(([status, word]) => ({
    name: `${status} ${word} disables`,
    status,
    body: word,
    expected: disabled(`Slack: ${word}`),
  })),
  {
    name: "posting_to_general_channel_denied disables whatever the status",
    status: 400,
    body: "posting_to_general_channel_denied",
    expected: disabled("Slack: posting_to_general_channel_denied"),
  },
  { name: "a bare 403 disables", status: 403, body: "", expected: disabled("Slack: HTTP 403") },
  {
    name: "429 is a rate-limited retry after Retry-After",
    status: 429,
    body: "rate_limited",
    headers: retryAfter("1"),
    expected: rateLimited("Slack: rate_limited (HTTP 429)", 1),
  },
  { name: "429 without Retry-After is still rate limited", status: 429, expected: rateLimited("Slack: HTTP 429") },
  {
    name: "500 rollup_error is retried",
    status: 500,
    body: "rollup_error",
    expected: retry("Slack: rollup_error (HTTP 500)"),
  },
  { name: "503 honours Retry-After", status: 503, headers: retryAfter("20"), expected: retry("Slack: HTTP 503", 20) },
  {
    name: "a redirect is retried, not followed, whatever page it carries",
    status: 302,
    body: "<html><body>Moved</body></html>",
    expected: retry("Slack: HTTP 302: redirects are not followed"),
  },
]);

table("msteams", [
  { name: "202 is delivered", status: 202, expected: delivered },
  { name: "200 is delivered", status: 200, expected: delivered },
  {
    name: "404 of a deleted workflow disables",
    status: 404,
    body: teamsError("WorkflowNotFound", "The workflow 'abc' could not be found."),
    expected: disabled("Teams: WorkflowNotFound: The workflow 'abc' could not be found."),
  },
  { name: "410 disables", status: 410, expected: disabled("Teams: HTTP 410") },
  {
    name: "401 of a stale signature disables",
    status: 401,
    body: teamsError("DirectApiInvalidAuthorizationSignature", "The provided sig is invalid."),
    expected: disabled("Teams: DirectApiInvalidAuthorizationSignature: The provided sig is invalid."),
  },
  {
    name: "403 is permanent but keeps the integration",
    status: 403,
    body: teamsError("WorkflowDisabled", "The workflow is disabled."),
    expected: permanent("Teams: WorkflowDisabled: The workflow is disabled. (HTTP 403)"),
  },
  {
    name: "413 too large is permanent",
    status: 413,
    body: "Request Entity too large",
    expected: permanent("Teams: Request Entity too large (HTTP 413)"),
  },
  {
    name: "400 is permanent",
    status: 400,
    body: teamsError("InvalidRequestContent", "The request content is not valid."),
    expected: permanent("Teams: InvalidRequestContent: The request content is not valid. (HTTP 400)"),
  },
  { name: "408 is retried", status: 408, expected: retry("Teams: HTTP 408") },
  {
    name: "429 is rate limited and honours Retry-After",
    status: 429,
    headers: retryAfter("Wed, 02 Dec 2026 12:00:30 GMT"),
    expected: rateLimited("Teams: HTTP 429", 30),
  },
  { name: "502 is retried", status: 502, expected: retry("Teams: HTTP 502") },
]);

table("discord", [
  { name: "204 is delivered", status: 204, expected: delivered },
  { name: "200 (wait=true) is delivered", status: 200, body: json({ id: "1" }), expected: delivered },
  {
    name: "404 Unknown Webhook disables",
    status: 404,
    body: json({ message: "Unknown Webhook", code: 10015 }),
    expected: disabled("Discord: Unknown Webhook (10015)"),
  },
  {
    name: "401 Invalid Webhook Token disables",
    status: 401,
    body: json({ message: "Invalid Webhook Token", code: 50027 }),
    expected: disabled("Discord: Invalid Webhook Token (50027)"),
  },
  {
    name: "400 Invalid Form Body is permanent and names the field",
    status: 400,
    body: json({
      message: "Invalid Form Body",
      code: 50035,
      errors: {
        embeds: {
          "0": { title: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: "Must be 256 or fewer in length." }] } },
        },
      },
    }),
    expected: permanent(
      "Discord: Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length. (HTTP 400)",
    ),
  },
  {
    name: "400 empty message is permanent",
    status: 400,
    body: json({ message: "Cannot send an empty message", code: 50006 }),
    expected: permanent("Discord: Cannot send an empty message (50006) (HTTP 400)"),
  },
  {
    name: "429 takes retry_after from the body, rounded up",
    status: 429,
    body: json({ message: "You are being rate limited.", retry_after: 1.337, global: false }),
    headers: retryAfter("5"),
    expected: rateLimited("Discord: You are being rate limited.", 2),
  },
  {
    name: "429 without a JSON body takes Retry-After",
    status: 429,
    body: "<html>slow down</html>",
    headers: retryAfter("7"),
    expected: rateLimited("Discord: <html>slow down</html>", 7),
  },
  {
    name: "429 with only X-RateLimit-Reset-After takes it, rounded up",
    status: 429,
    headers: { "x-ratelimit-reset-after": "0.4" },
    expected: rateLimited("Discord: HTTP 429", 1),
  },
  { name: "500 is retried", status: 500, expected: retry("Discord: HTTP 500") },
  {
    name: "403 is permanent without disabling",
    status: 403,
    body: json({ message: "Missing Permissions", code: 50013 }),
    expected: permanent("Discord: Missing Permissions (50013) (HTTP 403)"),
  },
]);

table("pagerduty", [
  {
    name: "202 is delivered",
    status: 202,
    body: json({ status: "success", message: "Event processed", dedup_key: "k" }),
    expected: delivered,
  },
  {
    name: "400 invalid event is permanent with PagerDuty's errors",
    status: 400,
    body: invalidEvent("'payload.severity' is invalid (must be one of: critical, error, warning, info)"),
    expected: permanent(
      "PagerDuty: Event object is invalid: 'payload.severity' is invalid (must be one of: critical, error, warning, info)",
    ),
  },
  {
    name: "400 about the routing key's length disables",
    status: 400,
    body: invalidEvent("Length of 'routing_key' is incorrect (should be 32 characters)"),
    expected: disabled(
      "PagerDuty: Event object is invalid: Length of 'routing_key' is incorrect (should be 32 characters)",
    ),
  },
  {
    name: "400 Invalid routing key (plain text) disables",
    status: 400,
    body: "Invalid routing key",
    expected: disabled("PagerDuty: Invalid routing key"),
  },
  {
    name: "429 is rate limited with a 30 s hint",
    status: 429,
    expected: rateLimited("PagerDuty: HTTP 429", PAGERDUTY_RATE_LIMIT_RETRY_SECONDS),
  },
  {
    name: "429 with a Retry-After prefers it",
    status: 429,
    headers: retryAfter("12"),
    expected: rateLimited("PagerDuty: HTTP 429", 12),
  },
  { name: "500 is retried", status: 500, expected: retry("PagerDuty: HTTP 500") },
  { name: "503 is retried", status: 503, expected: retry("PagerDuty: HTTP 503") },
]);

// Splunk HEC's answers that refuse the token: each disables the integration.
const hecDisablingAnswers: [status: number, text: string, code: number][] = [
  [401, "Token is required", 2],
  [401, "Invalid authorization", 3],
  [403, "Invalid token", 4],
  [403, "Token disabled", 1],
];

table("splunk_hec", [
  { name: "200 Success code 0 is delivered", status: 200, body: hec("Success", 0), expected: delivered },
  {
    name: "200 with another code is not success",
    status: 200,
    body: hec("HEC is healthy", 17),
    expected: permanent("Splunk HEC: HTTP 200 without success: HEC is healthy (code 17)"),
  },
  {
    name: "200 that is not HEC's JSON is not success",
    status: 200,
    body: "<html>login</html>",
    expected: permanent("Splunk HEC: HTTP 200 without success: <html>login</html>"),
  },
  {
    name: "400 No data is permanent",
    status: 400,
    body: hec("No data", 5),
    expected: permanent("Splunk HEC: No data (code 5) (HTTP 400)"),
  },
  {
    name: "400 Invalid data format is permanent",
    status: 400,
    body: json({ text: "Invalid data format", code: 6, "invalid-event-number": 0 }),
    expected: permanent("Splunk HEC: Invalid data format (code 6) (HTTP 400)"),
  },
  ...hecDisablingAnswers.map(([status, text, code]) => ({
    name: `${status} ${text} disables`,
    status,
    body: hec(text, code),
    expected: disabled(`Splunk HEC: ${text} (code ${code})`),
  })),
  {
    name: "503 Server is busy is retried after Retry-After",
    status: 503,
    body: hec("Server is busy", 9),
    headers: retryAfter("15"),
    expected: retry("Splunk HEC: Server is busy (code 9) (HTTP 503)", 15),
  },
  {
    name: "500 Internal server error is retried",
    status: 500,
    body: hec("Internal server error", 8),
    expected: retry("Splunk HEC: Internal server error (code 8) (HTTP 500)"),
  },
  {
    name: "a redirect is retried, not followed",
    status: 301,
    expected: retry("Splunk HEC: HTTP 301: redirects are not followed"),
  },
]);

describe("reasons", () => {
  it("are one line, capped near 200 characters of vendor text", () => {
    const outcome = classifyChannelAnswer(
      "slack",
      { status: 400, headers: new Headers(), body: `bad\n${"x".repeat(5000)}` },
      NOW_MS,
    );
    expect(outcome.kind).toBe("permanent");
    const reason = outcome.kind === "permanent" ? outcome.reason : "";
    expect(reason).not.toContain("\n");
    expect(reason.length).toBeLessThanOrEqual("Slack: ".length + 200);
  });

  it("blank a signature a vendor quotes back", () => {
    const body = JSON.stringify({
      error: { code: "AuthorizationFailed", message: "Bad URL /invoke?api-version=1&sig=SECRETSIG123&sv=1.0" },
    });
    const outcome = classifyChannelAnswer("msteams", { status: 401, headers: new Headers(), body }, NOW_MS);
    expect(JSON.stringify(outcome)).not.toContain("SECRETSIG123");
    expect(JSON.stringify(outcome)).toContain("sig=…");
  });
});
