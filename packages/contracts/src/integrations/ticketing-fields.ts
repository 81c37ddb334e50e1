// ---- Ticketing (Jira Cloud, Jira Service Management, ServiceNow): one ticket per incident, commented on or updated by
// later notifications about it. Field names are Alert Logic's (its console's Jira connection: jira_domain, email,
// api_token, project, reporter_id; its connectors' ServiceNow target: instance_name, auth_header).
import { z } from "../zod";
import { authHeader } from "./webhook-fields";

export const PRINTABLE_TOKEN = /^[\x21-\x7E]{1,1024}$/;
export const jiraDomain = z
  .string()
  .min(1)
  .max(255)
  .openapi({
    description:
      "The Jira Cloud site: its host (`acme.atlassian.net`) or origin (`https://acme.atlassian.net`). Only " +
      "`*.atlassian.net` hosts over https are accepted.",
    example: "acme.atlassian.net",
  });
export const jiraEmail = z.email().max(320).openapi({
  description: "The Atlassian account's e-mail address: with `api_token`, the HTTP Basic credentials of every call.",
  example: "soc-bot@example.com",
});
export const apiToken = z
  .string()
  .regex(PRINTABLE_TOKEN, "must be an Atlassian API token: 1 to 1024 printable characters without spaces")
  .openapi({
    description: "An Atlassian API token of that account (id.atlassian.com → Security → API tokens). A credential.",
    example: "ATATT3xFfGF0aBcDeFgHiJkLmNoPqRsTuVwXyZ",
  });
export const jiraProject = z
  .string()
  .regex(/^([A-Za-z][A-Za-z0-9_]{0,254}|\d{1,18})$/, "must be a Jira project key (SEC) or numeric project id")
  .openapi({ description: "The project issues are opened in: its key (`SEC`) or numeric id.", example: "SEC" });
export const reporterId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9:_-]+$/, "must be an Atlassian account id")
  .openapi({
    description: "The Atlassian account id issues are reported as (`reporter`); the token's account when absent.",
    example: "5b10ac8d82e05b22cc7d4ef5",
  });
export const issueType = z
  .string()
  .min(1)
  .max(255)
  .openapi({ description: "The issue type's name in the project; `Task` by default.", example: "Task" });
export const jsmId = (what: string, example: string) =>
  z
    .string()
    .regex(/^\d{1,18}$/, `must be a numeric ${what} id`)
    .openapi({ description: `The ${what} id (a number, as text).`, example });
export const snowInstance = z
  .string()
  .min(1)
  .max(255)
  .openapi({
    description:
      "The ServiceNow instance: its name (`acme` for `https://acme.service-now.com`) or origin. Only " +
      "`*.service-now.com` hosts over https are accepted.",
    example: "acme",
  });
export const snowUsername = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^:\p{Cc}]+$/u, "must not contain ':' or control characters")
  .openapi({
    description: "A ServiceNow user for HTTP Basic authentication (with `password`), or send `auth_header` instead.",
    example: "herald.integration",
  });
export const snowPassword = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^\P{Cc}+$/u, "must not contain control characters")
  .openapi({
    description: "That user's password. A credential.",
    example: "correct horse battery staple",
  });

export const jiraConfig = {
  jira_domain: jiraDomain,
  email: jiraEmail,
  api_token: apiToken,
  project: jiraProject,
  reporter_id: reporterId.optional(),
  issue_type: issueType.optional(),
};
export const jsdConfig = {
  jira_domain: jiraDomain,
  email: jiraEmail,
  api_token: apiToken,
  service_desk_id: jsmId("service desk", "4"),
  request_type_id: jsmId("request type", "25"),
};
export const snowConfig = {
  instance_name: snowInstance,
  username: snowUsername.optional(),
  password: snowPassword.optional(),
  auth_header: authHeader.optional(),
};

export type SnowAuth = {
  username?: string | undefined;
  password?: string | undefined;
  auth_header?: string | undefined;
};
export const snowAuthGiven = (body: SnowAuth) =>
  (body.username !== undefined && body.password !== undefined) !==
  (body.auth_header !== undefined && body.auth_header !== "");
export const snowAuthMessage = {
  path: ["auth_header"],
  message: "send either username and password (HTTP Basic) or auth_header (e.g. a Bearer token), not both",
};
// ---- E-mail ticketing (Alert Logic's `email` connection): the rendered notification e-mailed to one mailbox.

export const MAX_SUBJECT_TEMPLATE_LENGTH = 1000;
export const ticketingAddress = z
  .email("must be one e-mail address, such as tickets@example.com (no name, list or angle brackets)")
  .max(320)
  .openapi({
    description: "The one address every notification is e-mailed to, e.g. a ticketing system's mailbox.",
    example: "tickets@example.com",
  });
export const subjectTemplate = z
  .string()
  .max(MAX_SUBJECT_TEMPLATE_LENGTH)
  .openapi({
    description:
      "Mustache template of the e-mail's subject, rendered like a subscription's `options.email_subject` (which it " +
      "overrides, as it does the notification type's `default_email_subject`) against `notification`, " +
      "`notification_data`, `asset_data`, `payload`, `account` and `display`. Checked when saved; an empty string " +
      "removes it.",
    example: "[Herald] {{display.threat}} incident {{payload.long_incident_id}}: {{display.summary}}",
  });
export const emailConfig = { email: ticketingAddress, subject_template: subjectTemplate.optional() };
