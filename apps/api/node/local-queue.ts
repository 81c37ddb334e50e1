/**
 * An in-process queue with Cloudflare Queues' consumer semantics, for the single-machine Node runtime: batches (by
 * size or timeout), per-message ack and retry with delay, `max_retries` and a dead-letter queue, bounded
 * concurrency. Messages live in memory only: what a restart drops is recovered from the database by the sweeper,
 * exactly as a lost message is on Workers. It is not a message broker, and not meant to become one.
 */

export interface LocalConsumerOptions {
  maxBatchSize: number;
  maxBatchTimeoutMs: number;
  /** Deliveries after the first before a message goes to the dead-letter queue (Cloudflare's `max_retries`). */
  maxRetries: number;
  retryDelaySeconds: number;
  maxConcurrency: number;
  deadLetterQueue?: LocalQueue<unknown>;
}

type Handler<Body> = (batch: MessageBatch<Body>) => Promise<void>;

interface Pending<Body> {
  id: string;
  body: Body;
  timestamp: Date;
  attempts: number;
  visibleAt: number;
}

const EMPTY_METRICS = { backlogCount: 0, backlogBytes: 0 };

export class LocalQueue<Body = unknown> implements Queue<Body> {
  private ready: Pending<Body>[] = [];
  private delayed: Pending<Body>[] = [];
  private consumer?: { handler: Handler<Body>; options: LocalConsumerOptions };
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(readonly name: string) {}

  async send(body: Body, options?: QueueSendOptions): Promise<QueueSendResponse> {
    this.enqueue(body, options?.delaySeconds ?? 0, 1);
    return { metadata: { metrics: this.metricsNow() } };
  }

  async sendBatch(
    messages: Iterable<MessageSendRequest<Body>>,
    options?: QueueSendBatchOptions,
  ): Promise<QueueSendBatchResponse> {
    for (const message of messages) this.enqueue(message.body, message.delaySeconds ?? options?.delaySeconds ?? 0, 1);
    return { metadata: { metrics: this.metricsNow() } };
  }

  async metrics(): Promise<QueueMetrics> {
    return this.metricsNow();
  }

  /** Messages waiting or being handled. */
  get backlog(): number {
    return this.ready.length + this.delayed.length + this.inFlight;
  }

  consume(handler: Handler<Body>, options: LocalConsumerOptions): void {
    this.consumer = { handler, options };
    this.schedule(0);
  }

  /** Stops taking batches and waits for the ones being handled. Waiting messages are dropped (see the class note). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private metricsNow() {
    return { ...EMPTY_METRICS, backlogCount: this.backlog };
  }

  private enqueue(
    body: Body,
    delaySeconds: number,
    attempts: number,
    id: string = crypto.randomUUID(),
    timestamp = new Date(),
  ) {
    if (this.closed) throw new Error(`queue ${this.name} is closed`);
    const pending: Pending<Body> = { id, body, timestamp, attempts, visibleAt: Date.now() + delaySeconds * 1000 };
    if (delaySeconds > 0) insertByVisibleAt(this.delayed, pending);
    else this.ready.push(pending);
    this.schedule(delaySeconds > 0 ? delaySeconds * 1000 : 0);
  }

  private schedule(inMs: number) {
    if (!this.consumer || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pump(), Math.max(0, inMs));
  }

  /** Hands out every batch that is due, then sleeps until the next one could be. */
  private pump() {
    this.timer = undefined;
    if (!this.consumer || this.closed) return;
    const { options } = this.consumer;
    const now = Date.now();
    while (this.delayed.length > 0 && (this.delayed[0] as Pending<Body>).visibleAt <= now) {
      this.ready.push(this.delayed.shift() as Pending<Body>);
    }
    while (this.inFlight < options.maxConcurrency && this.ready.length > 0) {
      const oldest = this.ready[0] as Pending<Body>;
      const full = this.ready.length >= options.maxBatchSize;
      if (!full && now - oldest.visibleAt < options.maxBatchTimeoutMs) break;
      void this.dispatch(this.ready.splice(0, options.maxBatchSize));
    }
    const waits: number[] = [];
    if (this.ready.length > 0 && this.inFlight < options.maxConcurrency) {
      waits.push((this.ready[0] as Pending<Body>).visibleAt + options.maxBatchTimeoutMs - now);
    }
    if (this.delayed.length > 0) waits.push((this.delayed[0] as Pending<Body>).visibleAt - now);
    if (waits.length > 0) this.schedule(Math.min(...waits));
  }

  private async dispatch(items: Pending<Body>[]) {
    const consumer = this.consumer as { handler: Handler<Body>; options: LocalConsumerOptions };
    this.inFlight += 1;
    const outcome = new Map<string, { kind: "ack" } | { kind: "retry"; delaySeconds: number }>();
    const messages: Message<Body>[] = items.map((item) => ({
      id: item.id,
      timestamp: item.timestamp,
      body: item.body,
      attempts: item.attempts,
      ack: () => {
        if (!outcome.has(item.id)) outcome.set(item.id, { kind: "ack" });
      },
      retry: (options?: QueueRetryOptions) => {
        if (!outcome.has(item.id)) {
          outcome.set(item.id, {
            kind: "retry",
            delaySeconds: options?.delaySeconds ?? consumer.options.retryDelaySeconds,
          });
        }
      },
    }));
    const batch: MessageBatch<Body> = {
      queue: this.name,
      messages,
      metadata: { metrics: this.metricsNow() },
      ackAll: () => {
        for (const message of messages) message.ack();
      },
      retryAll: (options?: QueueRetryOptions) => {
        for (const message of messages) message.retry(options);
      },
    };
    let failed = false;
    try {
      await consumer.handler(batch);
    } catch (error) {
      failed = true;
      console.error(JSON.stringify({ level: "error", queue: this.name, error: String(error) }));
    }
    for (const item of items) {
      // As on Cloudflare: a handler that returns acks what it did not retry; one that throws retries what it did
      // not ack.
      const decided =
        outcome.get(item.id) ??
        (failed
          ? { kind: "retry" as const, delaySeconds: consumer.options.retryDelaySeconds }
          : { kind: "ack" as const });
      if (decided.kind === "retry") this.redeliver(item, decided.delaySeconds, consumer.options);
    }
    this.inFlight -= 1;
    if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    this.schedule(0);
  }

  private redeliver(item: Pending<Body>, delaySeconds: number, options: LocalConsumerOptions) {
    if (this.closed) return;
    if (item.attempts > options.maxRetries) {
      if (options.deadLetterQueue) void options.deadLetterQueue.send(item.body);
      else
        console.error(
          JSON.stringify({
            level: "error",
            queue: this.name,
            message_id: item.id,
            error: "retries exhausted; dropped",
          }),
        );
      return;
    }
    this.enqueue(item.body, delaySeconds, item.attempts + 1, item.id, item.timestamp);
  }
}

function insertByVisibleAt<T extends { visibleAt: number }>(list: T[], item: T) {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((list[middle] as T).visibleAt <= item.visibleAt) low = middle + 1;
    else high = middle;
  }
  list.splice(low, 0, item);
}
