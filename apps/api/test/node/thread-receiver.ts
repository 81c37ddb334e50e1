// A webhook receiver in a worker thread of its own, for scenarios that judge when calls arrive (the storms): the
// default receiver shares the test's thread with Herald's HTTP thread and the test's sender, and while a burst of
// sends keeps that thread busy its arrival stamps bunch. Answers status and delay steps as scripted-receiver.ts does.
import { Worker } from "node:worker_threads";
import type { ReceiverServer } from "../harness.node";
import type { ReceivedCall, Step } from "../scenarios/scripted-receiver";

// Plain JavaScript run by the thread (eval): no loader needed.
const THREAD = `
const { parentPort } = require("node:worker_threads");
const { createServer } = require("node:http");
const scripts = new Map();
const received = new Map();
const server = createServer((request, response) => {
  const at = Date.now();
  let body = "";
  request.on("data", (chunk) => { body += chunk; });
  request.on("end", () => {
    const bucket = (request.url || "/").split(/[/?]/)[1] || "";
    const calls = received.get(bucket) || [];
    const headers = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    calls.push({ method: request.method, path: request.url, headers, body, at });
    received.set(bucket, calls);
    const steps = scripts.get(bucket) || [];
    const step = steps[Math.min(calls.length - 1, steps.length - 1)] || {};
    const answer = () => response.writeHead(step.status || 200).end(step.body || "ok");
    if (step.delayMs) setTimeout(answer, step.delayMs); else answer();
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
parentPort.on("message", (message) => {
  if (message.op === "script") { scripts.set(message.bucket, message.steps); parentPort.postMessage({ id: message.id }); }
  else if (message.op === "calls") parentPort.postMessage({ id: message.id, calls: received.get(message.bucket) || [] });
  else { server.closeAllConnections(); server.close(() => parentPort.postMessage({ id: message.id })); }
});
`;

export async function startThreadReceiverServer(): Promise<ReceiverServer> {
  const worker = new Worker(THREAD, { eval: true });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (message: { port: number }) => resolve(message.port));
    worker.once("error", reject);
  });
  let next = 0;
  const ask = <T>(message: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      const id = ++next;
      const listen = (reply: { id?: number } & T) => {
        if (reply.id !== id) return;
        worker.off("message", listen);
        resolve(reply);
      };
      worker.on("message", listen);
      worker.postMessage({ ...message, id });
    });
  let buckets = 0;
  return {
    async receiver(steps: Step[] = [{ status: 200 }]) {
      const bucket = `hook${++buckets}`;
      await ask({ op: "script", bucket, steps });
      return {
        url: `http://127.0.0.1:${port}/${bucket}`,
        calls: async () => (await ask<{ calls: ReceivedCall[] }>({ op: "calls", bucket })).calls,
      };
    },
    async close() {
      await ask({ op: "close" });
      await worker.terminate();
    },
  };
}
