import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createJob } from "@herald/db";
import { createNodeDb } from "@herald/db/node";
import { startLibsqlDevServer } from "@herald/libsql-dev-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { ACME, heraldThrough, PLATFORM } from "../common";
import { NODE_TEST_ENV, nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import { deliveryTools } from "../scenarios/harness";

// What only the Node runtime has: a process that stops and starts again on the same libSQL file. (The delivery
// scenarios both runtimes share are in node/scenarios.test.ts.)

let dbPath: string;
let receivers: ReceiverServer;
const runtimes: NodeRuntime[] = [];
/** The runtime the tests call: the one started last. */
let current: NodeRuntime;
const { login, webhookScenario, settled } = deliveryTools(
  nodeHarness(
    () => current.url,
    () => receivers,
  ),
);

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-node-")), "herald.db");
  await prepareLocalDb(dbPath);
  receivers = await startReceiverServer();
});

afterAll(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  await receivers?.close();
  if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
});

/** Starts a runtime on the file's database, or on the libSQL server at `libsqlUrl`; the tests call it from then on. */
async function start(libsqlUrl = `file:${dbPath}`) {
  current = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: libsqlUrl } });
  runtimes.push(current);
  return current;
}

async function stop(runtime: NodeRuntime) {
  runtimes.splice(runtimes.indexOf(runtime), 1);
  await runtime.close();
}

describe("the Node runtime", () => {
  it("recovers a leg waiting for its retry when the process restarts", async () => {
    const runtime = await start();
    const token = await login(ACME);
    const platform = await login(PLATFORM);
    const { target, notification } = await webhookScenario(token, platform, [{ status: 500 }, { status: 200 }]);
    await vi.waitFor(async () => expect(await target.calls()).toHaveLength(1), { timeout: 10_000, interval: 50 });

    // The process stops while the leg waits for its retry: the message in memory is gone with it.
    await stop(runtime);
    await start();

    const [leg] = await settled(token, notification.id, 1);
    expect(leg?.status).toBe("DELIVRD");
    expect(leg?.attempts.map((attempt) => attempt.response_code)).toEqual([500, 200]);
    expect(await target.calls()).toHaveLength(2);
  });

  it("carries on an unfinished recover job when the process restarts", async () => {
    const runtime = await start();
    const token = await login(ACME);
    const { target, integration, notification } = await webhookScenario(token, await login(PLATFORM), [
      { status: 400 },
      { status: 200 },
    ]);
    await settled(token, notification.id, 1, ["FAILED"]);

    // The process stops right after making a job, before its message ran: the job is in the file, the message is not.
    await stop(runtime);
    const file = createNodeDb({ url: `file:${dbPath}` });
    let jobId: string;
    try {
      const now = Date.now();
      const made = await createJob(file, {
        id: crypto.randomUUID().toUpperCase(),
        accountId: ACME.accountId,
        integrationId: integration.id,
        kind: "recover",
        since: now - 60_000,
        createdBy: "test",
        now,
      });
      jobId = made.job.id;
      expect(made.job).toMatchObject({ status: "queued", matched: 1 });
    } finally {
      file.$client.close();
    }
    await start();

    const [leg] = await settled(token, notification.id, 1, ["DELIVRD"]);
    expect(leg?.attempts.map((attempt) => [attempt.response_code, attempt.trigger])).toEqual([
      [400, "queue"],
      [200, "recover"],
    ]);
    const job = await heraldThrough(fetch, current.url, { token, accountId: ACME.accountId }).getJob(jobId);
    expect(job).toMatchObject({ status: "completed", requeued: 1 });
    expect(await target.calls()).toHaveLength(2);
  });

  it("serves from a libSQL server instead of a file when LIBSQL_URL names one", async () => {
    // The development database behind a libSQL HTTP server (sqld or Turso in a real self-host), not a file of its own.
    const serverDb = join(mkdtempSync(join(tmpdir(), "herald-node-remote-")), "herald.db");
    await prepareLocalDb(serverDb);
    const server = await startLibsqlDevServer({ path: serverDb, port: 0 });
    const runtime = await start(server.url);
    try {
      const token = await login(ACME);
      const { notification } = await webhookScenario(token, await login(PLATFORM), [{ status: 200 }]);
      const [leg] = await settled(token, notification.id, 1);
      expect(leg?.status).toBe("DELIVRD");
      // The leg is in the server's database file, read through a connection of the test's own (not the runtime's).
      const serverFile = createNodeDb({ url: `file:${serverDb}` });
      try {
        const stored = await serverFile.$client.execute({
          sql: "select status from deliveries where notification_id = ?",
          args: [notification.id],
        });
        expect(stored.rows.map((row) => row.status)).toEqual(["DELIVRD"]);
      } finally {
        serverFile.$client.close();
      }
    } finally {
      await stop(runtime);
      await server.close();
      rmSync(dirname(serverDb), { recursive: true, force: true });
    }
  });
});
