// What the integration API tests (integrations.channels / email / ticketing / jq / payload) share: the stored row as
// SQLite holds it, the keys every answer has, the account's integration count, and a test call that delivered.
import { env } from "cloudflare:test";
import { expect } from "vitest";
import { createServices } from "../src/services/container";
import { ACCOUNT, herald } from "./delivery-helpers";
import { call, expectHeraldError, unique } from "./helpers";
import type { Receiver } from "./scenarios/harness";

/** A sealed value, under the test suite's current key. */
export const SEALED = /^enc:v2:test-current:/;

/** The keys every integration's answer has, whatever its type; each type adds its own. */
export const ANSWER_KEYS = [
  "account_id",
  "created",
  "id",
  "max_in_flight",
  "modified",
  "name",
  "ordering",
  "paused",
  "rate_limit",
];

/** The integration's stored row, as SQLite holds it. */
export async function storedRow(id: string) {
  const result = await createServices(env).db.$client.execute({
    sql: "select type, target_url, headers, config, secrets from integrations where id = ?",
    args: [id],
  });
  const row = result.rows[0] as unknown as Record<string, string>;
  return {
    type: row.type,
    targetUrl: row.target_url,
    headers: JSON.parse(row.headers ?? "{}"),
    config: JSON.parse(row.config ?? "{}"),
    secrets: JSON.parse(row.secrets ?? "{}"),
  };
}

/** How many integrations the account has, as `token` lists them. */
export async function integrationCount(token: string): Promise<number> {
  return (await herald(token).getAccountIntegrations()).integrations.length;
}

/**
 * The integration's test call with the sample notification, which must deliver; answers the body it sent (parsed) and
 * the method the receiver saw, after checking the receiver got exactly that body.
 */
export async function deliveredTestCall(token: string, integrationId: string, target: Receiver) {
  const answer = await herald(token).testIntegration(integrationId, {});
  expect(answer.delivered).toBe(true);
  const [received] = await target.calls();
  expect(received?.body).toBe(answer.request_body);
  return { sent: JSON.parse(answer.request_body) as unknown, method: received?.method };
}

/**
 * Creates a webhook integration with `fields` (a payload conversion), expecting a 400 that names payload_template with
 * `problem` in its details, and checks nothing was stored under its name.
 */
export async function expectTemplateRefused(token: string, fields: Record<string, unknown>, problem: string) {
  const name = unique("refused");
  const result = await call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
    token,
    body: { name, target_url: "https://hooks.example.com/x", ...fields },
  });
  expectHeraldError(result, 400, "invalid_value");
  expect(result.body.path).toBe("payload_template");
  expect(result.body.details).toContain(problem);
  const { integrations } = await herald(token).getAccountIntegrations();
  expect(integrations.map((integration) => integration.name)).not.toContain(name);
}
