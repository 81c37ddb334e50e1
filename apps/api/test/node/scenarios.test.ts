import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { provisionTestKeys } from "../fixtures.node";
import { NODE_TEST_ENV, nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import { defineDeliveryScenarios } from "../scenarios/delivery.scenarios";

// The delivery scenarios both runtimes share (test/scenarios/delivery.scenarios.ts), here on the Node runtime: one
// runtime for the file on a fresh libSQL file holding the test database's extra keys, and real webhook receivers on
// loopback. The settings match the workerd suite's bindings (vitest.config.ts), so a scenario means the same on both.

let runtime: NodeRuntime;
let receivers: ReceiverServer;
let dbPath: string;

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-node-scenarios-")), "herald.db");
  await prepareLocalDb(dbPath);
  await provisionTestKeys(dbPath);
  receivers = await startReceiverServer();
  runtime = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}` } });
});

afterAll(async () => {
  await runtime?.close();
  await receivers?.close();
  if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
});

// Each scenario has its own notification type and receiver, so they run side by side.
describe.concurrent("on the Node runtime", () => {
  defineDeliveryScenarios(
    nodeHarness(
      () => runtime.url,
      () => receivers,
    ),
  );
});
