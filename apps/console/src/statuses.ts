/** Leg statuses, bottom of a stacked bar first, with the words and colours the overview uses. */
export const STATUS_ORDER = ["DELIVRD", "READ", "SENT", "PENDING", "FAILED"] as const;
export type LegStatus = (typeof STATUS_ORDER)[number];

export const STATUS_WORDS: Record<LegStatus, string> = {
  DELIVRD: "delivered",
  READ: "read",
  SENT: "sent",
  PENDING: "pending",
  FAILED: "failed",
};

export const STATUS_COLORS: Record<LegStatus, string> = {
  DELIVRD: "#1b7f3b",
  READ: "#0b57d0",
  SENT: "#7a5af8",
  PENDING: "#b7791f",
  FAILED: "#c62828",
};
