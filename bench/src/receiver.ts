// The webhook receiver of scenarios 4 and 5: node:http on loopback with keep-alive, answering 200 at once. A delivery
// counts when its whole body has arrived; duplicates (queues deliver at least once) are told apart by `webhook-id`,
// which Herald fixes per leg across retries.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

export type DeliveryListener = (benchId: string, arrivedAt: number) => void;

export class Receiver {
  /** Unique deliveries (by webhook-id) since the last reset. */
  delivered = 0;
  duplicates = 0;
  /** Requests without the Standard Webhooks headers or with a body that is not a notification. */
  malformed = 0;
  url = "";
  private seen = new Set<string>();
  private listener: DeliveryListener | undefined;
  private readonly server: Server;

  constructor() {
    this.server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        // Arrival is when the body is complete: that is when a real receiver could act on the notification.
        const arrivedAt = performance.now();
        response.writeHead(200, { "content-type": "text/plain", "content-length": "2" }).end("ok");
        this.record(request.headers["webhook-id"], Buffer.concat(chunks), arrivedAt);
      });
    });
  }

  async start(): Promise<void> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Calls `listener` with the `payload.bench_id` of every new delivery, and the time it arrived. */
  onDelivery(listener: DeliveryListener | undefined): void {
    this.listener = listener;
  }

  reset(): void {
    this.delivered = 0;
    this.duplicates = 0;
    this.malformed = 0;
    this.seen.clear();
    this.listener = undefined;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(webhookId: string | string[] | undefined, body: Buffer, arrivedAt: number) {
    if (typeof webhookId !== "string") {
      this.malformed += 1;
      return;
    }
    if (this.seen.has(webhookId)) {
      this.duplicates += 1;
      return;
    }
    this.seen.add(webhookId);
    this.delivered += 1;
    if (!this.listener) return;
    try {
      const benchId = (JSON.parse(body.toString("utf8")) as { payload?: { bench_id?: unknown } }).payload?.bench_id;
      if (typeof benchId === "string") this.listener(benchId, arrivedAt);
      else this.malformed += 1;
    } catch {
      this.malformed += 1;
    }
  }
}
