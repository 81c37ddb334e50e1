// The workerd harness for the end-to-end scenarios (scenarios/harness.ts): calls through SELF, and receivers on the
// hooks.test fake (fakes.node.ts) that miniflare's outboundService serves. Its tools are exported bound to it, for
// the workerd-only tests.
import { SELF } from "cloudflare:test";
import type { NotificationRow } from "@herald/db";
import { onTestFinished, vi } from "vitest";
import { heraldThrough, unique } from "./common";
import { BASE, call } from "./helpers";
import { deliveryTools, type Harness, type ReceivedCall, type Receiver, type Step } from "./scenarios/harness";
import { DROPPED_CONNECTION_HEADER } from "./scenarios/scripted-receiver";

export { ACCOUNT, ACME_USER, type DeliveryView, type ReceivedCall, type Step } from "./scenarios/harness";

/** A fresh bucket on the fake receiver, answering `steps` in turn (the last one repeats). */
export async function receiver(steps: Step[] = [{ status: 200 }]): Promise<Receiver> {
  const bucket = unique("hook");
  await fetch(`https://hooks.test/__script/${bucket}`, { method: "POST", body: JSON.stringify(steps) });
  if (steps.some((step) => step.drop)) dropConnectionsOnCue();
  return {
    url: `https://hooks.test/${bucket}`,
    calls: async () => (await (await fetch(`https://hooks.test/__requests/${bucket}`)).json()) as ReceivedCall[],
  };
}

/**
 * The fake runs behind miniflare, which cannot drop a connection: for this test, the Worker's fetch (the same global
 * in this isolate) raises workerd's own error for a lost connection wherever the fake asks for a drop.
 */
function dropConnectionsOnCue() {
  if (vi.isMockFunction(globalThis.fetch)) return;
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const response = await realFetch(input, init);
    if (response.headers.get(DROPPED_CONNECTION_HEADER)) throw new TypeError("Network connection lost.");
    return response;
  });
  onTestFinished(() => spy.mockRestore());
}

export const workerd: Harness = {
  call,
  herald: (who) => heraldThrough((input, init) => SELF.fetch(input, init), BASE, who),
  receiver,
  connectionLost: /Network connection lost/,
};

export const {
  herald,
  signIn,
  createIntegration,
  freshType,
  subscribe,
  send,
  deliveries,
  settled,
  webhookScenario,
  subscribedReceiver,
  connectedType,
} = deliveryTools(workerd);

/**
 * A sweep grace longer than any test run. Each test file has a database of its own (vitest.config.ts), but the tests
 * of one file share it and run side by side: a test that runs the sweeper ages its own work past this and sweeps with
 * it, so no other test's unfinished work (legs waiting on a scripted receiver's retries) is swept along.
 */
export const ISOLATED_SWEEP_GRACE_MS = 30 * 86_400_000;

/**
 * A notification row as the API stores one, for tests that write it straight to the database (so no queue consumer
 * races them): `fields` on top of an empty notification of `test/statistics`.
 */
export function notificationRow(
  id: string,
  accountId: string,
  at: number,
  status: NotificationRow["status"],
  fields: Partial<NotificationRow> = {},
): NotificationRow {
  return {
    id,
    accountId,
    type: "test/statistics",
    notificationData: {},
    assetData: {},
    payload: {},
    attachments: null,
    status,
    longIncidentId: null,
    requeuedAt: null,
    traceparent: null,
    createdAt: at,
    createdBy: "test",
    modifiedAt: at,
    modifiedBy: "test",
    ...fields,
  };
}
