// The HTTP requests a ticketing integration makes for one notification: open a ticket (a Jira issue, a Jira Service
// Management request, a ServiceNow incident), or follow up on the one its incident already has (a comment, work
// notes, a resolution). Pure: no clock, no I/O; `integration` has its secrets opened.
//
// Jira Cloud REST API v3: POST /rest/api/3/issue {fields: {project, issuetype, summary, description (ADF), ...}} →
//   201 {id, key, self}; POST /rest/api/3/issue/{key}/comment {body: ADF} → 201.
// Jira Service Management: POST /rest/servicedeskapi/request {serviceDeskId, requestTypeId, requestFieldValues:
//   {summary, description}} → 201 {issueId, issueKey, ...}; POST /rest/servicedeskapi/request/{key}/comment
//   {body, public} → 201.
// ServiceNow Table API: POST /api/now/table/incident → 201 {result: {sys_id, number, ...}}; PATCH
//   /api/now/table/incident/{sys_id} → 200 {result}. `sysparm_fields` keeps the answers to what Herald reads.
import type { IntegrationRow } from "@herald/db";
import { type Digest, digest, displayTime, summaryBeyondTitle } from "../channels/digest";
import type { NotificationView, RenderOptions, Severity } from "../channels/message";
import { DEFAULT_RESOLVE_WHEN } from "../channels/render-pagerduty";
import { truncate } from "../channels/truncate";
import { USER_AGENT } from "../webhook";

export const TICKETING_TYPES = ["jira", "jsd", "snow"] as const;
export type TicketingType = (typeof TICKETING_TYPES)[number];
export type TicketingRow = IntegrationRow & { type: TicketingType };

export function isTicketing(integration: Pick<IntegrationRow, "type">): integration is TicketingRow {
  return (TICKETING_TYPES as readonly string[]).includes(integration.type);
}

/** A ticket as its vendor names it: a key people read (`SEC-12`, `INC0010001`) and the id its API takes. */
export interface TicketRef {
  key: string;
  id: string;
}

export interface TicketRequest {
  url: string;
  method: "POST" | "PATCH";
  headers: Record<string, string>;
  body: string;
}

export const TICKET_LIMITS = {
  /** Jira's summary field: at most 255 characters. */
  jiraSummary: 255,
  /** Jira's labels: at most 255 characters, no spaces. */
  jiraLabel: 255,
  /** ServiceNow's incident.short_description is a 160-character string field. */
  snowShortDescription: 160,
  /** ServiceNow's incident.correlation_id is a 100-character string field. */
  snowCorrelationId: 100,
  /** Jira's rich-text fields hold at most 32,767 characters; the text Herald writes stays well under. */
  text: 30_000,
} as const;

/** ServiceNow's "Resolved" incident state, and the resolution code Herald closes with. */
export const SNOW_RESOLVED_STATE = "6";
export const SNOW_CLOSE_CODE = "Solution provided";

/** Whether a notification says its incident is over: `status` closed, resolved, complete or completed. */
export function closesIncident(view: NotificationView): boolean {
  const said = [view.notificationData.status, view.payload.status];
  return said.some(
    (value) => typeof value === "string" && DEFAULT_RESOLVE_WHEN.values.includes(value.trim().toLowerCase()),
  );
}

/** The label that finds an incident's issues in Jira (`labels = herald-<incident key>`), e.g. after a duplicate. */
export function incidentLabel(incidentKey: string): string {
  return truncate(`herald-${incidentKey.replace(/\s+/g, "_")}`, TICKET_LIMITS.jiraLabel);
}

function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

function authorization(integration: TicketingRow): string {
  const { config, secrets } = integration;
  if (integration.type === "snow") {
    return secrets.auth_header ?? basicAuth(String(config.username ?? ""), secrets.password ?? "");
  }
  return basicAuth(String(config.email ?? ""), secrets.api_token ?? "");
}

function request(
  integration: TicketingRow,
  method: TicketRequest["method"],
  path: string,
  body: unknown,
): TicketRequest {
  return {
    url: `${integration.targetUrl}${path}`,
    method,
    headers: {
      accept: "application/json",
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      authorization: authorization(integration),
    },
    body: JSON.stringify(body),
  };
}

const SNOW_FIELDS = "?sysparm_fields=sys_id,number";

/** The request that opens a ticket for the notification. */
export function openTicketRequest(
  integration: TicketingRow,
  view: NotificationView,
  options: RenderOptions,
  incidentKey: string | undefined,
): TicketRequest {
  const seen = digest(view, options);
  const { config } = integration;
  switch (integration.type) {
    case "jira": {
      const project = String(config.project ?? "");
      const fields: Record<string, unknown> = {
        project: /^\d+$/.test(project) ? { id: project } : { key: project },
        issuetype: { name: typeof config.issue_type === "string" ? config.issue_type : "Task" },
        summary: truncate(seen.title, TICKET_LIMITS.jiraSummary),
        description: adfDocument(view, seen),
        ...(typeof config.reporter_id === "string" ? { reporter: { id: config.reporter_id } } : {}),
        ...(incidentKey === undefined ? {} : { labels: [incidentLabel(incidentKey)] }),
      };
      return request(integration, "POST", "/rest/api/3/issue", { fields });
    }
    case "jsd":
      return request(integration, "POST", "/rest/servicedeskapi/request", {
        serviceDeskId: String(config.service_desk_id ?? ""),
        requestTypeId: String(config.request_type_id ?? ""),
        requestFieldValues: {
          summary: truncate(seen.title, TICKET_LIMITS.jiraSummary),
          description: plainText(view, seen),
        },
      });
    case "snow": {
      const level = snowLevel(seen.severity);
      return request(integration, "POST", `/api/now/table/incident${SNOW_FIELDS}`, {
        short_description: truncate(seen.title, TICKET_LIMITS.snowShortDescription),
        description: plainText(view, seen),
        urgency: level,
        impact: level,
        ...(incidentKey === undefined
          ? {}
          : { correlation_id: truncate(`herald-${incidentKey}`, TICKET_LIMITS.snowCorrelationId) }),
        correlation_display: "Herald",
        // An incident Herald first hears of as closed is opened resolved: it is on record, and nobody's queue.
        ...(closesIncident(view) ? snowResolution(seen) : {}),
      });
    }
  }
}

/** The request that adds the notification to the ticket its incident has. */
export function followUpRequest(
  integration: TicketingRow,
  view: NotificationView,
  options: RenderOptions,
  ticket: TicketRef,
): TicketRequest {
  const seen = digest(view, options);
  const key = encodeURIComponent(ticket.key);
  switch (integration.type) {
    case "jira":
      return request(integration, "POST", `/rest/api/3/issue/${key}/comment`, { body: adfDocument(view, seen) });
    case "jsd":
      // An internal comment: the updates are for the agents working the request, not its customers.
      return request(integration, "POST", `/rest/servicedeskapi/request/${key}/comment`, {
        body: plainText(view, seen),
        public: false,
      });
    case "snow":
      return request(integration, "PATCH", `/api/now/table/incident/${encodeURIComponent(ticket.id)}${SNOW_FIELDS}`, {
        work_notes: plainText(view, seen),
        ...(closesIncident(view) ? snowResolution(seen) : {}),
      });
  }
}

function snowResolution(seen: Digest) {
  return {
    state: SNOW_RESOLVED_STATE,
    close_code: SNOW_CLOSE_CODE,
    close_notes: truncate(`Closed in Alert Logic: ${seen.title}`, TICKET_LIMITS.text),
  };
}

/** ServiceNow's urgency and impact: 1 (high) for critical and high threats, 2 for medium, 3 otherwise. */
function snowLevel(severity: Severity | undefined): "1" | "2" | "3" {
  if (severity === "critical" || severity === "high") return "1";
  return severity === "medium" ? "2" : "3";
}

function footer(view: NotificationView): string {
  return `Herald notification ${view.id} (${view.typeName}) for ${view.accountName}, ${displayTime(view.createdAt)}`;
}

/** The notification as plain text (ServiceNow fields, Jira Service Management's request fields and comments). */
export function plainText(view: NotificationView, seen: Digest): string {
  const parts = [
    seen.title,
    summaryBeyondTitle(seen, true) ?? "",
    seen.facts.map((fact) => `${fact.label}: ${fact.value}`).join("\n"),
    seen.links.length === 0 ? "" : ["Links:", ...seen.links.map((link) => `- ${link.label}: ${link.url}`)].join("\n"),
    footer(view),
  ];
  return truncate(parts.filter((part) => part !== "").join("\n\n"), TICKET_LIMITS.text);
}

// Atlassian Document Format (developer.atlassian.com/cloud/jira/platform/apis/document/structure): a `doc` of block
// nodes; text nodes must not be empty, line breaks are `hardBreak` nodes.
type AdfMark = { type: "strong" } | { type: "em" } | { type: "link"; attrs: { href: string } };
type AdfInline = { type: "text"; text: string; marks?: AdfMark[] } | { type: "hardBreak" };
type AdfBlock =
  | { type: "paragraph"; content: AdfInline[] }
  | { type: "heading"; attrs: { level: number }; content: AdfInline[] }
  | { type: "bulletList"; content: Array<{ type: "listItem"; content: AdfBlock[] }> };
export interface AdfDoc {
  type: "doc";
  version: 1;
  content: AdfBlock[];
}

function adfText(text: string, marks?: AdfMark[]): AdfInline[] {
  const lines = text.split("\n");
  return lines.flatMap((line, index): AdfInline[] => {
    const node: AdfInline[] =
      line === "" ? [] : [marks ? { type: "text", text: line, marks } : { type: "text", text: line }];
    return index === 0 ? node : [{ type: "hardBreak" }, ...node];
  });
}

function paragraph(content: AdfInline[]): AdfBlock[] {
  return content.some((node) => node.type === "text") ? [{ type: "paragraph", content }] : [];
}

/** The notification as an ADF document: title, summary, facts, links and where it came from. */
export function adfDocument(view: NotificationView, seen: Digest): AdfDoc {
  const facts: AdfBlock[] =
    seen.facts.length === 0
      ? []
      : [
          {
            type: "bulletList",
            content: seen.facts.map((fact) => ({
              type: "listItem" as const,
              content: paragraph([...adfText(`${fact.label}: `, [{ type: "strong" }]), ...adfText(fact.value)]),
            })),
          },
        ];
  const links = seen.links.flatMap((link, index): AdfInline[] => [
    ...(index === 0 ? [] : adfText(" · ")),
    ...adfText(link.label || link.url, [{ type: "link", attrs: { href: link.url } }]),
  ]);
  return {
    type: "doc",
    version: 1,
    content: [
      { type: "heading", attrs: { level: 3 }, content: adfText(seen.title) },
      ...paragraph(adfText(truncate(summaryBeyondTitle(seen, true) ?? "", TICKET_LIMITS.text))),
      ...facts,
      ...paragraph(links),
      ...paragraph(adfText(footer(view), [{ type: "em" }])),
    ],
  };
}
