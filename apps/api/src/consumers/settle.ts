import type { ZodType } from "zod";
import { loggable } from "../errors";

/** A message of a batch with its body parsed, settled once: the first ack or retry stands. */
export interface Parsed<Body> {
  body: Body;
  attempts: number;
  ack(): void;
  retry(delaySeconds: number): void;
  readonly settled: boolean;
}

/**
 * Parses every message of a batch and hands the readable ones to `handle`, which acks or retries each on its own: one
 * failing message never makes the whole batch redeliver. A message no consumer can read is dropped and logged, not
 * retried until it reaches the dead-letter queue. If `handle` throws (the database is down, a bug), every message it
 * had not settled is retried with backoff.
 */
export async function settleBatch<Body>(
  batch: MessageBatch<unknown>,
  schema: ZodType<Body>,
  handle: (messages: Parsed<Body>[]) => Promise<void>,
): Promise<void> {
  const readable: Parsed<Body>[] = [];
  for (const message of batch.messages) {
    const parsed = schema.safeParse(message.body);
    if (!parsed.success) {
      console.error(
        JSON.stringify({ level: "error", queue: batch.queue, message_id: message.id, error: "unreadable message" }),
      );
      message.ack();
      continue;
    }
    let settled = false;
    readable.push({
      body: parsed.data,
      attempts: message.attempts,
      get settled() {
        return settled;
      },
      ack() {
        if (settled) return;
        settled = true;
        message.ack();
      },
      retry(delaySeconds) {
        if (settled) return;
        settled = true;
        message.retry({ delaySeconds });
      },
    });
  }
  if (readable.length === 0) return;
  try {
    await handle(readable);
  } catch (error) {
    console.error(
      JSON.stringify({
        level: "error",
        queue: batch.queue,
        messages: readable.filter((message) => !message.settled).length,
        error: loggable(error).message,
      }),
    );
    for (const message of readable) message.retry(crashBackoffSeconds(message.attempts));
  }
}

/** 5 s, 10 s, 20 s ... capped at 10 minutes: for failures of Herald itself, not of the target. */
export function crashBackoffSeconds(attempts: number): number {
  return Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));
}
