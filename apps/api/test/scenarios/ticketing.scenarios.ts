// The ticketing integrations end to end (issue #16 part 1), written once and run by both suites: in workerd
// (test/ticketing.test.ts, the fakes at the vendors' own hosts) and on the Node runtime (node/ticketing.test.ts, the
// fakes on loopback). Each scenario makes an integration with credentials of its own (the fakes keep each account's
// tickets apart), subscribes it to a fresh type, sends notifications one after another and reads what the vendor's
// fake holds and what Herald reports.
import { beforeAll, describe, expect, it } from "vitest";
import { unique } from "../common";
import { adfProblem, JIRA_HOST, type JiraIssue } from "../fakes/jira";
import { SNOW_HOST, type SnowIncident } from "../fakes/servicenow";
import type { VendorCall } from "../fakes/vendor-kit";
import type { ChannelHarness } from "./channel.scenarios";
import { ACCOUNT, deliveryTools, type IntegrationBody, ofType } from "./harness";

const basic = (user: string, password: string) => `Basic ${btoa(`${user}:${password}`)}`;

export function defineTicketingScenarios(harness: ChannelHarness) {
  const { herald, createIntegrationOf, signIn, freshType, subscribe, send, settled } = deliveryTools(harness);
  const jiraSite = () => harness.vendorUrl(`https://${JIRA_HOST}`);
  const snowSite = () => harness.vendorUrl(`https://${SNOW_HOST}`);

  let token: string;
  let platform: string;
  beforeAll(async () => ({ token, platform } = await signIn()));

  async function subscribed(body: IntegrationBody) {
    const integration = await createIntegrationOf(token, body, "tickets");
    const type = await freshType(platform);
    await subscribe(token, type, [{ subscriber: integration.id, subscriber_type: "connection" }]);
    return { integration, type };
  }

  /** Sends a notification and waits for its one leg to settle. */
  async function deliver(type: string, payload: Record<string, unknown>, data: Record<string, unknown> = {}) {
    const notification = await send(token, type, {
      payload: { threat: "High", attack_summary: "SSH brute force", ...payload },
      notification_data: { threat_level: "high", ...data },
    });
    const [leg] = await settled(token, notification.id, 1);
    return leg!;
  }

  const inspect = async <T>(host: string, name: string, key: string): Promise<T> =>
    (await (await fetch(harness.vendorUrl(`https://${host}/__${name}/${encodeURIComponent(key)}`))).json()) as T;
  const jiraIssues = (email: string) => inspect<JiraIssue[]>(JIRA_HOST, "issues", email);
  const jiraCalls = (email: string) => inspect<VendorCall[]>(JIRA_HOST, "requests", email);
  const jiraAccount = () => ({ email: `${unique("soc")}@example.com`.toLowerCase(), api_token: `ATATT${unique("t")}` });

  describe("jira", () => {
    it("opens one issue per incident and comments on it with each later notification, in ADF", async () => {
      const account = jiraAccount();
      const { integration, type } = await subscribed({
        type: "jira",
        jira_domain: jiraSite(),
        ...account,
        project: "SEC",
        reporter_id: "5b10ac8d82e05b22cc7d4ef5",
      });
      const jira = ofType(integration, "jira");
      expect(jira.api_token).toBe(`****${account.api_token.slice(-4)}`);
      expect(jira.issue_type).toBe("Task");
      const incident = unique("incident");
      for (const summary of ["first sighting", "spreading", "contained"]) {
        expect(await deliver(type, { long_incident_id: incident, attack_summary: summary })).toMatchObject({
          status: "DELIVRD",
        });
      }
      const other = await deliver(type, { long_incident_id: unique("incident"), attack_summary: "another one" });
      expect(other.status).toBe("DELIVRD");

      const issues = await jiraIssues(account.email);
      expect(issues).toHaveLength(2);
      const [first, second] = issues as [JiraIssue, JiraIssue];
      expect(first).toMatchObject({ project: "SEC", issueType: "Task", reporter: "5b10ac8d82e05b22cc7d4ef5" });
      expect(first.summary).toContain("first sighting");
      expect(first.labels).toEqual([`herald-${incident}`]);
      expect(adfProblem(first.description)).toBeUndefined();
      expect(first.comments).toHaveLength(2);
      expect(JSON.stringify(first.comments[0]!.body)).toContain("spreading");
      expect(JSON.stringify(first.comments[1]!.body)).toContain("contained");
      for (const comment of first.comments) expect(adfProblem(comment.body)).toBeUndefined();
      expect(second.summary).toContain("another one");
      expect(second.comments).toHaveLength(0);
      // Every call carried the account's Basic credentials and was JSON.
      for (const sent of await jiraCalls(account.email)) {
        expect(sent.headers.authorization).toBe(basic(account.email, account.api_token));
        expect(sent.accepted).toBe(true);
      }
    });

    it("a burst about one new incident opens one issue, whichever batches and consumers take its legs", async () => {
      const account = jiraAccount();
      const { type } = await subscribed({ type: "jira", jira_domain: jiraSite(), ...account, project: "SEC" });
      const incident = unique("incident");
      const sent = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          send(token, type, { payload: { long_incident_id: incident, attack_summary: `wave ${i}` } }),
        ),
      );
      for (const notification of sent) {
        const [leg] = await settled(token, notification.id, 1);
        expect(leg?.status).toBe("DELIVRD");
      }
      const issues = await jiraIssues(account.email);
      expect(issues).toHaveLength(1);
      expect(issues[0]!.comments).toHaveLength(5);
      const told = [issues[0]!.summary, ...issues[0]!.comments.map((comment) => JSON.stringify(comment.body))];
      expect(new Set(told.map((text) => /wave \d/.exec(text)?.[0])).size).toBe(6);
    });

    it("opens the incident's issue again when it was deleted in Jira, and comments on the new one after", async () => {
      const account = jiraAccount();
      const { type } = await subscribed({ type: "jira", jira_domain: jiraSite(), ...account, project: "OPS" });
      const incident = unique("incident");
      await deliver(type, { long_incident_id: incident, attack_summary: "opened" });
      const [opened] = await jiraIssues(account.email);
      const deleted = await fetch(harness.vendorUrl(`https://${JIRA_HOST}/rest/api/3/issue/${opened!.key}`), {
        method: "DELETE",
        headers: { authorization: basic(account.email, account.api_token) },
      });
      expect(deleted.status).toBe(204);

      const reopened = await deliver(type, { long_incident_id: incident, attack_summary: "still going" });
      expect(reopened.status).toBe("DELIVRD");
      expect(reopened.attempts).toHaveLength(1);
      await deliver(type, { long_incident_id: incident, attack_summary: "over" });

      const issues = await jiraIssues(account.email);
      expect(issues.map((issue) => issue.deleted)).toEqual([true, false]);
      expect(issues[1]!.summary).toContain("still going");
      expect(issues[1]!.comments).toHaveLength(1);
      expect(JSON.stringify(issues[1]!.comments[0]!.body)).toContain("over");
      const calls = await jiraCalls(account.email);
      // open, comment (404), open again, comment; the DELETE in between was the test's.
      expect(calls.map((sent) => `${sent.method} ${sent.status}`)).toEqual([
        "POST 201",
        "DELETE 204",
        "POST 404",
        "POST 201",
        "POST 201",
      ]);
    });

    it("a revoked API token fails the leg with Jira's words and disables the integration", async () => {
      const account = { email: `${unique("soc")}@example.com`.toLowerCase(), api_token: `revoked-${unique("t")}` };
      const { integration, type } = await subscribed({
        type: "jira",
        jira_domain: jiraSite(),
        ...account,
        project: "SEC",
      });
      const failed = await deliver(type, { long_incident_id: unique("incident") });
      expect(failed.status).toBe("FAILED");
      expect(failed.last_error).toMatch(/Jira: Client must be authenticated.*HTTP 401/);
      const skipped = await deliver(type, { long_incident_id: unique("incident") });
      expect(skipped.last_error).toMatch(/disabled/);
      expect(await jiraCalls(account.email)).toHaveLength(1);
      expect(integration.id).toBeTruthy();
    });

    it("a field Jira refuses fails that notification for good, keeping Jira's error", async () => {
      const account = jiraAccount();
      const { type } = await subscribed({
        type: "jira",
        jira_domain: jiraSite(),
        ...account,
        project: "SEC",
        issue_type: "Saga",
      });
      const failed = await deliver(type, { long_incident_id: unique("incident") });
      expect(failed.status).toBe("FAILED");
      expect(failed.last_error).toMatch(/issuetype: Specify a valid issue type.*HTTP 400/);
      expect(failed.attempts).toHaveLength(1);
    });

    it("tests Alert Logic's Jira payload at /jira/test, opening a sample issue and storing nothing", async () => {
      const account = jiraAccount();
      const result = await herald(token).raw.POST("/herald/v2/{account_id}/{type}/test", {
        params: { path: { account_id: ACCOUNT, type: "jira" } },
        body: { ...account, reporter_id: "5b10ac8d82e05b22cc7d4ef5", jira_domain: jiraSite(), project: "SEC" },
      });
      expect(result.response.status, JSON.stringify(result.error)).toBe(200);
      expect(result.data).toMatchObject({ code: 201, delivered: true });
      expect(JSON.parse(result.data?.request_body ?? "").fields.project).toEqual({ key: "SEC" });
      expect(await jiraIssues(account.email)).toHaveLength(1);
    });
  });

  describe("jira service management", () => {
    it("raises one request per incident and adds internal comments to it", async () => {
      const account = jiraAccount();
      const { type } = await subscribed({
        type: "jsd",
        jira_domain: jiraSite(),
        ...account,
        service_desk_id: "4",
        request_type_id: "25",
      });
      const incident = unique("incident");
      await deliver(type, { long_incident_id: incident, attack_summary: "raised" });
      const again = await deliver(type, { long_incident_id: incident, attack_summary: "updated" });
      expect(again.status).toBe("DELIVRD");
      const requests = await jiraIssues(account.email);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ kind: "request", serviceDeskId: "4", requestTypeId: "25" });
      expect(requests[0]!.description).toContain("raised");
      expect(requests[0]!.comments).toEqual([expect.objectContaining({ public: false })]);
      expect(String(requests[0]!.comments[0]!.body)).toContain("updated");
    });
  });

  describe("servicenow", () => {
    it("opens one incident, adds work notes, and resolves it when the incident closes", async () => {
      const username = unique("herald");
      const { integration, type } = await subscribed({
        type: "snow",
        instance_name: snowSite(),
        username,
        password: "s3cret-pass",
      });
      expect(ofType(integration, "snow").password).toBe("****pass");
      const incident = unique("incident");
      await deliver(type, { long_incident_id: incident, attack_summary: "ransomware" });
      await deliver(type, { long_incident_id: incident, attack_summary: "isolating hosts" });
      const closed = await deliver(type, { long_incident_id: incident }, { status: "closed" });
      expect(closed.status).toBe("DELIVRD");

      const incidents = await inspect<SnowIncident[]>(SNOW_HOST, "incidents", username);
      expect(incidents).toHaveLength(1);
      expect(incidents[0]).toMatchObject({
        state: "6",
        close_code: "Solution provided",
        urgency: "1",
        correlation_id: `herald-${incident}`,
      });
      expect(incidents[0]!.short_description).toContain("ransomware");
      expect(incidents[0]!.work_notes).toHaveLength(2);
      expect(incidents[0]!.work_notes[0]).toContain("isolating hosts");
    });

    it("opens a new incident when the linked one was deleted, and updates the new one after", async () => {
      const username = unique("herald");
      const { type } = await subscribed({ type: "snow", instance_name: snowSite(), username, password: "pw-1234" });
      const incident = unique("incident");
      await deliver(type, { long_incident_id: incident, attack_summary: "first" });
      const [first] = await inspect<SnowIncident[]>(SNOW_HOST, "incidents", username);
      const removed = await fetch(harness.vendorUrl(`https://${SNOW_HOST}/api/now/table/incident/${first!.sys_id}`), {
        method: "DELETE",
        headers: { authorization: basic(username, "pw-1234") },
      });
      expect(removed.status).toBe(204);
      expect((await deliver(type, { long_incident_id: incident, attack_summary: "second" })).status).toBe("DELIVRD");
      await deliver(type, { long_incident_id: incident, attack_summary: "third" });
      const incidents = await inspect<SnowIncident[]>(SNOW_HOST, "incidents", username);
      expect(incidents.map((one) => one.deleted)).toEqual([true, false]);
      expect(incidents[1]!.short_description).toContain("second");
      expect(incidents[1]!.work_notes).toEqual([expect.stringContaining("third")]);
    });

    it("authenticates with auth_header, and an expired bearer token disables the integration", async () => {
      const bearer = `expired-${unique("token")}`;
      const { type } = await subscribed({ type: "snow", instance_name: snowSite(), auth_header: `Bearer ${bearer}` });
      const failed = await deliver(type, { long_incident_id: unique("incident") });
      expect(failed.status).toBe("FAILED");
      expect(failed.last_error).toMatch(/ServiceNow: User Not Authenticated/);
      const skipped = await deliver(type, { long_incident_id: unique("incident") });
      expect(skipped.last_error).toMatch(/disabled/);
    });
  });
}
