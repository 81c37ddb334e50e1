import type { Schemas } from "@herald/client";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "wouter";
import { useClient, usePermissions } from "../auth";
import { formatTime } from "../format";
import { ErrorMessage } from "./ErrorMessage";
import { StatusBadge } from "./StatusBadge";

type Decision = Schemas["Fanout-Decision"];
type Destination = Schemas["Decision-Destination"];
type Mismatch = Schemas["Filter-Mismatch"];

/** The decision, as a heading a person reads. */
const VERDICTS: Record<Decision["decision"], string> = {
  delivered: "Sent to its destinations",
  deduplicated: "Matched, not sent again",
  no_subscribers: "Matched, but nobody to send to",
  filtered: "Filtered out",
  suppressed: "Suppressed",
  inactive: "Not sent: the subscription was inactive",
};

/**
 * "Why not delivered?": what fan-out decided for every subscription of the account to the notification's type, as
 * of the moment it ran (`get_notification_decisions`), with each destination's leg as it stands now.
 */
export function WhyNotDelivered({ notificationId, type }: { notificationId: string; type: string | undefined }) {
  const client = useClient();
  const { users: canReadUsers, subscriptions: canOpenSubscriptions } = usePermissions();
  const decisions = useQuery({
    queryKey: ["decisions", notificationId],
    queryFn: () => client.getNotificationDecisions({ notification_id: notificationId }),
    // Until fan-out ran, or while a leg is still on its way, the answer changes.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data) return false;
      if (data.decided_at === undefined) return 5000;
      const moving = data.decisions.some((d) =>
        d.destinations?.some((x) => x.delivery?.status === "PENDING" || x.delivery?.status === "SENT"),
      );
      return moving ? 3000 : false;
    },
  });
  const integrations = useQuery({ queryKey: ["integrations"], queryFn: () => client.getAccountIntegrations() });
  const users = useQuery({ queryKey: ["users"], queryFn: () => client.getAccountUsers(), enabled: canReadUsers });
  const nameOf = (destination: Destination): string => {
    if (destination.subscriber_type === "connection") {
      const name = integrations.data?.integrations.find((i) => i.id === destination.subscriber)?.name;
      return `integration ${name ?? destination.subscriber}`;
    }
    const user = users.data?.users.find((u) => u.id === destination.subscriber);
    return `user ${user?.name ?? destination.subscriber}${user?.email ? ` <${user.email}>` : ""}`;
  };
  const data = decisions.data;
  const subscriptionName = (id: string) => data?.decisions.find((d) => d.subscription_id === id)?.subscription_name;
  return (
    <section className="why" aria-labelledby="why-title">
      <h2 id="why-title">Why not delivered?</h2>
      <ErrorMessage error={decisions.error} />
      {data && data.decided_at === undefined && (
        <p>
          Herald has no fan-out record for this notification: it is still waiting to be fanned out, or it was sent
          before Herald kept these records.
        </p>
      )}
      {data && data.decided_at !== undefined && data.decisions.length === 0 && (
        <p>
          When fan-out ran ({formatTime(data.decided_at)}), no subscription of the account took{" "}
          {type ? <code>{type}</code> : "this type"}: there was nobody to deliver it to.
        </p>
      )}
      {data && data.decided_at !== undefined && data.decisions.length > 0 && (
        <>
          <p>
            What fan-out decided at {formatTime(data.decided_at)} for each subscription of the account to{" "}
            {type ? <code>{type}</code> : "this type"}, with each leg as it stands now.
          </p>
          <ul className="decisions">
            {data.decisions.map((decision) => (
              <li key={decision.subscription_id} className={`card decision decision-${decision.decision}`}>
                <h3>
                  {VERDICTS[decision.decision]}:{" "}
                  {subscriptionLink(decision.subscription_id, decision.subscription_name, canOpenSubscriptions)}
                </h3>
                <Explanation decision={decision} subscriptionName={subscriptionName} />
                {decision.destinations && decision.destinations.length > 0 && (
                  <ul className="destinations" aria-label="Destinations">
                    {decision.destinations.map((destination) => (
                      <li key={`${destination.subscriber_type}:${destination.subscriber}`}>
                        <DestinationLine
                          destination={destination}
                          name={nameOf(destination)}
                          subscriptionName={subscriptionName}
                        />
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function subscriptionLink(id: string, name: string | undefined, subscriptions: boolean): ReactNode {
  const label = name ? `subscription ${name}` : `subscription ${id} (deleted since)`;
  return subscriptions && name ? <Link href={`/subscriptions/${id}`}>{label}</Link> : label;
}

export function Explanation({
  decision,
  subscriptionName,
}: {
  decision: Decision;
  subscriptionName: (id: string) => string | undefined;
}) {
  switch (decision.decision) {
    case "delivered":
      return <p>Its filter matched (or it has none): a leg was written for each destination below.</p>;
    case "deduplicated": {
      const by = [...new Set(decision.destinations?.map((d) => d.deduplicated_by).filter(Boolean) as string[])];
      const names = by.map((id) => subscriptionName(id) ?? id).join(", ");
      const who =
        by.length === 1
          ? `the older subscription ${names} already reaches`
          : `${by.length > 1 ? `the older subscriptions ${names}` : "older subscriptions"} already reach`;
      return <p>It matched, but {who} every one of its destinations, so nothing was sent twice.</p>;
    }
    case "no_subscribers":
      return <p>It matched, but it has no users or integrations subscribed: nothing was sent.</p>;
    case "inactive":
      return <p>The subscription was switched off (not active) when fan-out ran, so it took nothing.</p>;
    case "suppressed":
      return (
        <p>
          An earlier notification of the same incident,{" "}
          {decision.suppressed_by ? (
            <Link href={`/notifications/${decision.suppressed_by}`}>{decision.suppressed_by}</Link>
          ) : (
            "(unknown)"
          )}
          , opened this subscription's suppression window: nothing more is sent for that incident until{" "}
          {formatTime(decision.suppressed_until)}.
        </p>
      );
    case "filtered":
      return (
        <>
          <p>Its filter did not match this notification. The clause that failed:</p>
          <ul className="mismatches">
            {(decision.filter_mismatches ?? []).map((mismatch) => (
              <li key={mismatch.clause}>
                <MismatchText mismatch={mismatch} />
              </li>
            ))}
          </ul>
        </>
      );
  }
}

const WANTS: Record<string, string> = { "=": "to equal", "!=": "to differ from", in: "to be one of" };

/** JSON for a value, or a note when the notification had none. */
function shown(value: unknown, source: string | undefined): ReactNode {
  if (value === undefined) return <em>{source ? "no value (the notification does not have it)" : "nothing"}</em>;
  return <code>{JSON.stringify(value)}</code>;
}

export function MismatchText({ mismatch }: { mismatch: Mismatch }) {
  if (mismatch.operator === "malformed")
    return <>The stored filter could not be read, so it matches nothing (clause {mismatch.clause}).</>;
  const left = mismatch.left_source ? <code>{mismatch.left_source}</code> : shown(mismatch.left, undefined);
  return (
    <>
      {mismatch.negated ? "Under a not: " : ""}
      {left} is {shown(mismatch.left, mismatch.left_source)}; the clause wants it {mismatch.negated ? "not " : ""}
      {WANTS[mismatch.operator] ?? mismatch.operator}{" "}
      {mismatch.right_source ? (
        <>
          <code>{mismatch.right_source}</code> ({shown(mismatch.right, mismatch.right_source)})
        </>
      ) : (
        shown(mismatch.right, undefined)
      )}
      . <span className="muted">(clause {mismatch.clause})</span>
    </>
  );
}

export function DestinationLine({
  destination,
  name,
  subscriptionName,
}: {
  destination: Destination;
  name: string;
  subscriptionName: (id: string) => string | undefined;
}) {
  const notes: ReactNode[] = [];
  if (destination.subscriber_missing) notes.push("it no longer existed when fan-out ran");
  if (destination.user_without_email) notes.push("the user has no e-mail address, so the leg fails without sending");
  if (destination.integration_disabled_at !== undefined)
    notes.push(
      `Herald had disabled the integration since ${formatTime(destination.integration_disabled_at)}` +
        `${destination.integration_disabled_reason ? ` (${destination.integration_disabled_reason})` : ""}: ` +
        "delivery skips the leg until it is enabled again",
    );
  if (destination.integration_paused_at !== undefined)
    notes.push(
      `the integration was paused since ${formatTime(destination.integration_paused_at)}: the leg waits until it is resumed`,
    );
  const leg = destination.delivery;
  return (
    <>
      {name}
      {destination.outcome === "deduplicated" && (
        <>
          : already reached through{" "}
          {destination.deduplicated_by
            ? `subscription ${subscriptionName(destination.deduplicated_by) ?? destination.deduplicated_by}`
            : "another subscription"}
          's leg
        </>
      )}
      {leg && (
        <>
          {" "}
          — leg <StatusBadge status={leg.status} />
          {leg.status === "FAILED" && leg.last_error ? `: ${leg.last_error}` : ""}
        </>
      )}
      {!leg && destination.outcome === "leg" && " — no leg visible"}
      {notes.length > 0 && <span className="bad"> ({notes.join("; ")})</span>}
    </>
  );
}
