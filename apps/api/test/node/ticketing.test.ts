import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { startVendorFakes, type VendorFakesServer } from "../fakes/serve.node";
import { provisionTestKeys } from "../fixtures.node";
import { NODE_TEST_ENV, nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import { defineTicketingScenarios } from "../scenarios/ticketing.scenarios";

// The ticketing scenarios on the Node runtime: the Jira and ServiceNow fakes on one loopback port, which ticketing
// types may target because the runtime runs with ALLOW_LOOPBACK_TARGETS (as `npm run dev` does).

let runtime: NodeRuntime;
let receivers: ReceiverServer;
let vendors: VendorFakesServer;
let dbPath: string;

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), "herald-node-tickets-")), "herald.db");
  await prepareLocalDb(dbPath);
  await provisionTestKeys(dbPath);
  receivers = await startReceiverServer();
  vendors = await startVendorFakes();
  runtime = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}` } });
});

afterAll(async () => {
  await runtime?.close();
  await vendors?.close();
  await receivers?.close();
  if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
});

describe.concurrent("ticketing on the Node runtime", () => {
  const harness = nodeHarness(
    () => runtime.url,
    () => receivers,
  );
  defineTicketingScenarios({ ...harness, vendorUrl: (url) => vendors.loopbackUrl(url) });
});
