import type { Delivery } from "@herald/client";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { useClient } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { NotificationTypeOptions } from "../components/NotificationTypeOptions";
import { TableWrap } from "../components/TableWrap";
import { formatTime } from "../format";

const PAGE_SIZE = 20;
const LIVE_INTERVAL_MS = 5000;
const STATUSES = ["PENDING", "SENT", "DELIVRD", "READ", "FAILED"] as const;

interface Row {
  id: string;
  type: string;
  time?: number;
  status?: string;
}

/** Notifications of one type, newest first, page by page (continuation ids), or those of one incident. */
export default function Notifications() {
  const client = useClient();
  const [type, setType] = useState<string>();
  const [status, setStatus] = useState("");
  const [incident, setIncident] = useState("");
  const [live, setLive] = useState(true);
  // Continuation ids of the pages before this one, and this page's.
  const [pages, setPages] = useState<string[]>([]);
  const continuation = pages.at(-1);

  const types = useQuery({ queryKey: ["notification-types"], queryFn: () => client.getNotificationTypes() });
  const selectedType = type ?? types.data?.notification_types[0]?.notification_type;
  const refetchInterval = live ? LIVE_INTERVAL_MS : false;

  const list = useQuery({
    queryKey: ["notifications", selectedType, status, continuation],
    enabled: Boolean(selectedType) && !incident.trim(),
    refetchInterval,
    queryFn: () =>
      client.getAccountNotificationByType(selectedType ?? "", {
        limit: PAGE_SIZE,
        sort: "desc",
        // Herald lists only the notifications with a leg in that status, page by page.
        ...(status ? { delivery_status: status as Delivery["status"] } : {}),
        ...(continuation ? { continuation_id: continuation } : {}),
      }),
  });
  const byIncident = useQuery({
    queryKey: ["incident-notifications", incident.trim()],
    enabled: Boolean(incident.trim()),
    refetchInterval,
    queryFn: () => client.getSentIncidentNotifications(incident.trim()),
  });

  const rows: Row[] = incident.trim()
    ? (byIncident.data?.notifications ?? []).map((n) => ({ id: n.id, type: n.type }))
    : (list.data?.notifications ?? []).map((n) => ({ id: n.id, type: n.type, time: n.created.at, status: n.status }));

  // Every row's legs (one call per notification on the page).
  const legs = useQueries({
    queries: rows.map((row) => ({
      queryKey: ["deliveries", row.id],
      refetchInterval,
      queryFn: () => client.getNotificationDeliveries({ notification_id: row.id }),
    })),
  });
  const legsOf = (index: number): Delivery[] | undefined => legs[index]?.data?.deliveries;
  // An incident's notifications are filtered here: that listing takes no status.
  const shown = rows
    .map((row, index) => ({ row, deliveries: legsOf(index) }))
    .filter(({ deliveries }) => !incident.trim() || !status || deliveries?.some((d) => d.status === status));

  const next = list.data?.continuation_id;
  const error = types.error ?? list.error ?? byIncident.error;
  return (
    <section aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Type
          <select
            value={selectedType ?? ""}
            onChange={(e) => {
              setType(e.target.value);
              setPages([]);
            }}
          >
            <NotificationTypeOptions types={types.data?.notification_types} />
          </select>
        </label>
        <label>
          Leg status
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPages([]);
            }}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Incident id
          <input value={incident} placeholder="long incident id" onChange={(e) => setIncident(e.target.value)} />
        </label>
        <label className="inline">
          <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} /> Live
        </label>
      </form>
      <ErrorMessage error={error} />
      <TableWrap label="Notifications table">
        <table>
          <caption className="sr-only">Notifications with their legs</caption>
          <thead>
            <tr>
              <th scope="col">Notification</th>
              <th scope="col">Type</th>
              <th scope="col">Time</th>
              <th scope="col">Status</th>
              <th scope="col">Legs</th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ row, deliveries }) => (
              <tr key={row.id}>
                <td>
                  <Link href={`/notifications/${row.id}`} className="mono">
                    {row.id.slice(0, 8)}…
                  </Link>
                </td>
                <td>{row.type}</td>
                <td>{formatTime(row.time)}</td>
                <td>{row.status ?? "–"}</td>
                <td>{deliveries ? <LegCounts deliveries={deliveries} /> : "…"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {shown.length === 0 && !list.isLoading && !byIncident.isLoading && <p>No notifications.</p>}
      {!incident.trim() && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={pages.length === 0} onClick={() => setPages(pages.slice(0, -1))}>
            Newer
          </button>
          <button
            type="button"
            disabled={!next || next === continuation}
            onClick={() => next && setPages([...pages, next])}
          >
            Older
          </button>
        </nav>
      )}
    </section>
  );
}

function LegCounts({ deliveries }: { deliveries: Delivery[] }) {
  const count = (statuses: string[]) => deliveries.filter((d) => statuses.includes(d.status)).length;
  const delivered = count(["DELIVRD", "READ"]);
  const failed = count(["FAILED"]);
  const pending = count(["PENDING", "SENT"]);
  return (
    <span>
      <span className="ok">{delivered} delivered</span> · <span className="bad">{failed} failed</span> ·{" "}
      <span>{pending} pending</span>
    </span>
  );
}
