// PagerDuty Events API v2 at events.pagerduty.com and events.eu.pagerduty.com: POST /v2/enqueue
// (developer.pagerduty.com/docs/events-api-v2/trigger-events and /overview). 202 {"status":"success",
// "message":"Event processed","dedup_key"}; 400 {"status":"invalid event","message":"Event object is invalid",
// "errors":[...]} naming every rule broken, in PagerDuty's wording where known (routing_key of 32 alphanumerics,
// event_action, dedup_key ≤ 255, and for trigger payload.summary ≤ 1,024, payload.source, payload.severity);
// and, by script, 400 "Invalid routing key" for a key that names no integration (PAGERDUTY_ANSWERS.unknownKey).
// Rate limit (events-api-v2/rate-limits: about 120 calls a minute per integration key, over a look-back minute):
// beyond it 429, with no Retry-After, as PagerDuty.
// Alerts follow the documented de-duplication: a trigger opens an alert for its dedup_key or adds to the open one;
// acknowledge and resolve apply to the open alert and are dropped (still 202) when there is none; a trigger after a
// resolve opens a new alert. GET /__incidents/<routing_key> lists them. Key: the routing key.
import type { ReceivedCall, Step } from "../scenarios/scripted-receiver";
import {
  type Clock,
  isRecord,
  jsonVerdict,
  parseJson,
  SlidingWindows,
  type VendorFake,
  type Verdict,
} from "./vendor-kit";

export const PAGERDUTY_HOST = "events.pagerduty.com";
export const PAGERDUTY_HOSTS = new Set(["events.pagerduty.com", "events.eu.pagerduty.com"]);
export const PAGERDUTY_RATE_LIMIT = { limit: 120, windowMs: 60_000 };

export const PAGERDUTY_ANSWERS = {
  unknownKey: { status: 400, headers: { "content-type": "text/plain" }, body: "Invalid routing key" },
  serverError: { status: 500, body: "" },
} satisfies Record<string, Step>;

const SEVERITIES = ["critical", "error", "warning", "info"];
const ACTIONS = ["trigger", "acknowledge", "resolve"];

export interface PagerDutyAlert {
  dedupKey: string;
  status: "triggered" | "acknowledged" | "resolved";
  summary: string;
  severity: string;
  source: string;
  /** Every event applied to the alert, in order. */
  events: Array<{ action: string; at: number }>;
}

export class PagerDutyFake implements VendorFake {
  private readonly windows = new SlidingWindows(PAGERDUTY_RATE_LIMIT.limit, PAGERDUTY_RATE_LIMIT.windowMs);
  private readonly alertsByKey = new Map<string, PagerDutyAlert[]>();

  constructor(private readonly now: Clock) {}

  keyOf(call: ReceivedCall): string {
    const parsed = parseJson(call.body);
    return parsed.ok && isRecord(parsed.value) && typeof parsed.value.routing_key === "string"
      ? parsed.value.routing_key
      : "";
  }

  inspect(name: string, key: string): unknown {
    return name === "incidents" ? this.alerts(key) : undefined;
  }

  /** Every alert the routing key's events opened, oldest first. */
  alerts(routingKey: string): PagerDutyAlert[] {
    return this.alertsByKey.get(routingKey) ?? [];
  }

  answer(call: ReceivedCall, url: URL, key: string): Verdict {
    if (!/^\/v2\/enqueue\/?$/.test(url.pathname))
      return jsonVerdict({ status: "not found", message: "Not Found" }, 404);
    if (call.method !== "POST") return jsonVerdict({ status: "invalid request", message: "Method Not Allowed" }, 405);
    const parsed = parseJson(call.body);
    if (!parsed.ok || !isRecord(parsed.value)) return invalid(["Event object must be valid JSON"]);
    const event = parsed.value;
    const errors = eventErrors(event);
    if (errors.length > 0) return invalid(errors);
    const nowMs = this.now();
    if (!this.windows.take(key, nowMs)) {
      return jsonVerdict(
        {
          status: "throttle event",
          message: "Requests for this service are arriving too quickly. Please retry later.",
        },
        429,
        { reason: "rate limited" },
      );
    }
    const dedupKey = typeof event.dedup_key === "string" ? event.dedup_key : crypto.randomUUID().replaceAll("-", "");
    this.apply(key, dedupKey, event, nowMs);
    return jsonVerdict({ status: "success", message: "Event processed", dedup_key: dedupKey }, 202);
  }

  private apply(routingKey: string, dedupKey: string, event: Record<string, unknown>, at: number): void {
    const alerts = this.alertsByKey.get(routingKey) ?? [];
    this.alertsByKey.set(routingKey, alerts);
    const open = alerts.find((alert) => alert.dedupKey === dedupKey && alert.status !== "resolved");
    const action = String(event.event_action);
    if (action === "trigger") {
      const payload = event.payload as Record<string, unknown>;
      if (open) {
        open.events.push({ action, at });
        return;
      }
      alerts.push({
        dedupKey,
        status: "triggered",
        summary: String(payload.summary),
        severity: String(payload.severity),
        source: String(payload.source),
        events: [{ action, at }],
      });
      return;
    }
    // Acknowledge or resolve without an open alert: dropped, as PagerDuty drops them.
    if (!open) return;
    open.status = action === "resolve" ? "resolved" : "acknowledged";
    open.events.push({ action, at });
  }
}

function invalid(errors: string[]): Verdict {
  return jsonVerdict({ status: "invalid event", message: "Event object is invalid", errors }, 400, {
    reason: errors.join("; "),
  });
}

function eventErrors(event: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const { routing_key: routingKey, event_action: action, dedup_key: dedupKey, payload } = event;
  if (typeof routingKey !== "string" || routingKey === "") {
    errors.push("'routing_key' is missing or blank");
  } else {
    if (routingKey.length !== 32) errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
    if (!/^[A-Za-z0-9]*$/.test(routingKey)) errors.push("'routing_key' cannot contain non-alphanumeric characters.");
  }
  if (typeof action !== "string" || !ACTIONS.includes(action)) {
    errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  }
  if (dedupKey !== undefined && (typeof dedupKey !== "string" || dedupKey.length > 255)) {
    errors.push("'dedup_key' is invalid (must be a string of at most 255 characters)");
  }
  if ((action === "acknowledge" || action === "resolve") && (typeof dedupKey !== "string" || dedupKey === "")) {
    errors.push("'dedup_key' is missing or blank");
  }
  if (action === "trigger") {
    if (!isRecord(payload)) {
      errors.push("'payload' is missing or blank");
      return errors;
    }
    const { summary, source, severity } = payload;
    if (typeof summary !== "string" || summary.trim() === "") errors.push("'payload.summary' is missing or blank");
    else if (summary.length > 1024) errors.push("'payload.summary' is too long (maximum is 1024 characters)");
    if (typeof source !== "string" || source.trim() === "") errors.push("'payload.source' is missing or blank");
    if (typeof severity !== "string" || !SEVERITIES.includes(severity)) {
      errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
    }
  }
  return errors;
}
