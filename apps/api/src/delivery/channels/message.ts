// What a channel (Slack, Teams, Discord, PagerDuty, Splunk HEC) renders from: one notification with the names around
// it, already read by the batch. Renderers are pure functions of this view and their integration's settings, so the
// same notification renders the same way in a delivery, a test call and a golden file.

/** Severity on Herald's scale, from the notification's `threat_level` (Alert Logic: critical, high, medium, low, info). */
export type Severity = "critical" | "high" | "medium" | "low" | "info";

export interface NotificationView {
  id: string;
  /** The notification type's key, e.g. `incidents/alerts`. */
  type: string;
  /** The notification type's display name, e.g. `Incidents` (the key when the type has none). */
  typeName: string;
  accountId: string;
  /** The account's display name (its id when it has none). */
  accountName: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  notificationData: Record<string, unknown>;
  assetData: Record<string, unknown>;
  payload: Record<string, unknown>;
  attachments: ReadonlyArray<{ name: string; description?: string; url: string }>;
}

/**
 * The message text a subscription asked for (`options.message_template`, Mustache, rendered against the same view
 * e-mail templates get); when present it replaces the default summary line of chat renderings and PagerDuty's
 * `summary`. Splunk HEC events always carry the whole notification.
 */
export interface RenderOptions {
  messageText?: string;
}
