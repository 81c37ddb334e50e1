// Splunk HTTP Event Collector at splunk.test:8088: POST /services/collector/event (also /services/collector and
// /services/collector/event/1.0), `Authorization: Splunk <token>`, a body of one or more concatenated JSON event
// objects (docs.splunk.com "Format events for HTTP Event Collector"). Every answer is {"text","code"}, with the
// statuses of the "Troubleshoot HTTP Event Collector" table: 200 Success (0); 401 Token is required (2), Invalid
// authorization (3); 403 Invalid token (4); 400 No data (5), Invalid data format (6), Event field is required (12),
// Event field cannot be blank (13), the last three with "invalid-event-number". By script: 403 Token disabled (1),
// 503 Server is busy (9), 500 Internal server error (8) (SPLUNK_HEC_ANSWERS).
// Tokens are GUIDs, as Splunk generates them: any GUID is a known token, anything else is an invalid one.
// GET /__events/<token> lists the events accepted. Key: the token.
import type { ReceivedCall, Step } from "../scenarios/scripted-receiver";
import { isRecord, jsonVerdict, type VendorFake, type Verdict } from "./vendor-kit";

export const SPLUNK_HEC_HOST = "splunk.test:8088";

const hecBody = (text: string, code: number) => JSON.stringify({ text, code });

export const SPLUNK_HEC_ANSWERS = {
  tokenDisabled: { status: 403, headers: { "content-type": "application/json" }, body: hecBody("Token disabled", 1) },
  serverBusy: {
    status: 503,
    headers: { "content-type": "application/json", "retry-after": "5" },
    body: hecBody("Server is busy", 9),
  },
  internalError: {
    status: 500,
    headers: { "content-type": "application/json" },
    body: hecBody("Internal server error", 8),
  },
} satisfies Record<string, Step>;

const COLLECTOR_PATH = /^\/services\/collector(?:\/event(?:\/1\.0)?)?\/?$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class SplunkHecFake implements VendorFake {
  private readonly eventsByToken = new Map<string, Record<string, unknown>[]>();

  keyOf(call: ReceivedCall): string {
    return /^Splunk (\S+)$/.exec(call.headers.authorization ?? "")?.[1] ?? "";
  }

  inspect(name: string, key: string): unknown {
    return name === "events" ? this.events(key) : undefined;
  }

  /** Every event the token's requests delivered, in order. */
  events(token: string): Record<string, unknown>[] {
    return this.eventsByToken.get(token) ?? [];
  }

  answer(call: ReceivedCall, url: URL, token: string): Verdict {
    if (!COLLECTOR_PATH.test(url.pathname)) {
      return hec("The requested URL was not found on this server.", 404, 404);
    }
    if (call.method !== "POST") return hec("The requested URL was not found on this server.", 404, 404);
    const authorization = call.headers.authorization;
    if (authorization === undefined) return hec("Token is required", 2, 401);
    if (token === "") return hec("Invalid authorization", 3, 401);
    if (!GUID.test(token)) return hec("Invalid token", 4, 403);
    if (call.body.trim() === "") return hec("No data", 5, 400);
    const events = splitConcatenatedJson(call.body);
    for (const [index, event] of events.entries()) {
      if (event === undefined || !isRecord(event)) return hec("Invalid data format", 6, 400, index);
      if (!("event" in event)) return hec("Event field is required", 12, 400, index);
      if (event.event === "" || event.event === null) return hec("Event field cannot be blank", 13, 400, index);
    }
    const kept = this.eventsByToken.get(token) ?? [];
    kept.push(...(events as Record<string, unknown>[]));
    this.eventsByToken.set(token, kept);
    return hec("Success", 0, 200);
  }
}

function hec(text: string, code: number, status: number, invalidEventNumber?: number): Verdict {
  const body =
    invalidEventNumber === undefined ? { text, code } : { text, code, "invalid-event-number": invalidEventNumber };
  return jsonVerdict(body, status, status === 200 ? {} : { reason: text });
}

/**
 * The JSON values of a body of concatenated objects (`{...}{...}` or separated by whitespace); a value that does not
 * parse is undefined and ends the list, as HEC stops at the first event it cannot read.
 */
export function splitConcatenatedJson(body: string): unknown[] {
  const values: unknown[] = [];
  let index = 0;
  while (index < body.length) {
    while (index < body.length && /\s/.test(body[index] ?? "")) index += 1;
    if (index >= body.length) break;
    const end = endOfObject(body, index);
    if (end === undefined) {
      values.push(undefined);
      break;
    }
    try {
      values.push(JSON.parse(body.slice(index, end)));
    } catch {
      values.push(undefined);
      break;
    }
    index = end;
  }
  return values;
}

/** Where the object starting at `start` ends (exclusive), tracking strings and nesting; undefined if it does not. */
function endOfObject(text: string, start: number): number | undefined {
  if (text[start] !== "{") return undefined;
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return index + 1;
    }
  }
  return undefined;
}
