// Jira Cloud at any *.atlassian.net site: the platform REST API v3 and Jira Service Management's, as Herald uses them
// (developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues, .../api-group-issue-comments,
// .../cloud/jira/service-desk/rest/api-group-request). HTTP Basic with an account's e-mail and API token; a token
// beginning "revoked" is one that was revoked (401, as Jira answers a bad token). Every call must be JSON.
//
//   POST   /rest/api/3/issue                    {fields: {project {key|id}, issuetype {name|id}, summary, description
//                                                (ADF), reporter {id}, labels}} → 201 {id, key, self}; 400
//                                                {"errorMessages":[],"errors":{field: message}} in Jira's words.
//                                                Projects: any key or id but ones beginning MISSING; issue types Task,
//                                                Bug, Story, Epic, Incident.
//   POST   /rest/api/3/issue/{key}/comment      {body: ADF} → 201 {id, self, body, created}; 404 for no such issue.
//   DELETE /rest/api/3/issue/{key}              → 204 (as a person deleting the issue in Jira would).
//   POST   /rest/servicedeskapi/request         {serviceDeskId, requestTypeId, requestFieldValues {summary,
//                                                description (text)}} → 201 {issueId, issueKey, ...}; 400
//                                                {"errorMessage", "i18nErrorMessage"}.
//   POST   /rest/servicedeskapi/request/{key}/comment  {body (text), public} → 201; 404 for no such request.
//   GET    /__issues/<email>                    the issues (and requests) the account opened, with their comments.
// Key: the account's e-mail, from the Basic credentials.
import type { ReceivedCall } from "../scenarios/scripted-receiver";
import {
  isJsonContentType,
  isRecord,
  jsonVerdict,
  parseJson,
  textVerdict,
  type VendorFake,
  type Verdict,
} from "./vendor-kit";

export const JIRA_HOST = "herald-test.atlassian.net";

export interface JiraIssue {
  id: string;
  key: string;
  kind: "issue" | "request";
  project: string;
  issueType?: string;
  summary: string;
  description: unknown;
  labels: string[];
  reporter?: string;
  serviceDeskId?: string;
  requestTypeId?: string;
  comments: Array<{ id: string; body: unknown; public?: boolean }>;
  deleted: boolean;
}

const ISSUE_TYPES = new Set(["Task", "Bug", "Story", "Epic", "Incident"]);
const NOT_AUTHENTICATED = "Client must be authenticated to access this resource.";

function credentials(call: ReceivedCall): { email: string; token: string } | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/.exec(call.headers.authorization ?? "")?.[1];
  if (!encoded) return undefined;
  const text = new TextDecoder().decode(Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0)));
  const colon = text.indexOf(":");
  return colon < 1 ? undefined : { email: text.slice(0, colon), token: text.slice(colon + 1) };
}

const jiraErrors = (errors: Record<string, string>, messages: string[] = [], status = 400) =>
  jsonVerdict({ errorMessages: messages, errors }, status, {
    reason: [...messages, ...Object.entries(errors).map(([field, message]) => `${field}: ${message}`)].join("; "),
  });
const jsmError = (message: string, status = 400) =>
  jsonVerdict({ errorMessage: message, i18nErrorMessage: { i18nKey: "sd.request.error", parameters: [] } }, status, {
    reason: message,
  });

export class JiraFake implements VendorFake {
  private readonly issuesByKey = new Map<string, JiraIssue[]>();
  private nextId = 10_000;

  keyOf(call: ReceivedCall): string {
    return credentials(call)?.email ?? "";
  }

  inspect(name: string, key: string): unknown {
    return name === "issues" ? this.issues(key) : undefined;
  }

  issues(email: string): JiraIssue[] {
    return this.issuesByKey.get(email) ?? [];
  }

  answer(call: ReceivedCall, url: URL, email: string): Verdict {
    const auth = credentials(call);
    if (!auth || auth.token === "" || auth.token.startsWith("revoked")) return textVerdict(NOT_AUTHENTICATED, 401);
    const path = url.pathname;
    const issue = /^\/rest\/api\/3\/issue\/([^/]+)$/.exec(path);
    if (issue && call.method === "DELETE") return this.delete(email, decodeURIComponent(issue[1] ?? ""));
    if (call.method !== "POST") return jiraErrors({}, ["Method Not Allowed"], 405);
    if (!isJsonContentType(call.headers)) return textVerdict("Unsupported Media Type", 415);
    const parsed = parseJson(call.body);
    if (!parsed.ok || !isRecord(parsed.value)) return jiraErrors({}, ["Unexpected character in the JSON body."]);
    const body = parsed.value;
    if (path === "/rest/api/3/issue") return this.createIssue(email, body);
    if (path === "/rest/servicedeskapi/request") return this.createRequest(email, body);
    const comment = /^\/rest\/(api\/3\/issue|servicedeskapi\/request)\/([^/]+)\/comment$/.exec(path);
    if (comment)
      return this.comment(
        email,
        comment[1] === "api/3/issue" ? "issue" : "request",
        decodeURIComponent(comment[2] ?? ""),
        body,
      );
    return jiraErrors({}, [`null for uri: ${url.href}`], 404);
  }

  private find(email: string, key: string): JiraIssue | undefined {
    return this.issues(email).find((issue) => !issue.deleted && (issue.key === key || issue.id === key));
  }

  private open(email: string, issue: Omit<JiraIssue, "id" | "key" | "comments" | "deleted">): JiraIssue {
    const issues = this.issuesByKey.get(email) ?? [];
    this.issuesByKey.set(email, issues);
    const made: JiraIssue = {
      ...issue,
      id: String(this.nextId++),
      key: `${issue.project}-${issues.filter((other) => other.project === issue.project).length + 1}`,
      comments: [],
      deleted: false,
    };
    issues.push(made);
    return made;
  }

  private createIssue(email: string, body: Record<string, unknown>): Verdict {
    const { fields } = body;
    if (!isRecord(fields))
      return jiraErrors({}, ["Can not deserialize instance of issue fields: 'fields' is required"]);
    const errors: Record<string, string> = {};
    const project = isRecord(fields.project) ? (fields.project.key ?? fields.project.id) : undefined;
    if (typeof project !== "string" || project === "" || project.startsWith("MISSING"))
      errors.project = "Specify a valid project ID or key";
    const type = isRecord(fields.issuetype) ? fields.issuetype.name : undefined;
    if (typeof type !== "string" || !ISSUE_TYPES.has(type)) errors.issuetype = "Specify a valid issue type";
    const { summary, description, labels, reporter } = fields;
    if (typeof summary !== "string" || summary.trim() === "")
      errors.summary = "You must specify a summary of the issue.";
    else if (summary.length > 255) errors.summary = "Summary must be less than 255 characters.";
    else if (/[\r\n]/.test(summary)) errors.summary = "The summary is invalid because it contains newline characters.";
    if (description !== undefined && adfProblem(description) !== undefined)
      errors.description = "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
    if (labels !== undefined) {
      const bad = Array.isArray(labels)
        ? labels.find((label) => typeof label !== "string" || /\s/.test(label) || label.length > 255)
        : labels;
      if (bad !== undefined) errors.labels = `The label '${String(bad)}' contains spaces which is invalid.`;
    }
    if (reporter !== undefined && !(isRecord(reporter) && typeof reporter.id === "string"))
      errors.reporter = "Specify the user's account ID";
    if (Object.keys(errors).length > 0) return jiraErrors(errors);
    const made = this.open(email, {
      kind: "issue",
      project: String(project),
      issueType: String(type),
      summary: String(summary),
      description,
      labels: (labels as string[] | undefined) ?? [],
      ...(isRecord(reporter) ? { reporter: String(reporter.id) } : {}),
    });
    return jsonVerdict({ id: made.id, key: made.key, self: `https://${JIRA_HOST}/rest/api/3/issue/${made.id}` }, 201);
  }

  private createRequest(email: string, body: Record<string, unknown>): Verdict {
    const { serviceDeskId, requestTypeId, requestFieldValues: values } = body;
    if (typeof serviceDeskId !== "string" || !/^\d+$/.test(serviceDeskId))
      return jsmError("The service desk ID provided is invalid.");
    if (typeof requestTypeId !== "string" || !/^\d+$/.test(requestTypeId))
      return jsmError("The request type ID provided is invalid.");
    if (!isRecord(values) || typeof values.summary !== "string" || values.summary.trim() === "")
      return jsmError(
        "Your request could not be created. Please check the fields have been correctly filled in. Summary is required.",
      );
    if (values.summary.length > 255 || /[\r\n]/.test(values.summary))
      return jsmError("Your request could not be created. Summary must be a single line of less than 255 characters.");
    if (values.description !== undefined && typeof values.description !== "string")
      return jsmError("Your request could not be created. The description must be text.");
    const made = this.open(email, {
      kind: "request",
      project: `SD${serviceDeskId}`,
      summary: values.summary,
      description: values.description,
      labels: [],
      serviceDeskId,
      requestTypeId,
    });
    return jsonVerdict(
      {
        issueId: made.id,
        issueKey: made.key,
        requestTypeId,
        serviceDeskId,
        currentStatus: { status: "Waiting for support" },
        _links: { web: `https://${JIRA_HOST}/servicedesk/customer/portal/${serviceDeskId}/${made.key}` },
      },
      201,
    );
  }

  private comment(email: string, kind: JiraIssue["kind"], key: string, body: Record<string, unknown>): Verdict {
    const issue = this.find(email, key);
    if (!issue || issue.kind !== kind) {
      return kind === "issue"
        ? jiraErrors({}, ["Issue does not exist or you do not have permission to see it."], 404)
        : jsmError("Request does not exist or you do not have permission to see it.", 404);
    }
    if (kind === "issue" && adfProblem(body.body) !== undefined)
      return jiraErrors({}, ["Comment body is not valid! Operation value must be an Atlassian Document."]);
    if (kind === "request" && (typeof body.body !== "string" || body.body.trim() === ""))
      return jsmError("The comment body can not be empty.");
    const comment = {
      id: String(this.nextId++),
      body: body.body,
      ...(typeof body.public === "boolean" ? { public: body.public } : {}),
    };
    issue.comments.push(comment);
    return jsonVerdict(
      {
        id: comment.id,
        self: `https://${JIRA_HOST}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
        body: comment.body,
      },
      201,
    );
  }

  private delete(email: string, key: string): Verdict {
    const issue = this.find(email, key);
    if (!issue) return jiraErrors({}, ["Issue does not exist or you do not have permission to see it."], 404);
    issue.deleted = true;
    return { status: 204, accepted: true };
  }
}

// Atlassian Document Format (developer.atlassian.com/cloud/jira/platform/apis/document/structure): what Herald may
// send of it, checked as Jira checks it.
const BLOCKS = new Set([
  "paragraph",
  "heading",
  "bulletList",
  "orderedList",
  "listItem",
  "codeBlock",
  "blockquote",
  "rule",
]);
const MARKS = new Set(["strong", "em", "code", "strike", "underline", "link"]);

/** Why a value is not an ADF document; undefined when it is one. */
export function adfProblem(doc: unknown): string | undefined {
  if (!isRecord(doc) || doc.type !== "doc" || doc.version !== 1 || !Array.isArray(doc.content))
    return "not a {type: doc, version: 1, content: [...]} document";
  for (const node of doc.content) {
    const problem = blockProblem(node);
    if (problem) return problem;
  }
  return undefined;
}

function blockProblem(node: unknown): string | undefined {
  if (!isRecord(node) || typeof node.type !== "string" || !BLOCKS.has(node.type))
    return `unknown block ${JSON.stringify(node)}`;
  if (node.type === "heading" && !(isRecord(node.attrs) && [1, 2, 3, 4, 5, 6].includes(node.attrs.level as number)))
    return "a heading needs attrs.level 1 to 6";
  const content = node.content ?? [];
  if (!Array.isArray(content)) return `${node.type}.content must be an array`;
  if (node.type === "bulletList" || node.type === "orderedList") {
    if (content.length === 0) return "a list needs items";
    return content
      .map((item) => (isRecord(item) && item.type === "listItem" ? blockProblem(item) : "lists hold listItems"))
      .find(Boolean);
  }
  if (node.type === "listItem" || node.type === "blockquote") return content.map(blockProblem).find(Boolean);
  return content.map(inlineProblem).find(Boolean);
}

function inlineProblem(node: unknown): string | undefined {
  if (isRecord(node) && node.type === "hardBreak") return undefined;
  if (!isRecord(node) || node.type !== "text") return `unknown inline node ${JSON.stringify(node)}`;
  if (typeof node.text !== "string" || node.text === "") return "text nodes must have non-empty text";
  if (node.marks === undefined) return undefined;
  if (!Array.isArray(node.marks)) return "marks must be an array";
  for (const mark of node.marks) {
    if (!isRecord(mark) || typeof mark.type !== "string" || !MARKS.has(mark.type)) return "unknown mark";
    if (mark.type === "link" && !(isRecord(mark.attrs) && typeof mark.attrs.href === "string"))
      return "a link needs attrs.href";
  }
  return undefined;
}
