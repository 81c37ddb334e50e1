import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { startVendorFakes, type VendorFakesServer } from "../fakes/serve.node";
import { provisionTestKeys } from "../fixtures.node";
import { NODE_TEST_ENV, nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import type { Harness } from "../scenarios/harness";
import { startThreadReceiverServer } from "./thread-receiver";

/**
 * One Node runtime for the calling test file, as the shared scenarios need it: a fresh libSQL file holding the test
 * database's extra keys, real webhook receivers on loopback and, with `vendors`, the vendor fakes on a loopback port
 * (ALLOW_LOOPBACK_TARGETS is on, as under `npm run dev`). The settings match the workerd suite's bindings, so a
 * scenario means the same on both runtimes. Started before the file's tests, closed after them.
 */
export function useNodeRuntime(
  name: string,
  options: {
    vendors?: boolean;
    /** Receivers in a thread of their own (thread-receiver.ts), for scenarios that judge when calls arrive. */
    receiversInThread?: boolean;
  } = {},
) {
  let runtime: NodeRuntime | undefined;
  let receivers: ReceiverServer | undefined;
  let vendors: VendorFakesServer | undefined;
  let dbPath: string | undefined;

  beforeAll(async () => {
    dbPath = join(mkdtempSync(join(tmpdir(), `herald-node-${name}-`)), "herald.db");
    await prepareLocalDb(dbPath);
    await provisionTestKeys(dbPath);
    receivers = options.receiversInThread ? await startThreadReceiverServer() : await startReceiverServer();
    if (options.vendors) vendors = await startVendorFakes();
    runtime = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}` } });
  });

  afterAll(async () => {
    await runtime?.close();
    await vendors?.close();
    await receivers?.close();
    if (dbPath) rmSync(dirname(dbPath), { recursive: true, force: true });
  });

  const harness: Harness = nodeHarness(
    () => (runtime as NodeRuntime).url,
    () => receivers as ReceiverServer,
  );
  /** A vendor URL as the loopback fakes serve it (with `vendors`). */
  const vendorUrl = (url: string) => (vendors as VendorFakesServer).loopbackUrl(url);
  return { harness, vendorUrl };
}
