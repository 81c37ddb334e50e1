import type { RequestBody, Schemas } from "@herald/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { useClient, usePermissions } from "../auth";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormFooter } from "../components/FormFooter";
import { formatTime } from "../format";
import { INTEGRATION_TYPES } from "../integration-types";
import { useSaveForm } from "../save-form";
import { IntegrationState } from "./Integrations";

type Integration = Schemas["Integration"];

export default function IntegrationEdit({ id }: { id?: string }) {
  const client = useClient();
  const existing = useQuery({
    queryKey: ["integration", id],
    enabled: Boolean(id),
    queryFn: () => client.getAccountIntegration(id ?? ""),
  });
  if (id && !existing.data) return existing.error ? <ErrorMessage error={existing.error} /> : <p>Loading…</p>;
  return (
    <section aria-labelledby="integration-title">
      <p>
        <Link href="/integrations">← Integrations</Link>
      </p>
      <h1 id="integration-title">{existing.data ? `Integration ${existing.data.name}` : "New integration"}</h1>
      {existing.data && <Actions integration={existing.data} />}
      <IntegrationForm key={existing.data?.id ?? "new"} integration={existing.data} />
    </section>
  );
}

function IntegrationForm({ integration }: { integration: Integration | undefined }) {
  const client = useClient();
  const stored = (integration ?? {}) as Record<string, unknown>;
  const [type, setType] = useState<string>(integration?.type ?? "webhook");
  const [name, setName] = useState(integration?.name ?? "");
  const [values, setValues] = useState<Record<string, string>>({});
  const [headers, setHeaders] = useState(
    integration?.type === "webhook" ? JSON.stringify(integration.headers ?? {}, null, 2) : "{}",
  );
  const fields = INTEGRATION_TYPES[type] ?? [];
  const headersProblem = (() => {
    try {
      const parsed: unknown = JSON.parse(headers || "{}");
      return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
        ? undefined
        : "headers are a JSON object";
    } catch {
      return "headers are not valid JSON";
    }
  })();
  const { save, submit } = useSaveForm({
    kind: "integration",
    isNew: !integration,
    save: async () => {
      // On an edit only what was typed goes back: secrets stay as stored unless replaced.
      const typed = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ""));
      const body: Record<string, unknown> = { name: name.trim(), ...typed };
      if (type === "webhook" && !headersProblem) body.headers = JSON.parse(headers || "{}");
      if (integration) return client.updateIntegration(integration.id, body as RequestBody<"update_integration">);
      return client.createIntegration({ ...body, type } as RequestBody<"create_integration">);
    },
  });
  return (
    <form className="card form" onSubmit={submit} aria-label="Integration settings">
      <label>
        Type
        <select value={type} disabled={Boolean(integration)} onChange={(e) => setType(e.target.value)}>
          {Object.keys(INTEGRATION_TYPES).map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label>
        Name
        <input required maxLength={255} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {fields.map((field) => {
        const current = stored[field.name];
        const shown = values[field.name] ?? "";
        const change = (value: string) => setValues({ ...values, [field.name]: value });
        return (
          <div key={field.name} className="field">
            <label htmlFor={`field-${field.name}`}>{field.label}</label>
            {field.options ? (
              <select
                id={`field-${field.name}`}
                value={shown || String(current ?? "")}
                onChange={(e) => change(e.target.value)}
              >
                {field.options.map((option) => (
                  <option key={option} value={option}>
                    {option}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={`field-${field.name}`}
                type={field.secret ? "password" : (field.type ?? "text")}
                required={field.required && !integration}
                autoComplete="off"
                value={shown}
                placeholder={current !== undefined && current !== null ? String(current) : ""}
                onChange={(e) => change(e.target.value)}
              />
            )}
          </div>
        );
      })}
      {type === "webhook" && (
        <label>
          Custom headers (JSON object)
          <textarea
            rows={3}
            className="mono"
            value={headers}
            aria-invalid={Boolean(headersProblem)}
            onChange={(e) => setHeaders(e.target.value)}
          />
        </label>
      )}
      {headersProblem && type === "webhook" && (
        <p className="error" role="alert">
          {headersProblem}
        </p>
      )}
      {integration && <small>Fields left empty keep their stored value (shown as the placeholder, masked).</small>}
      <FormFooter
        save={save}
        isNew={!integration}
        valid={type !== "webhook" || !headersProblem}
        createLabel="Create integration"
        readOnlyNote="Read-only access: the settings are shown, not changed."
      />
    </form>
  );
}

function Actions({ integration }: { integration: Integration }) {
  const client = useClient();
  const { write } = usePermissions();
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: ["integration", integration.id] });
  const test = useMutation({ mutationFn: () => client.testIntegration(integration.id, {}) });
  const rotate = useMutation({ mutationFn: () => client.rotateIntegrationSecret(integration.id) });
  const resume = useMutation({ mutationFn: () => client.resumeIntegration(integration.id), onSuccess: refresh });
  // Herald enables a disabled integration again when it is updated: the operator says the target works now.
  const enable = useMutation({
    mutationFn: () => client.updateIntegration(integration.id, { name: integration.name }),
    onSuccess: refresh,
  });
  const pause = useMutation({ mutationFn: () => client.pauseIntegration(integration.id), onSuccess: refresh });
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">State and actions</h2>
      <p>
        <IntegrationState integration={integration} />
        {integration.disabled_at !== undefined
          ? ". Its legs fail until it is enabled again; a replay job delivers what it missed."
          : integration.paused
            ? ". Deliveries wait until it is resumed."
            : ": deliveries go out."}
      </p>
      {write && (
        <div className="actions">
          <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
            Test
          </button>
          {integration.type === "webhook" && (
            <button type="button" onClick={() => rotate.mutate()} disabled={rotate.isPending}>
              Rotate signing secret
            </button>
          )}
          {integration.disabled_at !== undefined && (
            <button type="button" onClick={() => enable.mutate()} disabled={enable.isPending}>
              Enable again
            </button>
          )}
          {integration.paused ? (
            <button type="button" onClick={() => resume.mutate()} disabled={resume.isPending}>
              Re-enable
            </button>
          ) : (
            <button type="button" onClick={() => pause.mutate()} disabled={pause.isPending}>
              Pause
            </button>
          )}
        </div>
      )}
      <ErrorMessage error={test.error ?? rotate.error ?? resume.error ?? pause.error ?? enable.error} />
      {test.data && (
        <div role="status" aria-label="Test result">
          <p>
            Test answered {test.data.code}: {test.data.delivered ? "delivered" : `not delivered (${test.data.reason})`}
          </p>
          <details>
            <summary>Answer and request</summary>
            <pre>{test.data.rawbody}</pre>
            <pre>{test.data.request_body}</pre>
          </details>
        </div>
      )}
      {rotate.data && (
        <p role="status">
          New signing secret (shown once): <code>{rotate.data.key}</code>
          {rotate.data.previous_key_expires_at
            ? ` — the previous one signs too until ${formatTime(rotate.data.previous_key_expires_at)}`
            : ""}
        </p>
      )}
    </section>
  );
}
