// Notifications the channel renderings are tested with: the seed types as producers send them, and hostile data.

import { notification } from "@herald/contracts/alertlogic-examples";
import type { NotificationView } from "../../src/delivery/channels/message";

/** Alert Logic's "Notification Example", as the batch reads it for an `incidents/alerts` delivery. */
export function incidentView(): NotificationView {
  return {
    id: notification.id,
    type: "incidents/alerts",
    typeName: "Incidents",
    accountId: notification.account_id,
    accountName: "Albert Conglomerate",
    createdAt: new Date(notification.created.at * 1000).toISOString(),
    notificationData: structuredClone(notification.notification_data),
    assetData: structuredClone(notification.asset_data),
    payload: structuredClone(notification.payload),
    attachments: structuredClone(notification.attachments),
  };
}

export function reportView(): NotificationView {
  return {
    id: "5C7C3D1E-9B7A-4F43-8C5E-2E0C1B7A9D01",
    type: "report/scheduled",
    typeName: "Scheduled Reports",
    accountId: "12345678",
    accountName: "Albert Conglomerate",
    createdAt: "2026-03-02T07:00:00.000Z",
    notificationData: { schedule_id: "F6103D82-A358-1005-8001-0242AC110020" },
    assetData: {},
    payload: {
      report_name: "Weekly threat summary",
      schedule_id: "F6103D82-A358-1005-8001-0242AC110020",
      cadence: "weekly",
      summary: "The weekly threat summary for 23 February to 1 March is ready.",
    },
    attachments: [
      {
        name: "weekly-threat-summary.pdf",
        description: "PDF, 12 pages",
        url: "https://reports.example.com/r/F6103D82/weekly-threat-summary.pdf",
      },
      { name: "weekly-threat-summary.csv", url: "https://reports.example.com/r/F6103D82/weekly-threat-summary.csv" },
    ],
  };
}

export function healthView(): NotificationView {
  return {
    id: "9E1F7A52-3C44-4C1B-A0B6-0D6A5C1F2E77",
    type: "health/alerts",
    typeName: "Health Alerts",
    accountId: "12345678",
    accountName: "Albert Conglomerate",
    createdAt: "2026-03-02T09:15:30.250Z",
    notificationData: { status: "offline", class: "appliance_health", appliance: "ids-appliance-01" },
    assetData: { deployment_id: "1E20CE42-0BED-44A1-943F-EAE900C01741" },
    payload: {
      summary: "Appliance ids-appliance-01 has sent no data for 15 minutes",
      deployment_name: "Production AWS",
    },
    attachments: [],
  };
}

/** A 100 KB summary, a thousand attackers, long names and a long attachment list. */
export function longView(): NotificationView {
  const view = incidentView();
  view.accountName = `Albert ${"Conglomerate ".repeat(200)}`;
  view.notificationData.attackers = Array.from({ length: 1_000 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
  view.notificationData.targets = Array.from({ length: 12 }, (_, i) => `host-${i}.${"sub.".repeat(100)}example.com`);
  view.notificationData.class = "c".repeat(5_000);
  view.payload.attack_summary = `Web server recon ${"attack ".repeat(14_600)}`.slice(0, 100_000);
  view.payload.incident_id = "i".repeat(3_000);
  view.payload.long_incident_id = "L".repeat(300);
  view.attachments = Array.from({ length: 20 }, (_, i) => ({
    name: `capture-${i}-${"x".repeat(300)}.pcap`,
    url: `https://files.example.com/${"segment/".repeat(200)}${i}.pcap`,
  }));
  return view;
}

const INJECTION =
  "<!channel> <!here|here> <@U123> <#C123> <http://evil.example|click> @everyone @here " +
  "[click](javascript:alert(1)) <script>alert(1)</script> **bold** _it_ ~~gone~~ `code` <b>b</b> &amp; " +
  "<:emoji:123> <t:0:R> || spoiler ||";

/** Mentions, links, markdown and HTML in every field a renderer shows, and links that are not http(s). */
export function injectionView(): NotificationView {
  const view = incidentView();
  view.accountName = "Evil <!channel> **Corp** @everyone";
  view.typeName = "Incidents <!here>";
  view.notificationData.threat_level = "HIGH";
  view.notificationData.attackers = ["<@U999>", "[x](javascript:alert(2))", "@everyone"];
  view.notificationData.status = "# heading\n> quote\n- list\n1. item";
  view.payload.attack_summary = INJECTION;
  view.payload.incident_id = "<!subteam^S123>";
  view.attachments = [
    { name: "click me", url: "javascript:alert(1)" },
    { name: "data", url: "data:text/html,<script>alert(1)</script>" },
    { name: "relative", url: "/etc/passwd" },
    { name: "ok <!channel> [x](y)", url: "https://example.com/a b?x=1&y=<2>|z(3)" },
  ];
  return view;
}

/** Emoji, right-to-left text and overrides, combining marks, and a surrogate pair on each truncation boundary. */
export function unicodeView(): NotificationView {
  const view = incidentView();
  view.accountName = "שלום עולם 🏢 مرحبا";
  view.notificationData.threat_level = "Critical";
  view.notificationData.attackers = ["🐙", "\u202Egnp.exe", "e\u0301te\u0301"];
  // One ASCII character first puts every emoji on an odd offset, so each limit (all even) falls inside a pair.
  view.payload.attack_summary = `x${"😀".repeat(5_000)}`;
  view.payload.deployment_name = `Z\u0351\u0352\u0353algo ${"👩‍👩‍👧‍👦".repeat(50)}`;
  view.attachments = [{ name: "📎 ملف.png", url: "https://例え.テスト/ファイル.png" }];
  return view;
}

/** Nothing but what every notification has: empty data, an unknown type, no names. */
export function emptyView(): NotificationView {
  return {
    id: "0F4E2B7D-6A1C-4E2F-9B3A-7C5D8E9F0A1B",
    type: "custom/thing",
    typeName: "custom/thing",
    accountId: "87654321",
    accountName: "87654321",
    createdAt: "2026-03-02T10:00:00.000Z",
    notificationData: {},
    assetData: {},
    payload: {},
    attachments: [],
  };
}

/** Three-byte characters everywhere a card shows text, and the longest links Herald accepts: Teams' worst case. */
export function wideView(): NotificationView {
  const wide = "警".repeat(5_000); // longer than any text limit, and the whole notification still under 1 MB
  const view = incidentView();
  view.accountName = wide;
  view.typeName = wide;
  view.notificationData = {
    threat_level: wide,
    status: wide,
    class: wide,
    attackers: [wide],
    targets: [wide],
    detection_source: wide,
    appliance: wide,
    schedule_id: wide,
  };
  view.payload = {
    attack_summary: wide,
    incident_id: wide,
    deployment_name: wide,
    report_name: wide,
    search_name: wide,
  };
  view.attachments = Array.from({ length: 20 }, (_, i) => ({
    name: wide,
    url: `https://files.example.com/${i}/${"a".repeat(2_000)}`,
  }));
  return view;
}

export const CASES = {
  incident: incidentView,
  report: reportView,
  health: healthView,
  long: longView,
  injection: injectionView,
  unicode: unicodeView,
  empty: emptyView,
} as const;

/** The notification document a webhook carries (what payload conversions read), from a channel test view. */
export function documentOf(view: NotificationView) {
  const { id, accountId, type, notificationData, assetData, payload, attachments } = view;
  const at = Math.floor(Date.parse(view.createdAt) / 1000);
  return {
    id,
    account_id: accountId,
    type,
    notification_data: notificationData,
    asset_data: assetData,
    payload,
    attachments,
    status: "dispatched",
    created: { at, by: "producer" },
    modified: { at, by: "producer" },
  };
}
