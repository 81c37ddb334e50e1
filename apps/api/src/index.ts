import { createApp } from "./app";
import { consumeQueue } from "./consumers";
import { sweepStalledWork } from "./consumers/sweeper";
import type { Env } from "./env";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: async (batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext) => {
    try {
      await consumeQueue(batch, env);
    } catch (error) {
      // A bad setting (or a crash the consumers did not settle): one line in the log, and the queue retries the batch.
      console.error(JSON.stringify({ level: "error", message: "queue batch failed", error: String(error) }));
      throw error;
    }
  },
  scheduled: async (_controller: ScheduledController, env: Env, _ctx: ExecutionContext) => {
    try {
      const swept = await sweepStalledWork(env);
      if (swept.notifications + swept.deliveries > 0) console.log(JSON.stringify({ level: "info", swept }));
    } catch (error) {
      // Nothing is lost: the work stays in the database for the next run. Thrown on, so the run shows as failed.
      console.error(JSON.stringify({ level: "error", message: "sweep failed", error: String(error) }));
      throw error;
    }
  },
} satisfies ExportedHandler<Env, unknown>;
