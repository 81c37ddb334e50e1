import type { Schemas } from "@herald/client";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { useClient } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { TableWrap } from "../components/TableWrap";
import { STATUS_COLORS, STATUS_ORDER, STATUS_WORDS } from "../statuses";

// uPlot comes with the chart, in its own chunk: the overview's numbers (and the rest of the console) do not wait for it.
const HourlyChart = lazy(() => import("../components/HourlyChart"));

type Hour = Schemas["Hourly-Deliveries"];
type Latency = Schemas["Delivery-Latency"];

const hourLabel = (hour: number) =>
  new Date(hour * 1000).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });

/** Deliveries per hour by status over the last 24 h, and send→delivered latency per integration. */
export default function Overview() {
  const client = useClient();
  const statistics = useQuery({
    queryKey: ["statistics"],
    queryFn: () => client.getDeliveryStatistics(),
    refetchInterval: 30_000,
  });
  const data = statistics.data;
  const totals = Object.fromEntries(
    STATUS_ORDER.map((status) => [status, data?.hours.reduce((sum, hour) => sum + hour[status], 0) ?? 0]),
  ) as Record<(typeof STATUS_ORDER)[number], number>;
  const total = data?.hours.reduce((sum, hour) => sum + hour.total, 0) ?? 0;
  const summary = `${total} legs in the last 24 hours: ${STATUS_ORDER.map((s) => `${totals[s]} ${STATUS_WORDS[s]}`).join(", ")}.`;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <ErrorMessage error={statistics.error} />
      {!data && !statistics.error && <p>Loading…</p>}
      {data && (
        <>
          <section className="card" aria-labelledby="hourly-title">
            <h2 id="hourly-title">Deliveries per hour, last 24 hours</h2>
            <p role="status" className="totals">
              {summary}
            </p>
            <Legend />
            <Suspense fallback={<p>Loading the chart…</p>}>
              <HourlyChart hours={data.hours} label={`Deliveries per hour by status, stacked. ${summary}`} />
            </Suspense>
            <details>
              <summary>The same as a table</summary>
              <HourlyTable hours={data.hours} />
            </details>
          </section>
          <section className="card" aria-labelledby="latency-title">
            <h2 id="latency-title">Send → delivered latency, last 24 hours</h2>
            <LatencyTable latency={data.latency} />
          </section>
        </>
      )}
    </section>
  );
}

function Legend() {
  return (
    <ul className="legend" aria-label="Chart colours">
      {STATUS_ORDER.map((status) => (
        <li key={status}>
          <span className="swatch" style={{ background: STATUS_COLORS[status] }} aria-hidden="true" />
          {STATUS_WORDS[status]}
        </li>
      ))}
    </ul>
  );
}

function HourlyTable({ hours }: { hours: Hour[] }) {
  return (
    <TableWrap label="Deliveries per hour table">
      <table>
        <caption>Legs created per hour, by their status now</caption>
        <thead>
          <tr>
            <th scope="col">Hour</th>
            {STATUS_ORDER.map((status) => (
              <th scope="col" key={status}>
                {STATUS_WORDS[status]}
              </th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {hours.map((hour) => (
            <tr key={hour.hour}>
              <th scope="row">{hourLabel(hour.hour)}</th>
              {STATUS_ORDER.map((status) => (
                <td key={status}>{hour[status]}</td>
              ))}
              <td>{hour.total}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

/** p50 and p95 per integration as a table whose cells carry bars scaled to the slowest p95. */
function LatencyTable({ latency }: { latency: Latency[] }) {
  if (latency.length === 0) return <p>Nothing was delivered in the last 24 hours.</p>;
  const longest = Math.max(1, ...latency.map((row) => row.p95_ms));
  const bar = (ms: number, kind: string) => (
    <span className="bar-cell">
      <span className="bar-track" aria-hidden="true">
        <span className={`bar bar-${kind}`} style={{ width: `${(ms / longest) * 100}%` }} />
      </span>
      <span className="bar-value">{ms} ms</span>
    </span>
  );
  return (
    <TableWrap label="Latency table">
      <table className="latency">
        <caption>Time from send (fan-out) to delivered, by integration</caption>
        <thead>
          <tr>
            <th scope="col">Destination</th>
            <th scope="col">Delivered</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
          </tr>
        </thead>
        <tbody>
          {latency.map((row) => (
            <tr key={row.integration_id ?? row.channel}>
              <th scope="row">
                {row.channel === "email"
                  ? "E-mail"
                  : `${row.integration_name ?? row.integration_id} (${row.integration_type ?? "webhook"})`}
              </th>
              <td>{row.delivered}</td>
              <td>{bar(row.p50_ms, "p50")}</td>
              <td>{bar(row.p95_ms, "p95")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
