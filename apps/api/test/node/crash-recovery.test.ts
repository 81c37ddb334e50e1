import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNotificationById, notifications } from "@herald/db";
import { eq } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { deliverBatch } from "../../src/delivery/deliver-batch";
import { fanOutBatch } from "../../src/delivery/fanout";
import { createServices } from "../../src/services/container";

// Crash windows the fault soak (soak.test.ts) cannot aim at, driven step by step on the Node runtime's database.

let runtime: NodeRuntime | undefined;
let directory: string | undefined;
afterEach(async () => {
  await runtime?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

it("completes a notification whose fan-out died after writing its legs, once a replay finds them all finished", async () => {
  directory = mkdtempSync(join(tmpdir(), "herald-crash-"));
  const dbPath = join(directory, "herald.db");
  await prepareLocalDb(dbPath);
  // Queue sends go nowhere: this test plays the consumers and the sweeper itself.
  const nowhere: Queue<unknown> = {
    metrics: async () => ({ backlogCount: 0, backlogBytes: 0 }),
    send: async () => ({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } }),
    sendBatch: async () => ({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } }),
  };
  runtime = await startNodeRuntime({
    port: 0,
    sweepIntervalMs: 3_600_000,
    env: {
      LIBSQL_URL: `file:${dbPath}`,
      AUTH_TOKEN_SECRET: "crash-recovery-test-secret",
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      ENCRYPTION_KEY_ID: "test",
      EMAIL_TRANSPORT: "capture",
    },
    wrapProducer: () => nowhere,
  });
  const services = createServices(runtime.env);
  const headers = {
    authorization: `Basic ${Buffer.from("devkey12345678:devsecret12345678").toString("base64")}`,
  };
  const login = await fetch(`${runtime.url}/aims/v1/authenticate`, { method: "POST", headers });
  const token = ((await login.json()) as { authentication: { token: string } }).authentication.token;
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${runtime?.url}/herald/v2/12345678${path}`, {
      method: "POST",
      headers: { "x-aims-auth-token": token, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as { id: string };
  };
  await post("/subscriptions", {
    name: "crash recovery",
    class: "event",
    notification_type: "incidents/alerts",
    subscribers: [{ subscriber: "D0C0FFEE-0000-4000-8000-000012345678", subscriber_type: "user" }],
  });
  const notification = await post("/notifications", {
    type: "incidents/alerts",
    notification_data: {},
    asset_data: {},
    payload: { long_incident_id: "crash-recovery" },
  });

  // The fan-out wrote the legs and died before marking the notification dispatched: put it back as it then was.
  const legs = (await fanOutBatch(services, [notification.id])).map((leg) => leg.id);
  expect(legs).toHaveLength(1);
  await services.db.update(notifications).set({ status: "created" }).where(eq(notifications.id, notification.id));
  // The sweeper queued the overdue legs as well as the notification; the legs were delivered first.
  expect([...(await deliverBatch(services, legs)).values()]).toEqual([{ kind: "done" }]);
  expect((await findNotificationById(services.db, notification.id))?.status).toBe("created");

  // Then the replayed fan-out finds nothing left to do: no leg waits, so the notification is complete.
  expect(await fanOutBatch(services, [notification.id])).toEqual([]);
  expect((await findNotificationById(services.db, notification.id))?.status).toBe("completed");
});
