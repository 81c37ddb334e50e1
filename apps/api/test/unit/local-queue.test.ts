import { describe, expect, it } from "vitest";
import { type LocalConsumerOptions, LocalQueue } from "../../node/local-queue";

const options = (overrides: Partial<LocalConsumerOptions> = {}): LocalConsumerOptions => ({
  maxBatchSize: 10,
  maxBatchTimeoutMs: 50,
  maxRetries: 3,
  retryDelaySeconds: 0,
  maxConcurrency: 1,
  ...overrides,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the work the test expects, not for a fixed time: on a busy machine a batch takes what it takes. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("the queue did not get there in time");
    await sleep(10);
  }
}

describe("LocalQueue", () => {
  it("hands out a full batch at once and a partial one after the batch timeout", async () => {
    const queue = new LocalQueue<number>("q");
    const batches: Array<{ at: number; bodies: number[] }> = [];
    const started = Date.now();
    queue.consume(
      async (batch) => {
        batches.push({ at: Date.now() - started, bodies: batch.messages.map((m) => m.body) });
      },
      options({ maxBatchSize: 3, maxBatchTimeoutMs: 200 }),
    );
    await queue.sendBatch([1, 2, 3, 4].map((body) => ({ body })));
    await until(() => batches.length === 2);
    expect(batches.map((b) => b.bodies)).toEqual([[1, 2, 3], [4]]);
    expect(batches[0]!.at).toBeLessThan(150);
    expect(batches[1]!.at).toBeGreaterThanOrEqual(190);
    await queue.close();
  });

  it("acks and retries each message on its own, counting attempts", async () => {
    const queue = new LocalQueue<string>("q");
    const seen: Array<[string, number]> = [];
    queue.consume(
      async (batch) => {
        for (const message of batch.messages) {
          seen.push([message.body, message.attempts]);
          if (message.body === "flaky" && message.attempts < 3) message.retry();
          else message.ack();
        }
      },
      options({ maxBatchTimeoutMs: 10 }),
    );
    await queue.sendBatch([{ body: "fine" }, { body: "flaky" }]);
    await until(() => seen.length === 4);
    await sleep(50); // and nothing more comes
    expect(seen).toEqual([
      ["fine", 1],
      ["flaky", 1],
      ["flaky", 2],
      ["flaky", 3],
    ]);
    expect(queue.backlog).toBe(0);
    await queue.close();
  });

  it("waits out a retry's delay", async () => {
    const queue = new LocalQueue<string>("q");
    const at: number[] = [];
    queue.consume(
      async (batch) => {
        for (const message of batch.messages) {
          at.push(Date.now());
          if (message.attempts === 1) message.retry({ delaySeconds: 1 });
        }
      },
      options({ maxBatchTimeoutMs: 10 }),
    );
    await queue.send("later");
    await until(() => at.length === 2);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
    await queue.close();
  });

  it("retries what a throwing handler did not ack, and acks what a returning handler did not retry", async () => {
    const queue = new LocalQueue<string>("q");
    const calls: string[][] = [];
    queue.consume(
      async (batch) => {
        calls.push(batch.messages.map((m) => `${m.body}@${m.attempts}`));
        const [first] = batch.messages;
        first?.ack();
        if (batch.messages.length > 1) throw new Error("crashed mid-batch");
      },
      options({ maxBatchTimeoutMs: 10 }),
    );
    await queue.sendBatch([{ body: "a" }, { body: "b" }]);
    await until(() => calls.length === 2);
    await sleep(50); // and nothing more comes
    expect(calls).toEqual([["a@1", "b@1"], ["b@2"]]);
    expect(queue.backlog).toBe(0);
    await queue.close();
  });

  it("sends a message past max_retries to the dead-letter queue", async () => {
    const dead = new LocalQueue<unknown>("dlq");
    const deadBodies: unknown[] = [];
    dead.consume(
      async (batch) => {
        deadBodies.push(...batch.messages.map((m) => m.body));
      },
      options({ maxBatchTimeoutMs: 10 }),
    );
    const queue = new LocalQueue<string>("q");
    let attempts = 0;
    queue.consume(
      async (batch) => {
        attempts += batch.messages.length;
        batch.retryAll();
      },
      options({ maxBatchTimeoutMs: 10, maxRetries: 2, deadLetterQueue: dead }),
    );
    await queue.send("poison");
    await until(() => deadBodies.length === 1);
    expect(attempts).toBe(3);
    expect(deadBodies).toEqual(["poison"]);
    await queue.close();
    await dead.close();
  });

  it("runs at most max_concurrency batches at a time", async () => {
    const queue = new LocalQueue<number>("q");
    let running = 0;
    let peak = 0;
    let handled = 0;
    queue.consume(
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(30);
        running -= 1;
        handled += 1;
      },
      options({ maxBatchSize: 1, maxBatchTimeoutMs: 0, maxConcurrency: 3 }),
    );
    await queue.sendBatch(Array.from({ length: 12 }, (_, body) => ({ body })));
    await until(() => handled === 12 && queue.backlog === 0);
    expect(peak).toBe(3);
    await queue.close();
  });

  it("close() waits for the batch being handled", async () => {
    const queue = new LocalQueue<number>("q");
    let finished = false;
    queue.consume(
      async () => {
        await sleep(100);
        finished = true;
      },
      options({ maxBatchTimeoutMs: 0 }),
    );
    await queue.send(1);
    await sleep(20);
    await queue.close();
    expect(finished).toBe(true);
  });
});
