import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { useClient, usePermissions } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { TableWrap } from "../components/TableWrap";

export default function Subscriptions() {
  const client = useClient();
  const { write } = usePermissions();
  const list = useQuery({
    queryKey: ["subscriptions"],
    queryFn: () => client.getAccountSubscriptions({ include_subscribers: true }),
  });
  return (
    <section aria-labelledby="subscriptions-title">
      <h1 id="subscriptions-title">Subscriptions</h1>
      {write && (
        <p>
          <Link href="/subscriptions/new" className="button">
            New subscription
          </Link>
        </p>
      )}
      <ErrorMessage error={list.error} />
      <TableWrap label="Subscriptions table">
        <table>
          <caption className="sr-only">Subscriptions</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Active</th>
              <th scope="col">Filter</th>
              <th scope="col">Subscribers</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.subscriptions.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link href={`/subscriptions/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.notification_type}</td>
                <td>{s.active ? "yes" : "no"}</td>
                <td>{s.filters ? <code>{JSON.stringify(s.filters)}</code> : "–"}</td>
                <td>{s.subscriber_count ?? s.subscribers?.length ?? 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {list.data?.subscriptions.length === 0 && <p>No subscriptions yet.</p>}
    </section>
  );
}
