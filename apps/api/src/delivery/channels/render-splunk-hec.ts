// A notification as a Splunk HTTP Event Collector event (POST https://<host>:8088/services/collector/event): the whole
// notification, for searches and dashboards to take apart, stamped with the time it was created.

import type { NotificationView } from "./message";
import { capJson, jsonSize } from "./truncate";

export interface SplunkHecConfig {
  index?: string;
  source?: string;
  sourcetype?: string;
}

export interface SplunkHecEvent {
  /** Epoch seconds with a millisecond fraction; absent when the notification's time is unreadable (Splunk then uses
   * the time it receives the event). */
  time?: number;
  host: "herald";
  source: string;
  sourcetype: string;
  index?: string;
  event: unknown;
}

/**
 * HEC refuses a request whose body exceeds its `max_content_length`; 1,000,000 bytes is the long-standing default
 * (some deployments allow more, none commonly less). A notification that large is rare: only then are its largest
 * values cut (see capJson), leaving room for the envelope.
 */
export const SPLUNK_HEC_MAX_BYTES = 1_000_000;

export function renderSplunkHec(view: NotificationView, config: SplunkHecConfig = {}): SplunkHecEvent {
  const createdAt = Date.parse(view.createdAt);
  const envelope: Omit<SplunkHecEvent, "event"> = {
    ...(Number.isNaN(createdAt) ? {} : { time: createdAt / 1000 }),
    host: "herald",
    source: config.source ?? "herald",
    sourcetype: config.sourcetype ?? "herald:notification",
    ...(config.index === undefined ? {} : { index: config.index }),
  };
  const event = {
    id: view.id,
    account_id: view.accountId,
    account_name: view.accountName,
    type: view.type,
    type_name: view.typeName,
    created_at: view.createdAt,
    notification_data: view.notificationData,
    asset_data: view.assetData,
    payload: view.payload,
    attachments: view.attachments,
  };
  // `"event":` and a comma beside the envelope's own JSON.
  const room = SPLUNK_HEC_MAX_BYTES - jsonSize(envelope) - 10;
  return { ...envelope, event: capJson(event, room) };
}
