import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../src/index";

/**
 * One request to the Worker's own fetch handler, in this isolate, with the test bindings. SELF.fetch gets slower with
 * every request a test file makes (cloudflare/workers-sdk#15446: ~7 ms to ~170 ms after 800 requests here), so files
 * that make thousands of requests call the handler directly; the app, database and queues are the same.
 */
export async function fetchWorker(url: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(url, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}
