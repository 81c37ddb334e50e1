import { describe, expect, it } from "vitest";
import { enqueueDeliveries, LEGS_PER_MESSAGE, legsOf, sendInChunks } from "../../src/queues/producers";

/** A queue that keeps what each sendBatch call carried. */
function recordingQueue<Body>() {
  const calls: MessageSendRequest<Body>[][] = [];
  const queue = {
    calls,
    async send() {
      throw new Error("producers send batches");
    },
    async sendBatch(messages: Iterable<MessageSendRequest<Body>>) {
      calls.push([...messages]);
      return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } };
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  return queue as unknown as Queue<Body> & { calls: MessageSendRequest<Body>[][] };
}

describe("sendInChunks", () => {
  it("cuts sends at 100 messages", async () => {
    const queue = recordingQueue<{ n: number }>();
    await sendInChunks(
      queue,
      Array.from({ length: 250 }, (_, n) => ({ body: { n } })),
    );
    expect(queue.calls.map((call) => call.length)).toEqual([100, 100, 50]);
  });

  it("cuts sends at 256 KB", async () => {
    const queue = recordingQueue<{ text: string }>();
    await sendInChunks(
      queue,
      Array.from({ length: 10 }, () => ({ body: { text: "x".repeat(60_000) } })),
    );
    expect(queue.calls.map((call) => call.length)).toEqual([4, 4, 2]);
    for (const call of queue.calls) expect(JSON.stringify(call.map((m) => m.body)).length).toBeLessThan(256 * 1024);
  });
});

describe("enqueueDeliveries", () => {
  it("packs legs of one account and one delay together, and keeps accounts and delays apart", async () => {
    const queue = recordingQueue<Parameters<typeof legsOf>[0]>();
    const legs = [
      ...Array.from({ length: 23 }, (_, i) => ({ id: `a${i}`, accountId: "A" })),
      { id: "b0", accountId: "B" },
      { id: "a-later", accountId: "A", delaySeconds: 4.2 },
    ];
    await enqueueDeliveries(queue, legs);
    const messages = queue.calls.flat();
    expect(
      messages.map((message) => [message.body.account_id, legsOf(message.body).length, message.delaySeconds]),
    ).toEqual([
      ["A", LEGS_PER_MESSAGE, undefined],
      ["A", LEGS_PER_MESSAGE, undefined],
      ["A", 3, undefined],
      ["B", 1, undefined],
      ["A", 1, 5],
    ]);
    expect(messages.flatMap((message) => legsOf(message.body)).sort()).toEqual(legs.map((leg) => leg.id).sort());
  });
});
