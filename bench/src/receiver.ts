// The webhook receiver of scenarios 4, 5 and 7: node:http on loopback with keep-alive, answering 200 at once (or after
// `answerDelayMs`, for the storm). A delivery counts when its whole body has arrived; duplicates (queues deliver at
// least once) are told apart by `webhook-id`, which Herald fixes per leg across retries.
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

export type DeliveryListener = (benchId: string, arrivedAt: number) => void;

/** Every call that reached the receiver, duplicates included. */
export interface ReceivedCall {
  benchId: string | undefined;
  arrivedAt: number;
  /** A `webhook-id` seen before: the same leg called again. */
  duplicate: boolean;
}

export class Receiver {
  /** Unique deliveries (by webhook-id) since the last reset. */
  delivered = 0;
  duplicates = 0;
  /** Requests without the Standard Webhooks headers or with a body that is not a notification. */
  malformed = 0;
  /** Requests being answered now, and the most at once since the last reset (from their headers to the answer). */
  open = 0;
  mostOpen = 0;
  url = "";
  private seen = new Set<string>();
  private listener: DeliveryListener | undefined;
  private callListener: ((call: ReceivedCall) => void) | undefined;
  private readonly server: Server;

  /** `answerDelayMs`: how long each request waits for its answer after its body has arrived. */
  constructor(options: { answerDelayMs?: number } = {}) {
    const answerDelayMs = options.answerDelayMs ?? 0;
    this.server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
      this.open += 1;
      this.mostOpen = Math.max(this.mostOpen, this.open);
      response.on("close", () => {
        this.open -= 1;
      });
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        // Arrival is when the body is complete: that is when a real receiver could act on the notification.
        const arrivedAt = performance.now();
        const answer = () => response.writeHead(200, { "content-type": "text/plain", "content-length": "2" }).end("ok");
        if (answerDelayMs > 0) setTimeout(answer, answerDelayMs);
        else answer();
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

  /** Calls `listener` for every call with a `webhook-id`, duplicates included. */
  onCall(listener: ((call: ReceivedCall) => void) | undefined): void {
    this.callListener = listener;
  }

  reset(): void {
    this.delivered = 0;
    this.duplicates = 0;
    this.malformed = 0;
    this.mostOpen = this.open;
    this.seen.clear();
    this.listener = undefined;
    this.callListener = undefined;
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
    const duplicate = this.seen.has(webhookId);
    const benchId = this.listener || this.callListener ? benchIdOf(body) : undefined;
    this.callListener?.({ benchId, arrivedAt, duplicate });
    if (duplicate) {
      this.duplicates += 1;
      return;
    }
    this.seen.add(webhookId);
    this.delivered += 1;
    if (!this.listener) return;
    if (benchId !== undefined) this.listener(benchId, arrivedAt);
    else this.malformed += 1;
  }
}

/** The `payload.bench_id` the bench put in the notification, if the body carries one. */
function benchIdOf(body: Buffer): string | undefined {
  try {
    const benchId = (JSON.parse(body.toString("utf8")) as { payload?: { bench_id?: unknown } }).payload?.bench_id;
    return typeof benchId === "string" ? benchId : undefined;
  } catch {
    return undefined;
  }
}
