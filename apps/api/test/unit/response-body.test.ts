import { describe, expect, it } from "vitest";
import { MAX_STORED_RESPONSE_BYTES, readCapped } from "../../src/delivery/response-body";

const CHUNK = 1_000;

/** A target's answer of `chunks` chunks of 1,000 "a"s, telling how many were pulled and whether it was cancelled. */
function streamedAnswer(chunks: number) {
  const source = { pulled: 0, cancelled: false };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (source.pulled === chunks) return controller.close();
        source.pulled += 1;
        controller.enqueue(new TextEncoder().encode("a".repeat(CHUNK)));
      },
      cancel() {
        source.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { response: new Response(body), source };
}

describe("readCapped", () => {
  it("keeps the first 20,000 bytes of a long answer, stops reading there and cancels the rest", async () => {
    const { response, source } = streamedAnswer(100);

    const text = await readCapped(response);

    expect(text).toBe("a".repeat(MAX_STORED_RESPONSE_BYTES));
    // Cancelling releases the connection instead of leaving the rest of the answer unread on it.
    expect(source.cancelled).toBe(true);
    expect(source.pulled).toBe(MAX_STORED_RESPONSE_BYTES / CHUNK);
  });

  it("reads a short answer to its end", async () => {
    const { response, source } = streamedAnswer(3);

    expect(await readCapped(response)).toBe("a".repeat(3 * CHUNK));
    expect(source.pulled).toBe(3);
  });

  it("answers an empty string for an answer without a body", async () => {
    expect(await readCapped(new Response(null, { status: 204 }))).toBe("");
  });
});
