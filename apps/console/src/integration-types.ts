// The fields of every integration type the API has (Create-Integration-* in the OpenAPI document): the form shows the
// type's own fields; the API checks them (and answers which one is wrong).
export interface FieldSpec {
  name: string;
  label: string;
  required?: boolean;
  /** Answered masked by the API; left unchanged unless typed over. */
  secret?: boolean;
  type?: "url" | "email" | "text";
  options?: readonly string[];
}

const url = (label = "Target URL", secret = false): FieldSpec => ({
  name: "target_url",
  label,
  required: true,
  type: "url",
  secret,
});

export const INTEGRATION_TYPES: Record<string, readonly FieldSpec[]> = {
  webhook: [
    url(),
    { name: "method", label: "Method", options: ["POST", "PUT", "PATCH"] },
    { name: "auth_header", label: "Authorization header", secret: true },
  ],
  slack: [url("Slack incoming webhook URL", true)],
  msteams: [url("Teams Workflows webhook URL", true)],
  discord: [url("Discord webhook URL", true)],
  pagerduty: [
    { name: "routing_key", label: "Routing key", required: true, secret: true },
    { name: "region", label: "Region", options: ["us", "eu"] },
  ],
  splunk_hec: [
    url("HEC URL"),
    { name: "token", label: "HEC token", required: true, secret: true },
    { name: "index", label: "Index" },
    { name: "source", label: "Source" },
    { name: "sourcetype", label: "Source type" },
  ],
  jira: [
    { name: "jira_domain", label: "Jira domain", required: true },
    { name: "email", label: "Account e-mail", required: true, type: "email" },
    { name: "api_token", label: "API token", required: true, secret: true },
    { name: "project", label: "Project key", required: true },
    { name: "reporter_id", label: "Reporter id" },
    { name: "issue_type", label: "Issue type" },
  ],
  jsd: [
    { name: "jira_domain", label: "Jira domain", required: true },
    { name: "email", label: "Account e-mail", required: true, type: "email" },
    { name: "api_token", label: "API token", required: true, secret: true },
    { name: "service_desk_id", label: "Service desk id", required: true },
    { name: "request_type_id", label: "Request type id", required: true },
  ],
  snow: [
    { name: "instance_name", label: "ServiceNow instance", required: true },
    { name: "username", label: "User name" },
    { name: "password", label: "Password", secret: true },
  ],
  email: [
    { name: "email", label: "Send to (e-mail address)", required: true, type: "email" },
    { name: "subject_template", label: "Subject template" },
  ],
};
