import type { IntegrationRow } from "@herald/db";
import { describe, expect, it } from "vitest";
import { classifyTicketAnswer, openedTicket, ticketError } from "../../src/delivery/tickets/outcomes";
import {
  closesIncident,
  followUpRequest,
  incidentLabel,
  openTicketRequest,
  TICKET_LIMITS,
  type TicketingRow,
} from "../../src/delivery/tickets/render";
import { adfProblem } from "../fakes/jira";
import { CASES, incidentView, wideView } from "./channel-views";

const NOW_MS = Date.UTC(2026, 11, 5, 12, 0, 0);

function row(type: TicketingRow["type"], config: Record<string, unknown>, secrets: Record<string, string>) {
  return {
    id: "I-1",
    accountId: "12345678",
    type,
    targetUrl: type === "snow" ? "https://acme.service-now.com" : "https://acme.atlassian.net",
    config,
    secrets,
  } as unknown as TicketingRow & IntegrationRow;
}
const jira = row("jira", { email: "bot@example.com", project: "SEC" }, { api_token: "tok" });
const jsd = row("jsd", { email: "bot@example.com", service_desk_id: "4", request_type_id: "25" }, { api_token: "tok" });
const snow = row("snow", { username: "herald" }, { password: "pw" });

describe("rendering", () => {
  it.each(Object.entries({ ...CASES, wide: wideView }))(
    "jira: %s opens a valid issue and comments in ADF",
    (_name, make) => {
      const view = make();
      const open = openTicketRequest(jira, view, {}, "INC 1");
      expect(open).toMatchObject({ url: "https://acme.atlassian.net/rest/api/3/issue", method: "POST" });
      expect(open.headers.authorization).toBe(`Basic ${btoa("bot@example.com:tok")}`);
      const { fields } = JSON.parse(open.body);
      expect(fields.project).toEqual({ key: "SEC" });
      expect(fields.issuetype).toEqual({ name: "Task" });
      expect(fields.summary.length).toBeGreaterThan(0);
      expect(fields.summary.length).toBeLessThanOrEqual(TICKET_LIMITS.jiraSummary);
      expect(fields.summary).not.toMatch(/[\r\n]/);
      expect(fields.labels).toEqual(["herald-INC_1"]);
      expect(adfProblem(fields.description)).toBeUndefined();
      const comment = followUpRequest(jira, view, {}, { key: "SEC-1", id: "10001" });
      expect(comment.url).toBe("https://acme.atlassian.net/rest/api/3/issue/SEC-1/comment");
      expect(adfProblem(JSON.parse(comment.body).body)).toBeUndefined();
    },
  );

  it("jira: a numeric project is an id, a reporter and issue type as configured", () => {
    const custom = row("jira", { email: "b@x.io", project: "10000", reporter_id: "abc", issue_type: "Bug" }, {});
    const { fields } = JSON.parse(openTicketRequest(custom, incidentView(), {}, undefined).body);
    expect(fields).toMatchObject({ project: { id: "10000" }, reporter: { id: "abc" }, issuetype: { name: "Bug" } });
    expect(fields).not.toHaveProperty("labels");
  });

  it("jsd: a request in the desk with text fields, and internal comments", () => {
    const open = openTicketRequest(jsd, incidentView(), {}, "INC-1");
    expect(open.url).toBe("https://acme.atlassian.net/rest/servicedeskapi/request");
    const body = JSON.parse(open.body);
    expect(body).toMatchObject({ serviceDeskId: "4", requestTypeId: "25" });
    expect(typeof body.requestFieldValues.description).toBe("string");
    const comment = followUpRequest(jsd, incidentView(), {}, { key: "SD-4", id: "1" });
    expect(comment.url).toBe("https://acme.atlassian.net/rest/servicedeskapi/request/SD-4/comment");
    expect(JSON.parse(comment.body)).toMatchObject({ public: false });
  });

  it("snow: an incident with urgency from the threat, work notes after, resolved on a closing notification", () => {
    const view = incidentView();
    view.notificationData.status = "open";
    view.payload.status = "open";
    const open = openTicketRequest(snow, view, {}, "INC-1");
    expect(open.url).toBe("https://acme.service-now.com/api/now/table/incident?sysparm_fields=sys_id,number");
    expect(open.headers.authorization).toBe(`Basic ${btoa("herald:pw")}`);
    const created = JSON.parse(open.body);
    expect(created.short_description.length).toBeLessThanOrEqual(TICKET_LIMITS.snowShortDescription);
    expect(created).toMatchObject({ correlation_id: "herald-INC-1" });
    expect(created).not.toHaveProperty("state");
    const update = followUpRequest(snow, view, {}, { key: "INC0010001", id: "abc123" });
    expect(update).toMatchObject({ method: "PATCH" });
    expect(update.url).toContain("/api/now/table/incident/abc123?");
    expect(JSON.parse(update.body)).not.toHaveProperty("state");

    view.notificationData.status = "Resolved";
    expect(closesIncident(view)).toBe(true);
    expect(JSON.parse(followUpRequest(snow, view, {}, { key: "k", id: "i" }).body)).toMatchObject({
      state: "6",
      close_code: "Solution provided",
    });
    const bearer = row("snow", {}, { auth_header: "Bearer xyz" });
    expect(openTicketRequest(bearer, view, {}, undefined).headers.authorization).toBe("Bearer xyz");
  });

  it("labels never hold spaces and stay within Jira's 255 characters", () => {
    expect(incidentLabel("a b\tc")).toBe("herald-a_b_c");
    expect(incidentLabel("x".repeat(400)).length).toBe(255);
  });
});

describe("answers", () => {
  const classify = (type: TicketingRow["type"], status: number, body = "", headers: Record<string, string> = {}) =>
    classifyTicketAnswer(type, { status, headers: new Headers(headers), body }, NOW_MS);

  it("2xx delivers; 400 and 422 fail for good with the vendor's words", () => {
    expect(classify("jira", 201, '{"id":"1","key":"SEC-1"}')).toEqual({ kind: "delivered" });
    const jiraError = JSON.stringify({ errorMessages: [], errors: { summary: "You must specify a summary." } });
    expect(classify("jira", 400, jiraError)).toEqual({
      kind: "permanent",
      reason: "Jira: summary: You must specify a summary. (HTTP 400)",
    });
    expect(classify("jsd", 422, JSON.stringify({ errorMessage: "Bad desk" }))).toEqual({
      kind: "permanent",
      reason: "Jira Service Management: Bad desk (HTTP 422)",
    });
  });

  it("401 and 403 disable the integration, keeping what the vendor said", () => {
    const snowError = JSON.stringify({ error: { message: "User Not Authenticated", detail: "Required" } });
    expect(classify("snow", 401, snowError)).toEqual({
      kind: "permanent",
      reason: "ServiceNow: User Not Authenticated: Required (HTTP 401)",
      disableIntegration: true,
    });
    expect(classify("jira", 403, "")).toMatchObject({ kind: "permanent", disableIntegration: true });
  });

  it("429 waits Retry-After without using up the schedule; 5xx and 408 retry", () => {
    expect(classify("jira", 429, "", { "retry-after": "7" })).toMatchObject({
      kind: "retry",
      rateLimited: true,
      retryAfterSeconds: 7,
    });
    expect(classify("snow", 503, "")).toMatchObject({ kind: "retry" });
    expect(classify("jsd", 408, "")).toMatchObject({ kind: "retry" });
  });

  it("reads the opened ticket from each vendor's answer, and nothing from a body without one", () => {
    expect(openedTicket("jira", '{"id":"10001","key":"SEC-1","self":"x"}')).toEqual({ key: "SEC-1", id: "10001" });
    expect(openedTicket("jsd", '{"issueId":"10002","issueKey":"SD-2"}')).toEqual({ key: "SD-2", id: "10002" });
    expect(openedTicket("snow", '{"result":{"sys_id":"abc","number":"INC001"}}')).toEqual({
      key: "INC001",
      id: "abc",
    });
    expect(openedTicket("jira", "<html>")).toBeUndefined();
    expect(openedTicket("snow", '{"result":{"number":"INC001"}}')).toBeUndefined();
    expect(ticketError("plain words")).toBe("plain words");
  });
});
