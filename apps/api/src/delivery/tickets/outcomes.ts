// What a ticketing vendor's answer comes to, and which ticket an answer to an open call names. Per the vendors' docs:
// Jira Cloud (developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes, .../rate-limiting): errors are
// {"errorMessages":[...],"errors":{field: message}}, 429 carries Retry-After; Jira Service Management's are
// {"errorMessage","i18nErrorMessage"}; ServiceNow's Table API answers {"error":{"message","detail"},"status":"failure"}.
// 401 (credentials refused) and 403 (the account may not do this) stay so until a human fixes the integration, so
// they disable it like a 410. 400 and 422 are the request itself: that notification fails for good.
import type { AttemptOutcome } from "../../ports";
import { common, isRecord, parseJson, rateLimited, type VendorAnswer, vendorText } from "../channels/outcomes";
import { parseRetryAfter } from "../retry-policy";
import type { TicketingType, TicketRef } from "./render";

export const VENDOR_NAMES: Record<TicketingType, string> = {
  jira: "Jira",
  jsd: "Jira Service Management",
  snow: "ServiceNow",
};

export function classifyTicketAnswer(type: TicketingType, answer: VendorAnswer, nowMs: number): AttemptOutcome {
  const vendor = VENDOR_NAMES[type];
  if (answer.status >= 200 && answer.status <= 299) return { kind: "delivered" };
  const detail = ticketError(answer.body);
  const said = `${vendor}: ${detail || `HTTP ${answer.status}`}`;
  if (answer.status === 401 || answer.status === 403) {
    return { kind: "permanent", reason: `${said} (HTTP ${answer.status})`, disableIntegration: true };
  }
  if (answer.status === 400 || answer.status === 422 || answer.status === 404) {
    return { kind: "permanent", reason: `${said} (HTTP ${answer.status})` };
  }
  if (answer.status === 429) {
    return rateLimited(`${said} (HTTP 429)`, parseRetryAfter(answer.headers.get("retry-after"), nowMs));
  }
  return common(vendor, answer, nowMs, detail);
}

/** The vendor's own words from any of the three error shapes; otherwise the body as text. */
export function ticketError(body: string): string {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return vendorText(body);
  const parts: string[] = [];
  if (Array.isArray(parsed.errorMessages))
    parts.push(...parsed.errorMessages.filter((message): message is string => typeof message === "string"));
  if (isRecord(parsed.errors))
    for (const [field, message] of Object.entries(parsed.errors))
      if (typeof message === "string") parts.push(`${field}: ${message}`);
  if (typeof parsed.errorMessage === "string") parts.push(parsed.errorMessage);
  if (isRecord(parsed.error)) {
    const { message, detail } = parsed.error;
    parts.push([message, detail].filter((part) => typeof part === "string" && part !== "").join(": "));
  }
  if (typeof parsed.message === "string") parts.push(parsed.message);
  return vendorText(parts.filter((part) => part !== "").join("; "));
}

/** The ticket an answer to an open call names: Jira {id, key}, JSM {issueId, issueKey}, ServiceNow {result}. */
export function openedTicket(type: TicketingType, body: string): TicketRef | undefined {
  const parsed = parseJson(body);
  if (!isRecord(parsed)) return undefined;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  const ref = (key: unknown, id: unknown) => {
    const [k, i] = [text(key), text(id)];
    return k && i ? { key: k, id: i } : undefined;
  };
  switch (type) {
    case "jira":
      return ref(parsed.key, parsed.id);
    case "jsd":
      return ref(parsed.issueKey, parsed.issueId);
    case "snow":
      return isRecord(parsed.result) ? ref(parsed.result.number, parsed.result.sys_id) : undefined;
  }
}
