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
const disabled = (reason: string): AttemptOutcome => ({ kind: "permanent", reason, disableIntegration: true });

table("slack", [
  { name: "200 ok is delivered", status: 200, body: "ok", expected: { kind: "delivered" } },
  {
    name: "400 invalid_blocks is permanent with Slack's word",
    status: 400,
    body: "invalid_blocks",
    expected: { kind: "permanent", reason: "Slack: invalid_blocks" },
  },
  {
    name: "400 invalid_payload is permanent",
    status: 400,
    body: "invalid_payload\n",
    expected: { kind: "permanent", reason: "Slack: invalid_payload" },
  },
  {
    name: "any other 400 is permanent",
    status: 400,
    body: "no_text",
    expected: { kind: "permanent", reason: "Slack: no_text" },
  },
  { name: "404 no_service disables", status: 404, body: "no_service", expected: disabled("Slack: no_service") },
  {
    name: "404 channel_not_found disables",
    status: 404,
    body: "channel_not_found",
    expected: disabled("Slack: channel_not_found"),
  },
  {
    name: "410 channel_is_archived disables",
    status: 410,
    body: "channel_is_archived",
    expected: disabled("Slack: channel_is_archived"),
  },
  {
    name: "403 action_prohibited disables",
    status: 403,
    body: "action_prohibited",
    expected: disabled("Slack: action_prohibited"),
  },
  {
    name: "403 invalid_token disables",
    status: 403,
    body: "invalid_token",
    expected: disabled("Slack: invalid_token"),
  },
  {
    name: "posting_to_general_channel_denied disables whatever the status",
    status: 400,
    body: "posting_to_general_channel_denied",
    expected: disabled("Slack: posting_to_general_channel_denied"),
  },
  { name: "no_team disables", status: 404, body: "no_team", expected: disabled("Slack: no_team") },
  { name: "team_disabled disables", status: 404, body: "team_disabled", expected: disabled("Slack: team_disabled") },
  { name: "a bare 403 disables", status: 403, body: "", expected: disabled("Slack: HTTP 403") },
  {
    name: "429 is a rate-limited retry after Retry-After",
    status: 429,
    body: "rate_limited",
    headers: { "retry-after": "1" },
    expected: { kind: "retry", reason: "Slack: rate_limited (HTTP 429)", rateLimited: true, retryAfterSeconds: 1 },
  },
  {
    name: "429 without Retry-After is still rate limited",
    status: 429,
    expected: { kind: "retry", reason: "Slack: HTTP 429", rateLimited: true },
  },
  {
    name: "500 rollup_error is retried",
    status: 500,
    body: "rollup_error",
    expected: { kind: "retry", reason: "Slack: rollup_error (HTTP 500)" },
  },
  {
    name: "503 honours Retry-After",
    status: 503,
    headers: { "retry-after": "20" },
    expected: { kind: "retry", reason: "Slack: HTTP 503", retryAfterSeconds: 20 },
  },
  {
    name: "a redirect is retried, not followed, whatever page it carries",
    status: 302,
    body: "<html><body>Moved</body></html>",
    expected: { kind: "retry", reason: "Slack: HTTP 302: redirects are not followed" },
  },
]);

table("msteams", [
  { name: "202 is delivered", status: 202, expected: { kind: "delivered" } },
  { name: "200 is delivered", status: 200, expected: { kind: "delivered" } },
  {
    name: "404 of a deleted workflow disables",
    status: 404,
    body: json({ error: { code: "WorkflowNotFound", message: "The workflow 'abc' could not be found." } }),
    expected: disabled("Teams: WorkflowNotFound: The workflow 'abc' could not be found."),
  },
  { name: "410 disables", status: 410, expected: disabled("Teams: HTTP 410") },
  {
    name: "401 of a stale signature disables",
    status: 401,
    body: json({ error: { code: "DirectApiInvalidAuthorizationSignature", message: "The provided sig is invalid." } }),
    expected: disabled("Teams: DirectApiInvalidAuthorizationSignature: The provided sig is invalid."),
  },
  {
    name: "403 is permanent but keeps the integration",
    status: 403,
    body: json({ error: { code: "WorkflowDisabled", message: "The workflow is disabled." } }),
    expected: { kind: "permanent", reason: "Teams: WorkflowDisabled: The workflow is disabled. (HTTP 403)" },
  },
  {
    name: "413 too large is permanent",
    status: 413,
    body: "Request Entity too large",
    expected: { kind: "permanent", reason: "Teams: Request Entity too large (HTTP 413)" },
  },
  {
    name: "400 is permanent",
    status: 400,
    body: json({ error: { code: "InvalidRequestContent", message: "The request content is not valid." } }),
    expected: {
      kind: "permanent",
      reason: "Teams: InvalidRequestContent: The request content is not valid. (HTTP 400)",
    },
  },
  { name: "408 is retried", status: 408, expected: { kind: "retry", reason: "Teams: HTTP 408" } },
  {
    name: "429 is rate limited and honours Retry-After",
    status: 429,
    headers: { "retry-after": "Wed, 02 Dec 2026 12:00:30 GMT" },
    expected: { kind: "retry", reason: "Teams: HTTP 429", rateLimited: true, retryAfterSeconds: 30 },
  },
  { name: "502 is retried", status: 502, expected: { kind: "retry", reason: "Teams: HTTP 502" } },
]);

table("discord", [
  { name: "204 is delivered", status: 204, expected: { kind: "delivered" } },
  { name: "200 (wait=true) is delivered", status: 200, body: json({ id: "1" }), expected: { kind: "delivered" } },
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
    expected: {
      kind: "permanent",
      reason: "Discord: Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length. (HTTP 400)",
    },
  },
  {
    name: "400 empty message is permanent",
    status: 400,
    body: json({ message: "Cannot send an empty message", code: 50006 }),
    expected: { kind: "permanent", reason: "Discord: Cannot send an empty message (50006) (HTTP 400)" },
  },
  {
    name: "429 takes retry_after from the body, rounded up",
    status: 429,
    body: json({ message: "You are being rate limited.", retry_after: 1.337, global: false }),
    headers: { "retry-after": "5" },
    expected: {
      kind: "retry",
      reason: "Discord: You are being rate limited.",
      rateLimited: true,
      retryAfterSeconds: 2,
    },
  },
  {
    name: "429 without a JSON body takes Retry-After",
    status: 429,
    body: "<html>slow down</html>",
    headers: { "retry-after": "7" },
    expected: { kind: "retry", reason: "Discord: <html>slow down</html>", rateLimited: true, retryAfterSeconds: 7 },
  },
  {
    name: "429 with only X-RateLimit-Reset-After takes it, rounded up",
    status: 429,
    headers: { "x-ratelimit-reset-after": "0.4" },
    expected: { kind: "retry", reason: "Discord: HTTP 429", rateLimited: true, retryAfterSeconds: 1 },
  },
  { name: "500 is retried", status: 500, expected: { kind: "retry", reason: "Discord: HTTP 500" } },
  {
    name: "403 is permanent without disabling",
    status: 403,
    body: json({ message: "Missing Permissions", code: 50013 }),
    expected: { kind: "permanent", reason: "Discord: Missing Permissions (50013) (HTTP 403)" },
  },
]);

table("pagerduty", [
  {
    name: "202 is delivered",
    status: 202,
    body: json({ status: "success", message: "Event processed", dedup_key: "k" }),
    expected: { kind: "delivered" },
  },
  {
    name: "400 invalid event is permanent with PagerDuty's errors",
    status: 400,
    body: json({
      status: "invalid event",
      message: "Event object is invalid",
      errors: ["'payload.severity' is invalid (must be one of: critical, error, warning, info)"],
    }),
    expected: {
      kind: "permanent",
      reason:
        "PagerDuty: Event object is invalid: 'payload.severity' is invalid (must be one of: critical, error, warning, info)",
    },
  },
  {
    name: "400 about the routing key's length disables",
    status: 400,
    body: json({
      status: "invalid event",
      message: "Event object is invalid",
      errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
    }),
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
    expected: {
      kind: "retry",
      reason: "PagerDuty: HTTP 429",
      rateLimited: true,
      retryAfterSeconds: PAGERDUTY_RATE_LIMIT_RETRY_SECONDS,
    },
  },
  {
    name: "429 with a Retry-After prefers it",
    status: 429,
    headers: { "retry-after": "12" },
    expected: { kind: "retry", reason: "PagerDuty: HTTP 429", rateLimited: true, retryAfterSeconds: 12 },
  },
  { name: "500 is retried", status: 500, expected: { kind: "retry", reason: "PagerDuty: HTTP 500" } },
  { name: "503 is retried", status: 503, expected: { kind: "retry", reason: "PagerDuty: HTTP 503" } },
]);

table("splunk_hec", [
  {
    name: "200 Success code 0 is delivered",
    status: 200,
    body: json({ text: "Success", code: 0 }),
    expected: { kind: "delivered" },
  },
  {
    name: "200 with another code is not success",
    status: 200,
    body: json({ text: "HEC is healthy", code: 17 }),
    expected: { kind: "permanent", reason: "Splunk HEC: HTTP 200 without success: HEC is healthy (code 17)" },
  },
  {
    name: "200 that is not HEC's JSON is not success",
    status: 200,
    body: "<html>login</html>",
    expected: { kind: "permanent", reason: "Splunk HEC: HTTP 200 without success: <html>login</html>" },
  },
  {
    name: "400 No data is permanent",
    status: 400,
    body: json({ text: "No data", code: 5 }),
    expected: { kind: "permanent", reason: "Splunk HEC: No data (code 5) (HTTP 400)" },
  },
  {
    name: "400 Invalid data format is permanent",
    status: 400,
    body: json({ text: "Invalid data format", code: 6, "invalid-event-number": 0 }),
    expected: { kind: "permanent", reason: "Splunk HEC: Invalid data format (code 6) (HTTP 400)" },
  },
  {
    name: "401 Token is required disables",
    status: 401,
    body: json({ text: "Token is required", code: 2 }),
    expected: disabled("Splunk HEC: Token is required (code 2)"),
  },
  {
    name: "401 Invalid authorization disables",
    status: 401,
    body: json({ text: "Invalid authorization", code: 3 }),
    expected: disabled("Splunk HEC: Invalid authorization (code 3)"),
  },
  {
    name: "403 Invalid token disables",
    status: 403,
    body: json({ text: "Invalid token", code: 4 }),
    expected: disabled("Splunk HEC: Invalid token (code 4)"),
  },
  {
    name: "403 Token disabled disables",
    status: 403,
    body: json({ text: "Token disabled", code: 1 }),
    expected: disabled("Splunk HEC: Token disabled (code 1)"),
  },
  {
    name: "503 Server is busy is retried after Retry-After",
    status: 503,
    body: json({ text: "Server is busy", code: 9 }),
    headers: { "retry-after": "15" },
    expected: { kind: "retry", reason: "Splunk HEC: Server is busy (code 9) (HTTP 503)", retryAfterSeconds: 15 },
  },
  {
    name: "500 Internal server error is retried",
    status: 500,
    body: json({ text: "Internal server error", code: 8 }),
    expected: { kind: "retry", reason: "Splunk HEC: Internal server error (code 8) (HTTP 500)" },
  },
  {
    name: "a redirect is retried, not followed",
    status: 301,
    expected: { kind: "retry", reason: "Splunk HEC: HTTP 301: redirects are not followed" },
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
