import type { ZodType } from "zod";
import { loggable } from "../errors";

/**
 * Runs `handle` for each message of a batch, at most `concurrency` at a time (a Worker invocation may hold six
 * outbound connections), and acks or retries each message on its own: one failing message never makes the whole
 * batch redeliver. A handler that throws (the database is down, a bug) retries its message with backoff.
 */
export async function settleEach<Body, Parsed>(
  batch: MessageBatch<Body>,
  schema: ZodType<Parsed>,
  handle: (body: Parsed, message: Message<Body>) => Promise<{ kind: "done" } | { kind: "retry"; delaySeconds: number }>,
  concurrency: number,
): Promise<void> {
  const queue = [...batch.messages];
  const worker = async () => {
    for (let message = queue.shift(); message; message = queue.shift()) {
      const parsed = schema.safeParse(message.body);
      if (!parsed.success) {
        // A message no consumer can read is dropped and logged, not retried until it reaches the dead-letter queue.
        console.error(
          JSON.stringify({ level: "error", queue: batch.queue, message_id: message.id, error: "unreadable message" }),
        );
        message.ack();
        continue;
      }
      try {
        const disposition = await handle(parsed.data, message);
        if (disposition.kind === "done") message.ack();
        else message.retry({ delaySeconds: disposition.delaySeconds });
      } catch (error) {
        console.error(
          JSON.stringify({
            level: "error",
            queue: batch.queue,
            message_id: message.id,
            attempts: message.attempts,
            error: loggable(error).message,
          }),
        );
        message.retry({ delaySeconds: crashBackoffSeconds(message.attempts) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.messages.length) }, worker));
}

/** 5 s, 10 s, 20 s ... capped at 10 minutes: for failures of Herald itself, not of the target. */
export function crashBackoffSeconds(attempts: number): number {
  return Math.min(600, 5 * 2 ** Math.max(0, attempts - 1));
}
