// ServiceNow's Table API for incidents at any *.service-now.com instance (docs.servicenow.com "Table API":
// POST /api/now/table/{table}, PATCH|DELETE /api/now/table/{table}/{sys_id}), as Herald uses it. HTTP Basic (a
// password beginning "wrong" is refused) or `Authorization: Bearer <token>` (a token beginning "expired" is refused):
// 401 {"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"}.
// Bodies are JSON objects; fields the table does not have are ignored, as ServiceNow ignores them, and string fields
// longer than their column are cut (short_description 160, correlation_id 100). `state` is one of the incident states
// (1 New, 2 In Progress, 3 On Hold, 6 Resolved, 7 Closed, 8 Canceled); resolving needs close_code and close_notes
// (the default data policy: 403 "Data Policy Exception"). `work_notes` are journal entries, appended.
// Answers {"result": the record}, only `sysparm_fields` when asked; 404 {"error":{"message":"No Record found",...}}.
//   GET /__incidents/<user or token>   the incidents the credentials opened, with their work notes.
// Key: the Basic user name, or the bearer token.
import type { ReceivedCall } from "../scenarios/scripted-receiver";
import { isJsonContentType, isRecord, jsonVerdict, parseJson, type VendorFake, type Verdict } from "./vendor-kit";

export const SNOW_HOST = "herald-test.service-now.com";

export interface SnowIncident {
  sys_id: string;
  number: string;
  short_description: string;
  description: string;
  urgency: string;
  impact: string;
  state: string;
  correlation_id: string;
  close_code: string;
  close_notes: string;
  work_notes: string[];
  deleted: boolean;
}

const STATES = new Set(["1", "2", "3", "6", "7", "8"]);
const LENGTHS: Record<string, number> = {
  short_description: 160,
  correlation_id: 100,
  close_code: 40,
  description: 4000,
};
const FIELDS = [
  "short_description",
  "description",
  "urgency",
  "impact",
  "state",
  "correlation_id",
  "close_code",
  "close_notes",
] as const;

const failure = (status: number, message: string, detail: string) =>
  jsonVerdict({ error: { message, detail }, status: "failure" }, status, { reason: `${message}: ${detail}` });

function credentials(call: ReceivedCall): { key: string; ok: boolean } | undefined {
  const header = call.headers.authorization ?? "";
  const bearer = /^Bearer (\S+)$/.exec(header)?.[1];
  if (bearer) return { key: bearer, ok: !bearer.startsWith("expired") };
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header)?.[1];
  if (!encoded) return undefined;
  const text = atob(encoded);
  const colon = text.indexOf(":");
  if (colon < 1) return undefined;
  return { key: text.slice(0, colon), ok: !text.slice(colon + 1).startsWith("wrong") };
}

export class ServiceNowFake implements VendorFake {
  private readonly byKey = new Map<string, SnowIncident[]>();
  private count = 10_000;

  keyOf(call: ReceivedCall): string {
    return credentials(call)?.key ?? "";
  }

  inspect(name: string, key: string): unknown {
    return name === "incidents" ? this.incidents(key) : undefined;
  }

  incidents(key: string): SnowIncident[] {
    return this.byKey.get(key) ?? [];
  }

  answer(call: ReceivedCall, url: URL, key: string): Verdict {
    const auth = credentials(call);
    if (!auth?.ok) return failure(401, "User Not Authenticated", "Required to provide Auth information");
    const match = /^\/api\/now\/table\/([a-z_]+)(?:\/([0-9a-f]{32}|[^/]+))?$/.exec(url.pathname);
    if (!match) return failure(400, "Requested URI does not represent any resource", url.pathname);
    const [, table, sysId] = match;
    if (table !== "incident") return failure(400, "Invalid table", table ?? "");
    const fields = url.searchParams.get("sysparm_fields")?.split(",");
    if (call.method === "DELETE" && sysId) return this.delete(key, sysId);
    if (call.method !== "POST" && call.method !== "PATCH" && call.method !== "PUT")
      return failure(405, "Method not Supported", `${call.method} is not supported`);
    if (!isJsonContentType(call.headers)) return failure(415, "Unsupported Media Type", "Content-Type must be JSON");
    const parsed = parseJson(call.body);
    if (!parsed.ok || !isRecord(parsed.value))
      return failure(400, "Exception while reading request", "The payload is not valid JSON.");
    const body = parsed.value;
    if (typeof body.state === "string" && !STATES.has(body.state)) return failure(400, "Invalid state", body.state);
    if (call.method === "POST") {
      if (sysId) return failure(400, "Invalid request", "POST takes no sys_id");
      return this.create(key, body, fields);
    }
    const incident = sysId ? this.find(key, sysId) : undefined;
    if (!incident) return failure(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
    return this.update(incident, body, fields, 200);
  }

  private find(key: string, sysId: string): SnowIncident | undefined {
    return this.incidents(key).find((incident) => incident.sys_id === sysId && !incident.deleted);
  }

  private create(key: string, body: Record<string, unknown>, fields: string[] | undefined): Verdict {
    const incidents = this.byKey.get(key) ?? [];
    this.byKey.set(key, incidents);
    this.count += 1;
    const incident: SnowIncident = {
      sys_id: crypto.randomUUID().replaceAll("-", ""),
      number: `INC00${this.count}`,
      short_description: "",
      description: "",
      urgency: "3",
      impact: "3",
      state: "1",
      correlation_id: "",
      close_code: "",
      close_notes: "",
      work_notes: [],
      deleted: false,
    };
    const verdict = this.update(incident, body, fields, 201);
    if (verdict.status === 201) incidents.push(incident);
    return verdict;
  }

  private update(
    incident: SnowIncident,
    body: Record<string, unknown>,
    fields: string[] | undefined,
    status: number,
  ): Verdict {
    const next = { ...incident };
    for (const field of FIELDS) {
      const value = body[field];
      if (typeof value === "string" || typeof value === "number")
        next[field] = String(value).slice(0, LENGTHS[field] ?? 4000);
    }
    if (next.state === "6" && (next.close_code === "" || next.close_notes === "")) {
      return failure(
        403,
        "Operation Failed",
        "Data Policy Exception: The following fields are mandatory: Resolution code, Resolution notes",
      );
    }
    Object.assign(incident, next);
    if (typeof body.work_notes === "string" && body.work_notes !== "") incident.work_notes.push(body.work_notes);
    const record: Record<string, unknown> = { ...incident, work_notes: "" };
    delete record.deleted;
    const result = fields ? Object.fromEntries(fields.map((name) => [name, record[name] ?? ""])) : record;
    return jsonVerdict({ result }, status);
  }

  private delete(key: string, sysId: string): Verdict {
    const incident = this.find(key, sysId);
    if (!incident) return failure(404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval");
    incident.deleted = true;
    return { status: 204, accepted: true };
  }
}
