// The integration type names, with no schema around them: the database's `integrations.type` column is typed by this
// list too (packages/db imports it from `@herald/contracts/integration-types` without loading zod).

export const INTEGRATION_TYPES = [
  "webhook",
  "slack",
  "msteams",
  "pagerduty",
  "discord",
  "splunk_hec",
  "jira",
  "jsd",
  "snow",
  "email",
] as const;
