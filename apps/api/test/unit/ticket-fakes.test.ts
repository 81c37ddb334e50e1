import { describe, expect, it } from "vitest";
import { classifyTicketAnswer, openedTicket } from "../../src/delivery/tickets/outcomes";
import type { TicketingType } from "../../src/delivery/tickets/render";
import type { JiraIssue } from "../fakes/jira";
import type { SnowIncident } from "../fakes/servicenow";
import { createVendorFakes } from "../fakes/vendors";

// The Jira (and Service Management) and ServiceNow fakes called directly: they refuse what the vendors refuse, in the
// vendors' shapes, which Herald's classification reads as the vendors' own answers.

const JIRA = "https://acme.atlassian.net";
const SNOW = "https://acme.service-now.com";
const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;
const doc = (text: string) => ({
  type: "doc",
  version: 1,
  content: [{ type: "paragraph", content: [{ type: "text", text }] }],
});

function fakes() {
  const vendors = createVendorFakes();
  const send = async (url: string, method: string, body: unknown, authorization: string) => {
    const answer = await vendors.fetch(
      new Request(url, {
        method,
        headers: { "content-type": "application/json", authorization },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    if (!answer) throw new Error(`no fake for ${url}`);
    return { status: answer.status, body: await answer.text(), headers: answer.headers };
  };
  return { vendors, send };
}

const verdict = (type: TicketingType, answer: { status: number; body: string; headers: Headers }) =>
  classifyTicketAnswer(type, answer, Date.now());

describe("jira fake", () => {
  const auth = basic("bot@example.com", "ATATT-token");
  const issue = (fields: Record<string, unknown>) => ({
    fields: { project: { key: "SEC" }, issuetype: { name: "Task" }, summary: "An incident", ...fields },
  });

  it("opens an issue for the required fields and answers {id, key, self}", async () => {
    const { send, vendors } = fakes();
    const answer = await send(`${JIRA}/rest/api/3/issue`, "POST", issue({ description: doc("hi") }), auth);
    expect(answer.status).toBe(201);
    expect(openedTicket("jira", answer.body)).toEqual({ key: "SEC-1", id: expect.any(String) });
    expect(vendors.jira.issues("bot@example.com")).toEqual([
      expect.objectContaining<Partial<JiraIssue>>({ key: "SEC-1" }),
    ]);
  });

  it.each([
    ["no summary", issue({ summary: "" }), "summary: You must specify a summary of the issue."],
    ["a summary over 255", issue({ summary: "x".repeat(256) }), "summary: Summary must be less than 255"],
    ["an unknown issue type", issue({ issuetype: { name: "Saga" } }), "issuetype: Specify a valid issue type"],
    ["a missing project", issue({ project: { key: "MISSING" } }), "project: Specify a valid project ID or key"],
    ["a description that is not ADF", issue({ description: "plain text" }), "description: Operation value must be"],
    ["an empty ADF text node", issue({ description: doc("") }), "description: Operation value must be"],
    ["a label with a space", issue({ labels: ["a b"] }), "labels: The label 'a b' contains spaces"],
  ])("refuses %s with a 400 in Jira's shape", async (_what, body, words) => {
    const answer = await fakes().send(`${JIRA}/rest/api/3/issue`, "POST", body, auth);
    expect(answer.status).toBe(400);
    expect(verdict("jira", answer)).toMatchObject({ kind: "permanent", reason: expect.stringContaining(words) });
  });

  it("refuses a revoked token with a 401 that disables, and a comment on a deleted issue with a 404", async () => {
    const { send } = fakes();
    const refused = await send(`${JIRA}/rest/api/3/issue`, "POST", issue({}), basic("bot@example.com", "revoked-1"));
    expect(verdict("jira", refused)).toMatchObject({ kind: "permanent", disableIntegration: true });
    await send(`${JIRA}/rest/api/3/issue`, "POST", issue({}), auth);
    expect((await send(`${JIRA}/rest/api/3/issue/SEC-1/comment`, "POST", { body: doc("more") }, auth)).status).toBe(
      201,
    );
    expect((await send(`${JIRA}/rest/api/3/issue/SEC-1`, "DELETE", undefined, auth)).status).toBe(204);
    expect((await send(`${JIRA}/rest/api/3/issue/SEC-1/comment`, "POST", { body: doc("more") }, auth)).status).toBe(
      404,
    );
  });

  it("service management: a request needs numeric desk and type ids and a summary; comments are text", async () => {
    const { send } = fakes();
    const request = { serviceDeskId: "4", requestTypeId: "25", requestFieldValues: { summary: "S", description: "D" } };
    const opened = await send(`${JIRA}/rest/servicedeskapi/request`, "POST", request, auth);
    expect(opened.status).toBe(201);
    expect(openedTicket("jsd", opened.body)).toEqual({ key: "SD4-1", id: expect.any(String) });
    const noSummary = await send(
      `${JIRA}/rest/servicedeskapi/request`,
      "POST",
      { ...request, requestFieldValues: {} },
      auth,
    );
    expect(verdict("jsd", noSummary)).toMatchObject({ reason: expect.stringContaining("Summary is required") });
    const adfComment = await send(
      `${JIRA}/rest/servicedeskapi/request/SD4-1/comment`,
      "POST",
      { body: doc("x") },
      auth,
    );
    expect(adfComment.status).toBe(400);
  });
});

describe("servicenow fake", () => {
  const auth = basic("herald", "pw");
  const table = `${SNOW}/api/now/table/incident`;

  it("opens an incident answering only sysparm_fields, updates it, and 404s an unknown sys_id", async () => {
    const { send, vendors } = fakes();
    const opened = await send(
      `${table}?sysparm_fields=sys_id,number`,
      "POST",
      { short_description: "x".repeat(200) },
      auth,
    );
    expect(opened.status).toBe(201);
    const ref = openedTicket("snow", opened.body);
    expect(Object.keys(JSON.parse(opened.body).result).sort()).toEqual(["number", "sys_id"]);
    const notes = await send(`${table}/${ref?.id}`, "PATCH", { work_notes: "more" }, auth);
    expect(notes.status).toBe(200);
    const [incident] = vendors.snow.incidents("herald") as [SnowIncident];
    expect(incident.short_description).toHaveLength(160);
    expect(incident.work_notes).toEqual(["more"]);
    expect((await send(`${table}/${"0".repeat(32)}`, "PATCH", { work_notes: "x" }, auth)).status).toBe(404);
  });

  it("refuses resolving without a resolution code and notes, and a wrong password with a 401", async () => {
    const { send } = fakes();
    const unresolved = await send(table, "POST", { short_description: "x", state: "6" }, auth);
    expect(unresolved.status).toBe(403);
    const resolved = await send(
      table,
      "POST",
      { short_description: "x", state: "6", close_code: "Solution provided", close_notes: "done" },
      auth,
    );
    expect(resolved.status).toBe(201);
    const wrong = await send(table, "POST", { short_description: "x" }, basic("herald", "wrong"));
    expect(verdict("snow", wrong)).toMatchObject({
      reason: expect.stringContaining("User Not Authenticated"),
      disableIntegration: true,
    });
  });
});
