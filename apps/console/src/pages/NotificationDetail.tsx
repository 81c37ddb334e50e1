import type { Delivery } from "@herald/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Fragment } from "react";
import { Link } from "wouter";
import { useClient, usePermissions } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { StatusBadge } from "../components/StatusBadge";
import { TableWrap } from "../components/TableWrap";
import { WhyNotDelivered } from "../components/WhyNotDelivered";
import { formatTime } from "../format";

/** A notification with every leg: its status timeline, its attempts, and Retry on a failed one. */
export default function NotificationDetail({ id }: { id: string }) {
  const client = useClient();
  const notification = useQuery({ queryKey: ["notification", id], queryFn: () => client.getAccountNotification(id) });
  const deliveries = useQuery({
    queryKey: ["deliveries", id],
    queryFn: () => client.getNotificationDeliveries({ notification_id: id }),
    // Until every leg settled, it changes under us.
    refetchInterval: (query) =>
      query.state.data?.deliveries.some((d) => d.status === "PENDING" || d.status === "SENT") ? 3000 : false,
  });
  return (
    <section aria-labelledby="notification-title">
      <p>
        <Link href="/notifications">← Notifications</Link>
      </p>
      <h1 id="notification-title">
        Notification <span className="mono">{id}</span>
      </h1>
      <ErrorMessage error={notification.error} />
      {notification.data && (
        <dl className="facts">
          <dt>Type</dt>
          <dd>{notification.data.type}</dd>
          <dt>Sent</dt>
          <dd>{formatTime(notification.data.created.at)}</dd>
          <dt>Status</dt>
          <dd>{notification.data.status}</dd>
        </dl>
      )}
      {notification.data && (
        <details>
          <summary>Notification body</summary>
          <pre>{JSON.stringify(notification.data, null, 2)}</pre>
        </details>
      )}
      <h2>Legs</h2>
      <ErrorMessage error={deliveries.error} />
      {deliveries.data?.deliveries.length === 0 && <p>No legs: no subscription of the account took it.</p>}
      {deliveries.data?.deliveries.map((delivery) => (
        <Leg key={delivery.id} delivery={delivery} notificationId={id} />
      ))}
      <WhyNotDelivered notificationId={id} type={notification.data?.type} />
    </section>
  );
}

function Leg({ delivery, notificationId }: { delivery: Delivery; notificationId: string }) {
  const client = useClient();
  const { write } = usePermissions();
  const queries = useQueryClient();
  const retry = useMutation({
    mutationFn: () => client.retryDelivery(delivery.id),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["deliveries", notificationId] }),
  });
  const titleId = `leg-${delivery.id}`;
  return (
    <article className="card leg" aria-labelledby={titleId}>
      <h3 id={titleId}>
        {delivery.channel} → {delivery.address ?? delivery.destination} <StatusBadge status={delivery.status} />
      </h3>
      <ol className="timeline" aria-label="Status timeline">
        <li>PENDING {formatTime(delivery.created)}</li>
        {delivery.sent_at !== undefined && <li>SENT {formatTime(delivery.sent_at)}</li>}
        {delivery.delivered_at !== undefined && <li>DELIVRD {formatTime(delivery.delivered_at)}</li>}
        {delivery.read_at !== undefined && <li>READ {formatTime(delivery.read_at)}</li>}
        {delivery.status === "FAILED" && <li>FAILED{delivery.last_error ? `: ${delivery.last_error}` : ""}</li>}
        {delivery.next_attempt_at !== undefined && delivery.status !== "FAILED" && (
          <li>next attempt {formatTime(delivery.next_attempt_at)}</li>
        )}
      </ol>
      {delivery.status === "FAILED" && write && (
        <p>
          <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
            Retry
          </button>
          {retry.isSuccess && <span role="status"> Retry queued.</span>}
        </p>
      )}
      <ErrorMessage error={retry.error} />
      {delivery.attempts.length > 0 && (
        <TableWrap label="Attempts table">
          <table>
            <caption>Attempts</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Trigger</th>
                <th scope="col">Response</th>
                <th scope="col">Latency</th>
                <th scope="col">Body / error</th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempts.map((attempt) => (
                <tr key={attempt.attempt}>
                  <td>{attempt.attempt}</td>
                  <td>{formatTime(attempt.started_at)}</td>
                  <td>{attempt.trigger}</td>
                  <td>{attempt.response_code ?? "–"}</td>
                  <td>{attempt.duration_ms} ms</td>
                  <td>
                    {attempt.error && <span className="bad">{attempt.error} </span>}
                    {attempt.response_body && <code className="body">{attempt.response_body}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {delivery.attempts.map(
        (attempt) =>
          attempt.request_headers !== undefined && (
            <RequestHeaders key={attempt.attempt} attempt={attempt.attempt} headers={attempt.request_headers} />
          ),
      )}
    </article>
  );
}

/** The headers one attempt sent, as Herald stored them (secrets already masked by Herald), behind a disclosure. */
function RequestHeaders({ attempt, headers }: { attempt: number; headers: Record<string, string> }) {
  return (
    <details className="request-headers">
      <summary>Attempt {attempt}: request headers</summary>
      <dl className="facts">
        {Object.entries(headers).map(([name, value]) => (
          <Fragment key={name}>
            <dt>
              <code>{name}</code>
            </dt>
            <dd>
              <code className="body">{value}</code>
            </dd>
          </Fragment>
        ))}
      </dl>
    </details>
  );
}
