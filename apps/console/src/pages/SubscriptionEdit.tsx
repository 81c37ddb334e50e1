import type { Subscription } from "@herald/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link } from "wouter";
import { useClient, usePermissions } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormFooter } from "../components/FormFooter";
import { NotificationTypeOptions } from "../components/NotificationTypeOptions";
import { checkFilters } from "../filters";
import { useSaveForm } from "../save-form";

const TEMPLATES = [
  "log_review_created",
  "fim_report_template",
  "scheduled_report_template",
  "observation_template",
  "incidents_template",
] as const;
type Template = (typeof TEMPLATES)[number];

export default function SubscriptionEdit({ id }: { id?: string }) {
  const client = useClient();
  const existing = useQuery({
    queryKey: ["subscription", id],
    enabled: Boolean(id),
    queryFn: () => client.getAccountSubscription(id ?? "", { include_subscribers: true }),
  });
  if (id && !existing.data) return existing.error ? <ErrorMessage error={existing.error} /> : <p>Loading…</p>;
  return (
    <section aria-labelledby="subscription-title">
      <p>
        <Link href="/subscriptions">← Subscriptions</Link>
      </p>
      <h1 id="subscription-title">{existing.data ? `Subscription ${existing.data.name}` : "New subscription"}</h1>
      <SubscriptionForm key={existing.data?.id ?? "new"} subscription={existing.data} />
      {existing.data && <Subscribers subscription={existing.data} />}
    </section>
  );
}

function SubscriptionForm({ subscription }: { subscription: Subscription | undefined }) {
  const client = useClient();
  const ids = { filters: useId(), filtersHelp: useId(), filtersProblem: useId() };
  const types = useQuery({ queryKey: ["notification-types"], queryFn: () => client.getNotificationTypes() });
  const [name, setName] = useState(subscription?.name ?? "");
  const [className, setClassName] = useState(subscription?.class ?? "event");
  const [type, setType] = useState(subscription?.notification_type ?? "");
  const [filters, setFilters] = useState(subscription?.filters ? JSON.stringify(subscription.filters, null, 2) : "");
  const [template, setTemplate] = useState<string>(subscription?.template ?? "");
  const [suppression, setSuppression] = useState(String(subscription?.suppression_interval ?? ""));
  const [active, setActive] = useState(subscription?.active ?? true);
  const check = checkFilters(filters);
  const selectedType = type || types.data?.notification_types[0]?.notification_type || "";
  const { save, submit } = useSaveForm({
    kind: "subscription",
    isNew: !subscription,
    save: async () => {
      if (!check.ok) throw new Error(check.problem);
      const common = {
        name: name.trim(),
        notification_type: selectedType,
        active,
        ...(check.value ? { filters: check.value } : {}),
        ...(template ? { template: template as Template } : {}),
        ...(suppression !== "" ? { suppression_interval: Number(suppression) } : {}),
      };
      return subscription
        ? client.updateSubscription(subscription.id, common)
        : client.createSubscription({ ...common, class: className });
    },
  });
  return (
    <form className="card form" onSubmit={submit} aria-label="Subscription">
      <label>
        Name
        <input required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {!subscription && (
        <label>
          Class
          <select value={className} onChange={(e) => setClassName(e.target.value)}>
            <option value="event">event</option>
            <option value="schedule">schedule</option>
          </select>
        </label>
      )}
      <label>
        Notification type
        <select value={selectedType} onChange={(e) => setType(e.target.value)}>
          <NotificationTypeOptions types={types.data?.notification_types} />
        </select>
      </label>
      <label htmlFor={ids.filters}>Filter (JSON, optional)</label>
      <textarea
        id={ids.filters}
        rows={5}
        className="mono"
        value={filters}
        aria-invalid={!check.ok}
        aria-describedby={check.ok ? ids.filtersHelp : `${ids.filtersHelp} ${ids.filtersProblem}`}
        placeholder='{"=": [{"source": "notification.threat_level"}, "High"]}'
        onChange={(e) => setFilters(e.target.value)}
      />
      <small id={ids.filtersHelp}>
        Operators =, !=, in, and, or, not; operands are JSON values or {'{"source": "notification.<key>"}'}.
      </small>
      {!check.ok && (
        <p id={ids.filtersProblem} className="error" role="alert">
          {check.problem}
        </p>
      )}
      <label>
        E-mail template
        <select value={template} onChange={(e) => setTemplate(e.target.value)}>
          <option value="">The type's default</option>
          {TEMPLATES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Suppression interval (minutes, 0–10080)
        <input type="number" min={0} max={10080} value={suppression} onChange={(e) => setSuppression(e.target.value)} />
      </label>
      <label className="inline">
        <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} /> Active
      </label>
      <FormFooter
        save={save}
        isNew={!subscription}
        valid={check.ok}
        createLabel="Create subscription"
        readOnlyNote="Read-only access: the subscription is shown, not changed."
      />
    </form>
  );
}

function Subscribers({ subscription }: { subscription: Subscription }) {
  const client = useClient();
  const { write } = usePermissions();
  const queries = useQueryClient();
  const integrations = useQuery({ queryKey: ["integrations"], queryFn: () => client.getAccountIntegrations() });
  const users = useQuery({ queryKey: ["users"], queryFn: () => client.getAccountUsers() });
  const [choice, setChoice] = useState("");
  const refresh = () => queries.invalidateQueries({ queryKey: ["subscription", subscription.id] });
  const add = useMutation({
    mutationFn: () => {
      const [subscriberType, subscriber] = choice.split(":", 2) as ["connection" | "user", string];
      return client.addSubscriber(subscription.id, { subscriber, subscriber_type: subscriberType });
    },
    onSuccess: () => {
      setChoice("");
      void refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (s: { subscriber: string; subscriber_type: string }) =>
      client.removeSubscriber(subscription.id, s.subscriber_type as "connection", s.subscriber),
    onSuccess: () => void refresh(),
  });
  const nameOf = (type: string, value: string) =>
    type === "user"
      ? users.data?.users.find((u) => u.id === value)?.name
      : integrations.data?.integrations.find((i) => i.id === value)?.name;
  return (
    <section className="card" aria-labelledby="subscribers-title">
      <h2 id="subscribers-title">Subscribers</h2>
      <ul className="plain">
        {subscription.subscribers?.map((s) => (
          <li key={s.id}>
            {s.subscriber_type}: {nameOf(s.subscriber_type, s.subscriber) ?? s.subscriber}{" "}
            {write && (
              <button
                type="button"
                aria-label={`Remove ${nameOf(s.subscriber_type, s.subscriber) ?? s.subscriber}`}
                onClick={() => remove.mutate(s)}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {subscription.subscribers?.length === 0 && <p>No subscribers.</p>}
      {write && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (choice) add.mutate();
          }}
        >
          <label>
            Add subscriber
            <select value={choice} onChange={(e) => setChoice(e.target.value)}>
              <option value="">Choose…</option>
              <optgroup label="Integrations">
                {integrations.data?.integrations.map((i) => (
                  <option key={i.id} value={`connection:${i.id}`}>
                    {i.name} ({i.type})
                  </option>
                ))}
              </optgroup>
              <optgroup label="Users (e-mail)">
                {users.data?.users.map((u) => (
                  <option key={u.id} value={`user:${u.id}`}>
                    {u.name}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          <button type="submit" disabled={!choice || add.isPending}>
            Add
          </button>
        </form>
      )}
      <ErrorMessage error={add.error ?? remove.error} />
    </section>
  );
}
