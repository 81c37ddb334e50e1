import type { OperationResult, RequestBody } from "@herald/client";
import { expect, vi } from "vitest";
import type { NodeRuntime } from "../../../node/runtime";
import { heraldThrough } from "../../common";
import type { FaultReceiver } from "./soak-targets";

// The fault soak's (soak.test.ts) calls to Herald over HTTP: signing in, the targets' integrations and subscription,
// the notifications sent, and the log lines caught while the faults are armed.

const ACCOUNT = "12345678";

/** The typed client as the soak's user, on its account, at `runtime`. */
const heraldAt = (runtime: NodeRuntime, token: string) =>
  heraldThrough(fetch, runtime.url, { token, accountId: ACCOUNT });
const onAccount = { params: { path: { account_id: ACCOUNT } } };

export async function login(runtime: NodeRuntime): Promise<string> {
  const response = await fetch(`${runtime.url}/aims/v1/authenticate`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("devkey12345678:devsecret12345678").toString("base64")}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { authentication: { token: string } }).authentication.token;
}

export async function subscribeTargets(
  runtime: NodeRuntime,
  token: string,
  receiver: FaultReceiver,
  targets: readonly string[],
): Promise<Record<string, string>> {
  const { raw } = heraldAt(runtime, token);
  const ids: Record<string, string> = {};
  for (const name of targets) {
    const created = await raw.POST("/herald/v2/{account_id}/integrations", {
      ...onAccount,
      body: { name: `soak ${name}`, target_url: `${receiver.url}/${name}` },
    });
    expect(created.response.status).toBe(201);
    ids[name] = created.data?.id ?? "";
  }
  const subscription = await raw.POST("/herald/v2/{account_id}/subscriptions", {
    ...onAccount,
    body: {
      name: "soak",
      class: "event",
      notification_type: "incidents/alerts",
      subscribers: targets.map((name) => ({ subscriber: ids[name] ?? "", subscriber_type: "connection" as const })),
    },
  });
  expect(subscription.response.status).toBe(201);
  return ids;
}

const SEND_TRIES = 3;

/**
 * Sends `count` notifications, `concurrency` at a time; a send whose connection failed is sent again under the same
 * Idempotency-Key. Plain fetch, typed by the client's types: the load generator shares the process (and its CPU) with
 * the Herald it measures, and the typed client's Request objects made sending half as slow again.
 */
export async function sendAll(
  runtime: NodeRuntime,
  token: string,
  { count, concurrency }: { count: number; concurrency: number },
): Promise<{ ids: string[]; resent: number }> {
  const ids: string[] = [];
  let resent = 0;
  let next = 0;
  const send = async (i: number, tries = 1): Promise<Response> => {
    const body: RequestBody<"sent_notification"> = {
      type: "incidents/alerts",
      notification_data: { threat_level: "high", n: i },
      asset_data: {},
      payload: { long_incident_id: `soak-${i}`, attack_summary: "fault soak" },
    };
    try {
      return await fetch(`${runtime.url}/herald/v2/${ACCOUNT}/notifications`, {
        method: "POST",
        headers: { "x-aims-auth-token": token, "content-type": "application/json", "idempotency-key": `soak-${i}` },
        body: JSON.stringify(body),
      });
    } catch (error) {
      // A kept-alive connection can close as a request goes out on it (seen once, on a loaded machine).
      if (tries >= SEND_TRIES) throw error;
      resent += 1;
      return send(i, tries + 1);
    }
  };
  const sender = async () => {
    for (let i = next++; i < count; i = next++) {
      const sent = await send(i);
      expect(sent.status).toBe(202);
      ids.push(((await sent.json()) as OperationResult<"sent_notification">).id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return { ids, resent };
}

/** Every line logged while the faults are armed, to be explained by them (soak-checks.ts) or reported. */
export function captureLogs() {
  const lines: string[] = [];
  const keep = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  const spies = [
    vi.spyOn(console, "error").mockImplementation(keep),
    vi.spyOn(console, "warn").mockImplementation(keep),
    vi.spyOn(console, "log").mockImplementation(keep),
  ];
  const restore = () => {
    for (const spy of spies) spy.mockRestore();
  };
  return { lines, restore };
}
