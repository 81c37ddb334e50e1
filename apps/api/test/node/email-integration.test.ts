import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { provisionTestKeys } from "../fixtures.node";
import { NODE_TEST_ENV, nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import { defineEmailIntegrationScenarios } from "../scenarios/email-integration.scenarios";

// The `email` integration scenarios on the Node runtime, with the capture transport (NODE_TEST_ENV), as in workerd.

let runtime: NodeRuntime;
let receivers: ReceiverServer;
let dbPath: string;

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-node-email-")), "herald.db");
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

describe.concurrent("email integrations on the Node runtime", () => {
  defineEmailIntegrationScenarios(
    nodeHarness(
      () => runtime.url,
      () => receivers,
    ),
  );
});
