import {
  AccountIdParam,
  Actor,
  ContinuationIdQuery,
  EpochSeconds,
  EpochSecondsQuery,
  HttpUrl,
  Id,
  LimitQuery,
  pageFields,
  pathParam,
  SortQuery,
} from "./common";
import { NotificationTypeKey } from "./notification-types";
import { z } from "./zod";

// notification_data, asset_data and payload are loose: producers send more keys than Alert Logic's definition
// lists (subscription filters read e.g. notification.escalated, .schedule_id, .correlation_id), and webhooks get
// the payload as sent.

export const NotificationData = z
  .looseObject({
    class: z.string().optional(),
    threat_level: z.string().optional(),
    attackers: z.array(z.string()).optional(),
    targets: z.array(z.string()).optional(),
    status: z.string().optional(),
    appliance: z.string().optional(),
    detection_source: z.string().optional(),
  })
  .openapi("Notification-Data", {
    description:
      "Facts about the event. Subscription filters read these keys as `notification.<key>`; keys not listed " +
      "here (escalated, schedule_id, correlation_id, ...) are kept.",
    example: { class: "web_attack_recon", threat_level: "high", attackers: ["78.0.0.0"], status: "open" },
  });
export type NotificationData = z.infer<typeof NotificationData>;

const tagList = z.array(z.record(z.string(), z.string()));

export const AssetData = z
  .looseObject({
    deployment_id: z.string().optional(),
    tags: tagList.optional(),
    tag_keys: tagList.optional(),
  })
  .openapi("Asset-Data", {
    description: "The assets involved. Other keys are kept.",
    example: {
      deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741",
      tags: [{ key: "value" }],
      tag_keys: [{ key: "value" }],
    },
  });
export type AssetData = z.infer<typeof AssetData>;

// Alert Logic's TypeScript client (@al/herald) types `cid` as a string: a numeric string is taken as the number.
function numericString(value: unknown): unknown {
  return typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value;
}

const CustomerId = z.preprocess(numericString, z.number()).optional().openapi({
  type: "number",
  description: "Customer id. A numeric string (as @al/herald types it) is accepted and stored as the number.",
});

export const NotificationPayload = z
  .looseObject({
    analyst_notes: z.string().optional(),
    attack_summary: z.string().optional(),
    cid: CustomerId,
    class: z.string().optional(),
    create_date: z.string().optional(),
    customer_name: z.string().optional(),
    deployment_name: z.string().optional(),
    incident_id: z.string().optional(),
    investigation_report: z.string().optional().openapi({ description: "HTML." }),
    location_ip: z.string().optional(),
    long_incident_id: z.string().optional(),
    start_date: z.string().optional(),
    status: z.string().optional(),
    threat: z.string().optional(),
  })
  .openapi("Notification-Payload", {
    description: "Content rendered into emails and forwarded to webhooks as sent. Other keys are kept.",
    example: { cid: 68450188, incident_id: "eyeisid", long_incident_id: "longeyeisid", threat: "Medium" },
  });
export type NotificationPayload = z.infer<typeof NotificationPayload>;

export const Attachment = z
  .object({
    name: z.string().min(1).openapi({ example: "filename.png" }),
    description: z.string().optional(),
    url: HttpUrl.openapi({ example: "https://example.com/callback/url/info.png" }),
  })
  .openapi("Attachment", {
    example: {
      name: "filename.png",
      description: "This is an optional description for the attachment",
      url: "https://example.com/callback/url/info.png",
    },
  });
export type Attachment = z.infer<typeof Attachment>;

const attachments = z.array(Attachment).max(20);

export const SendNotificationRequest = z
  .object({
    type: NotificationTypeKey,
    notification_data: NotificationData,
    asset_data: AssetData,
    payload: NotificationPayload,
    attachments: attachments.optional().openapi({ description: "At most 20." }),
  })
  .openapi("Send-Notification-Request", {
    description: "Delivery is asynchronous: the stored notification is returned with status `created`.",
    example: {
      type: "incidents/alerts",
      notification_data: { class: "web_attack_recon", threat_level: "high", status: "open" },
      asset_data: { deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741" },
      payload: { incident_id: "eyeisid", long_incident_id: "longeyeisid", threat: "Medium" },
    },
  });
export type SendNotificationRequest = z.infer<typeof SendNotificationRequest>;

/** Values this server writes to Notification.status; the wire type stays a string. */
export const NotificationStatus = z
  .enum(["created", "processing", "completed", "failed"])
  .openapi("Notification-Status", {
    description:
      "`created`: accepted, not yet fanned out. `processing`: deliveries in progress. " +
      "`completed`: every delivery finished. `failed`: the notification could not be processed.",
    example: "created",
  });
export type NotificationStatus = z.infer<typeof NotificationStatus>;

export const Notification = z
  .object({
    id: z.string(),
    account_id: z.string(),
    type: z.string().openapi({ example: "incidents/alerts" }),
    notification_data: NotificationData,
    asset_data: AssetData,
    payload: NotificationPayload,
    attachments: z.array(Attachment).optional(),
    status: z.string().openapi({ description: "See Notification-Status.", example: "created" }),
    created: Actor,
    modified: Actor,
  })
  .openapi("Notification", {
    example: {
      id: "3B8EAFA0-1E1A-4744-AB53-0EE45EA8B102",
      account_id: "12345678",
      type: "incidents/alerts",
      notification_data: { class: "web_attack_recon", threat_level: "high", status: "open" },
      asset_data: { deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741" },
      payload: { incident_id: "eyeisid", long_incident_id: "longeyeisid", threat: "Medium" },
      status: "created",
      created: { at: 1517314312, by: "28122406-177B-4C5C-B6E6-4A947EA324EF" },
      modified: { at: 1517314312, by: "28122406-177B-4C5C-B6E6-4A947EA324EF" },
    },
  });
export type Notification = z.infer<typeof Notification>;

export const NotificationPage = z
  .object({
    notifications: z.array(Notification),
    ...pageFields("notifications"),
  })
  .openapi("Notification-Page");
export type NotificationPage = z.infer<typeof NotificationPage>;

export const NotificationsByTypeQuery = z
  .object({
    sort: SortQuery,
    continuation_id: ContinuationIdQuery.optional(),
    since: EpochSecondsQuery.optional().openapi({ description: "Only notifications created at or after this time." }),
    until: EpochSecondsQuery.optional().openapi({
      description: "Only notifications created before this time (exclusive).",
    }),
    limit: LimitQuery,
    delivery_status: z
      .enum(["PENDING", "SENT", "DELIVRD", "READ", "FAILED"])
      .optional()
      .openapi({
        description:
          "Herald extension: only notifications with at least one leg in this status (FAILED: those with a failed " +
          "destination). The page's `total_count` counts those too.",
        example: "FAILED",
      }),
  })
  .refine((query) => query.since === undefined || query.until === undefined || query.since <= query.until, {
    path: ["until"],
    message: "until must not be before since",
  });
export type NotificationsByTypeQuery = z.infer<typeof NotificationsByTypeQuery>;

// ---- Sent incident notifications: what was delivered for one incident. ----

export const DeliveryStatus = z.enum(["PENDING", "SENT", "DELIVRD", "READ", "FAILED"]).openapi("Delivery-Status", {
  description: "Per destination. DELIVRD and READ are delivery receipts.",
  example: "SENT",
});
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const IntegrationCallStatus = z
  .enum(["QUEUED", "SENT"])
  .openapi("Integration-Call-Status", { description: "Per integration call.", example: "SENT" });
export type IntegrationCallStatus = z.infer<typeof IntegrationCallStatus>;

export const DestinationStatus = z
  .object({
    destination: z.string().openapi({ description: "Email address, or connection id.", example: "soc@example.com" }),
    status: DeliveryStatus,
    sent_at: EpochSeconds.optional(),
  })
  .openapi("Destination-Status");
export type DestinationStatus = z.infer<typeof DestinationStatus>;

export const IntegrationStatus = z
  .object({
    type: z.string().openapi({ example: "webhook" }),
    integration_id: z.string(),
    status: IntegrationCallStatus,
    queue_data: z
      .object({
        id: z.string(),
        config: z.object({ type: z.string(), target_url: z.string() }),
      })
      .optional(),
    integration_response: z
      .object({
        code: z.union([z.number(), z.string()]).optional().openapi({ description: "HTTP status of the target." }),
        body: z.string().nullable(),
      })
      .optional(),
  })
  .openapi("Integration-Status", {
    example: {
      type: "webhook",
      integration_id: "713CB1FD-D010-4A98-8D53-BF5B3F1F882C",
      status: "SENT",
      queue_data: {
        id: "BA46561C-5ECE-4423-9C6C-D550E24966B1",
        config: { type: "webhook", target_url: "https://example.com/webhook/endpoint" },
      },
      integration_response: { code: 200, body: null },
    },
  });
export type IntegrationStatus = z.infer<typeof IntegrationStatus>;

export const SentNotification = z
  .object({
    id: z.string(),
    type: z.string().openapi({ example: "incidents/alerts" }),
    subkey: z.string().optional().openapi({ example: "incidents/medium" }),
    subject: z.string().optional().openapi({ description: "Email subject as sent." }),
    statuses: z.array(DestinationStatus),
    integration_statuses: z.array(IntegrationStatus).optional(),
  })
  .openapi("Sent-Notification");
export type SentNotification = z.infer<typeof SentNotification>;

export const IncidentNotification = z
  .object({ notifications: z.array(SentNotification) })
  .openapi("Incident-Notification", {
    example: {
      notifications: [
        {
          id: "78431C7C-F2AC-4748-B70F-BA2332E54811",
          type: "incidents/alerts",
          subkey: "incidents/medium",
          subject: "medium Threat Incident : SSH_LOG brute force attack from 61.184.247.10",
          statuses: [{ destination: "soc@example.com", status: "SENT", sent_at: 1536094181 }],
        },
      ],
    },
  });
export type IncidentNotification = z.infer<typeof IncidentNotification>;

// ---- Path parameters ----

const notificationIdPath = pathParam("notification_id", Id, "Notification id.");

export const NotificationIdParam = z.object({ notification_id: notificationIdPath });
export type NotificationIdParam = z.infer<typeof NotificationIdParam>;

export const AccountNotificationParam = AccountIdParam.extend({ notification_id: notificationIdPath });
export type AccountNotificationParam = z.infer<typeof AccountNotificationParam>;

/** `type` holds a slash (`incidents/alerts`) and is sent unencoded, so it spans two path segments. */
export const NotificationsByTypeParam = AccountIdParam.extend({
  type: pathParam("type", NotificationTypeKey, "Notification type, e.g. incidents/alerts; its slash is not encoded."),
});
export type NotificationsByTypeParam = z.infer<typeof NotificationsByTypeParam>;

export const IncidentNotificationsParam = AccountIdParam.extend({
  long_incident_id: pathParam("long_incident_id", z.string().min(1), "The incident's long incident id."),
});
export type IncidentNotificationsParam = z.infer<typeof IncidentNotificationsParam>;
