// The HTTP thread's side of the pipeline thread: queue producers whose sends cross to the queues living there.
import type { Worker } from "node:worker_threads";

/** What the HTTP thread asks of the pipeline thread. */
export type PipelineRequest =
  | { id: number; op: "send"; queue: string; messages: Array<{ body: unknown; delaySeconds?: number }> }
  | { id: number; op: "counters" }
  | { id: number; op: "metrics" }
  | { id: number; op: "close" };

export type PipelineReply = { id: number; ok: true; value?: unknown } | { id: number; ok: false; error: string };

type WithoutId<Request> = Request extends unknown ? Omit<Request, "id"> : never;

/** Calls into the pipeline thread, each answered once; all of them fail if the thread dies. */
export class PipelineChannel {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private dead: Error | undefined;

  constructor(private readonly worker: Worker) {
    worker.on("message", (reply: PipelineReply | { op: "ready" }) => {
      if (!("id" in reply)) return;
      const caller = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.ok) caller?.resolve(reply.value);
      else caller?.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      this.dead = error;
      for (const caller of this.waiting.values()) caller.reject(error);
      this.waiting.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the pipeline thread exited (${code})`)));
  }

  call(request: WithoutId<PipelineRequest>): Promise<unknown> {
    if (this.dead) return Promise.reject(this.dead);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }
}

const NO_METRICS = { backlogCount: 0, backlogBytes: 0 };

/** A producer in the HTTP thread for a queue of the pipeline thread: a send resolves once the message is queued there. */
export class ThreadQueue<Body = unknown> implements Queue<Body> {
  constructor(
    private readonly channel: PipelineChannel,
    readonly name: string,
  ) {}

  async send(body: Body, options?: QueueSendOptions): Promise<QueueSendResponse> {
    await this.channel.call({
      op: "send",
      queue: this.name,
      messages: [{ body, delaySeconds: options?.delaySeconds }],
    });
    return { metadata: { metrics: NO_METRICS } };
  }

  async sendBatch(
    messages: Iterable<MessageSendRequest<Body>>,
    options?: QueueSendBatchOptions,
  ): Promise<QueueSendBatchResponse> {
    const list = [...messages].map((message) => ({
      body: message.body,
      delaySeconds: message.delaySeconds ?? options?.delaySeconds,
    }));
    await this.channel.call({ op: "send", queue: this.name, messages: list });
    return { metadata: { metrics: NO_METRICS } };
  }

  async metrics(): Promise<QueueMetrics> {
    return NO_METRICS;
  }
}
