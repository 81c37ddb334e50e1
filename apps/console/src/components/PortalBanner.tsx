import { useQuery } from "@tanstack/react-query";
import { useClient } from "../auth";
import { formatTime } from "../format";
import type { PortalGrant } from "../session";

/** A portal session says what it is: its role, its scope (the integrations' names), and when it ends. */
export default function PortalBanner({ portal, expiresAt }: { portal: PortalGrant; expiresAt: number }) {
  const client = useClient();
  const integrations = useQuery({
    queryKey: ["integrations"],
    queryFn: () => client.getAccountIntegrations(),
    enabled: portal.integrationIds !== undefined,
  });
  const names = portal.integrationIds?.map(
    (id) => integrations.data?.integrations.find((integration) => integration.id === id)?.name ?? id,
  );
  return (
    <aside className="portal-banner" aria-label="Portal session">
      Portal access, {portal.role === "read" ? "read only" : "read and write"}
      {names ? `, limited to ${names.length === 1 ? "integration" : "integrations"} ${names.join(", ")}` : ""}. Ends{" "}
      {formatTime(expiresAt)}.
    </aside>
  );
}
