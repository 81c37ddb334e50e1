import type { Schemas } from "@herald/client";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { useClient, usePermissions } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { TableWrap } from "../components/TableWrap";
import { formatTime } from "../format";

/** Disabled by Herald (why, since when), paused by someone (since when), or active. */
export function IntegrationState({
  integration,
}: {
  integration: { paused: boolean; paused_at?: number; disabled_at?: number; disabled_reason?: string };
}) {
  if (integration.disabled_at !== undefined)
    return (
      <span className="bad">
        disabled since {formatTime(integration.disabled_at)}: {integration.disabled_reason}
      </span>
    );
  if (integration.paused) return <span>paused since {formatTime(integration.paused_at)}</span>;
  return <span className="ok">active</span>;
}

type Health = Schemas["Integration-Health"];

/** An integration's last 24 hours: its legs by outcome and the share that failed. */
function HealthSummary({ health }: { health: Health | undefined }) {
  if (!health) return <span>no legs</span>;
  const rate = Math.round(health.failure_rate * 100);
  return (
    <span className={health.failed > 0 ? "bad" : undefined}>
      {health.legs} legs: {health.delivered} delivered, {health.failed} failed
      {health.pending > 0 ? `, ${health.pending} pending` : ""} ({rate}% failed)
    </span>
  );
}

/** When the integration was last called and what it answered. */
function LastCall({ health }: { health: Health | undefined }) {
  if (health?.last_attempt_at === undefined) return <span>–</span>;
  const answer =
    health.last_error ?? (health.last_response_code !== undefined ? `HTTP ${health.last_response_code}` : "");
  return (
    <span>
      {formatTime(health.last_attempt_at)}: {answer}
    </span>
  );
}

export default function Integrations() {
  const client = useClient();
  const { manageIntegrations } = usePermissions();
  const list = useQuery({ queryKey: ["integrations"], queryFn: () => client.getAccountIntegrations() });
  // Health over the last 24 hours, from the same statistics as the overview.
  const statistics = useQuery({ queryKey: ["statistics"], queryFn: () => client.getDeliveryStatistics() });
  const healthOf = (id: string) => statistics.data?.integrations.find((row) => row.integration_id === id);
  return (
    <section aria-labelledby="integrations-title">
      <h1 id="integrations-title">Integrations</h1>
      {manageIntegrations && (
        <p>
          <Link href="/integrations/new" className="button">
            New integration
          </Link>
        </p>
      )}
      <ErrorMessage error={list.error} />
      <TableWrap label="Integrations table">
        <table>
          <caption className="sr-only">Integrations</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">State</th>
              <th scope="col">Last 24 hours</th>
              <th scope="col">Last call</th>
              <th scope="col">Modified</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.integrations.map((i) => (
              <tr key={i.id}>
                <td>
                  <Link href={`/integrations/${i.id}`}>{i.name}</Link>
                </td>
                <td>{i.type}</td>
                <td>
                  <IntegrationState integration={i} />
                </td>
                <td>
                  <HealthSummary health={healthOf(i.id)} />
                </td>
                <td>
                  <LastCall health={healthOf(i.id)} />
                </td>
                <td>{formatTime(i.modified.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data?.integrations.length === 0 && <p>No integrations yet.</p>}
    </section>
  );
}
