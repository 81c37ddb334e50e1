const LABELS: Record<string, string> = {
  PENDING: "pending",
  SENT: "sent",
  DELIVRD: "delivered",
  READ: "read",
  FAILED: "failed",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase()}`}>{LABELS[status] ?? status}</span>;
}
