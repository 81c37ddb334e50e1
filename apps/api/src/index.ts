import { createApp } from "./app";
import type { Env } from "./env";
import { consumeQueue } from "./queues/consumers";
import { sweepStalledWork } from "./queues/sweeper";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext) => consumeQueue(batch, env),
  scheduled: async (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    ctx.waitUntil(
      sweepStalledWork(env).then((swept) => {
        if (swept.notifications + swept.deliveries > 0) console.log(JSON.stringify({ level: "info", swept }));
      }),
    );
  },
} satisfies ExportedHandler<Env, unknown>;
