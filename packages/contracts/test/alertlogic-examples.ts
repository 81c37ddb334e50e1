// Request and response examples copied from Alert Logic's Herald definition (alertlogic/alertlogic-sdk-definitions,
// alsdkdefs/apis/herald/herald.v1.yaml at 7c46b02, and the 2021-11 version for integrations; MIT licensed).
// They are data on purpose: if a schema stops accepting one of them, an Alert Logic client breaks.

export const sendNotificationRequest = {
  type: "incidents/notification",
  notification_data: {
    class: "web_attack_recon",
    threat_level: "high",
    attackers: ["78.0.0.0"],
    targets: ["192.0.0.0", "192.0.0.1", "192.0.0.02"],
    status: "open",
    appliance: "Appliance Name or Id",
    detection_source: "network_ids",
  },
  asset_data: {
    deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741",
    tags: [{ key: "value" }],
    tag_keys: [{ key: "value" }],
  },
  payload: {
    analyst_notes: "[]",
    attack_summary: "Web server recon attack from 13.13.13.13\n",
    cid: 68450188,
    class: "web_attack_recon",
    create_date: "31th Dec 1999 23:23:59 GMT",
    customer_name: "Albert Conglomerate",
    deployment_name: "Manual deployment",
    incident_id: "eyeisid",
    investigation_report: [
      "<p><strong>Attack Detail</strong>:  </p>",
      "<p><strong>Attacker Location:</strong> 13.13.13.13, United Kingdom<br />",
      "<strong>Targeted Website</strong>: www.respectmyconglomerate.com</p>",
      "<p><strong>Attack Type</strong>  </p>",
      "<p>Why does this have markdown, it make this field useless in webhooks.</p>",
      "<p><strong>Attack Methods</strong>  </p>",
      "<p><strong>XPath Injection</strong><br />Lorem ipsum dolor sit amet.<br />", // shortened
      '<strong>Reference</strong>: <a href="http://http://jermey.broked.it">Not XPath Injection - WebAppSec Page</a>  </p>',
    ].join("\n"),
    location_ip: "42.42.42.42",
    long_incident_id: "longeyeisid",
    start_date: "31th Dec 1999 23:23:59 GMT",
    status: "closed",
    threat: "Medium",
  },
  attachments: [
    {
      name: "filename.png",
      description: "This is an optional description for the attachment",
      url: "https://example.com/callback/url/info.png",
    },
  ],
};

/** The request almdrlib sent in the recorded run (herald-contract.md §6.5). */
export const sendNotificationMinimal = { type: "incidents/alerts", notification_data: {}, asset_data: {}, payload: {} };

/** "Notification Example": the send example as stored. */
export const notification = {
  ...sendNotificationRequest,
  id: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102",
  account_id: "12345678",
  status: "created",
  created: { at: 1517314312, by: "28122406-177B-4C5C-B6E6-4A947EA324EF" },
  modified: { at: 1517314312, by: "28122406-177B-4C5C-B6E6-4A947EA324EF" },
};

/** First item of "Incident Notification Example" (the second uses the v1 field `feature` instead of `type`). */
export const incidentNotification = {
  notifications: [
    {
      id: "78431C7C-F2AC-4748-B70F-BA2332E54811",
      type: "incidents/alerts",
      subkey: "incidents/medium",
      subject: "medium Threat Incident : SSH_LOG brute force attack from 61.184.247.10",
      statuses: [
        { destination: "andres.artunduaga@alertlogic.com", status: "SENT", sent_at: 1536094181 },
        { destination: "cisom@alertlogic.com", status: "SENT", sent_at: 1536094181 },
      ],
      // From the 2021-11 definition.
      integration_statuses: [
        {
          type: "webhook",
          status: "QUEUED",
          integration_id: "857625F7-BAC7-4A90-9FAD-CB829D2ADC83",
          queue_data: {
            id: "E53E01A6-43D3-41EE-8E53-81BAE6025B47",
            config: { type: "webhook", target_url: "https://example.com" },
          },
        },
        {
          type: "webhook",
          status: "SENT",
          integration_id: "713CB1FD-D010-4A98-8D53-BF5B3F1F882C",
          queue_data: {
            id: "BA46561C-5ECE-4423-9C6C-D550E24966B1",
            config: { type: "webhook", target_url: "https://example.com/webhook/endpoint" },
          },
          integration_response: { code: 200, body: null },
        },
      ],
    },
  ],
};

export const createSubscriptionSparse = {
  name: "Incident Alert Test",
  class: "event",
  notification_type: "incidents/alert",
};

export const createSubscriptionFull = {
  name: "Notification Test",
  class: "schedule",
  notification_type: "report/scheduled",
  external_id: "8BBC2DE2-A331-1005-8001-0242AC110002",
  subscribers: [{ subscriber: "CD1D0C0A-7D83-469C-A752-C23FBD2BDA46", subscriber_type: "user" }],
  active: true,
  options: { include_attachments: true },
  filters: { "=": [{ source: "notification.schedule_id" }, "F6103D82-A358-1005-8001-0242AC110020"] },
  template: "scheduled_report_template",
  suppression_interval: 2400,
};

/** The create request almdrlib sent in the recorded run (herald-contract.md §6.5). */
export const createSubscriptionAlmdrlib = {
  name: "n",
  class: "event",
  notification_type: "incidents/alerts",
  subscribers: [{ subscriber: "U", subscriber_type: "user" }],
  suppression_interval: 10,
};

export const updateSubscriptionInactive = { active: false };

/** "Update Subscription Name and Options": `email_subject: false` contradicts the definition's own string type. */
export const updateSubscriptionNameAndOptions = { name: "New Notification Name", options: { email_subject: false } };

export const subscriberRequest = { subscriber: "e4f32e01-de26-4fe2-83da-dada3f76e2e2", subscriber_type: "user" };

export const subscriberRequestExtra = {
  subscriber: "82FB03F2-3FEC-411B-82A2-904F68BFCC74",
  subscriber_type: "connection",
  account_id: 134047511,
  subscription_id: "2306AD6F-EC8F-40B4-AC86-7C5D4FFC1597",
};

/** "Subscriber List": a bare array in the definition; the schema (and every real client) wraps it. */
export const batchUpdateSubscriberItems = [
  { subscriber: "664A8FDE-B9EA-4DAC-8E0C-041F845CCF8D", subscriber_type: "user", action: "delete" },
  { subscriber: "7DF5B263-3A50-40E3-9950-D52277C3AF1B", subscriber_type: "connection", action: "add" },
];

/** "Subscriptions List": a bare array in the definition; the schema wraps it as `{ids}`. */
export const batchDeleteIds = ["02AF2BD2-E775-4E89-BB26-4A67D73D5681", "86B8A354-0363-4FC2-82D3-0BB492DFD8B4"];

export const notificationType = {
  notification_type: "incidents/alerts",
  name: "Incidents",
  default_template: "Incidents Template",
  templates: ["Incidents Template", "Log Review Escalated"],
  default_email_subject: "Incidents Template Email Subject",
};

export const subscriptionOptions = { include_attachments: true };
export const suppressionInterval = 120;
export const templateKey = "incidents_template";

/** "Integration Webhook Example" (2021-11), as a create body: its example says `headers`, its schema `header`. */
export const webhookIntegration = {
  target_url: "https://www.example.com",
  name: "My Webhook",
  type: "webhook",
  headers: { "X-Header": "HeaderValue" },
};

export const errorExamples = [
  { error: "invalid_json" },
  { error: "invalid_json_schema" },
  { error: "account_not_active" },
  { error: "invalid_search_parameters" },
  { error: "missing_required_property", details: "notification_type" },
  { error: "wrong_type", path: "options.include_attachments" },
  { path: "subscribers.", error: "missing_required_property", details: "subscriber" },
];
