// The Worker under test in `wrangler dev`: Herald's own default export (fetch, queue consumers, cron sweeper), with
// the baseline route in front of its fetch. The bench generates a wrangler config from apps/api/wrangler.jsonc with
// only `main` pointing here. The queue producers Herald gets are wrapped to count the messages it sends, and
// GET STATS_PATH answers those counters (the libSQL server counts the database's side).

import { countingQueue, emptyCounters } from "@herald/api/node/counting";
import type { Env } from "@herald/api/src/env";
import herald from "@herald/api/src/index";
import { QUEUES } from "@herald/api/src/queues/producers";
import { withBaseline } from "./baseline";

// One isolate serves requests, queue batches and the cron alike, so one set of counters sees them all.
const counters = emptyCounters();

// Herald builds its services once per bindings object: the counted env must be the same object for the same env.
const countedEnvs = new WeakMap<Env, Env>();
function counted(env: Env): Env {
  let wrapped = countedEnvs.get(env);
  if (!wrapped) {
    wrapped = {
      ...env,
      FANOUT_QUEUE: countingQueue(QUEUES.fanout, env.FANOUT_QUEUE, counters),
      DELIVERY_QUEUE: countingQueue(QUEUES.delivery, env.DELIVERY_QUEUE, counters),
    };
    countedEnvs.set(env, wrapped);
  }
  return wrapped;
}

const app = withBaseline(herald, () => counters);

export default {
  fetch: (request, env, ctx) => app.fetch(request, counted(env), ctx),
  queue: (batch, env, ctx) => herald.queue(batch, counted(env), ctx),
  scheduled: (controller, env, ctx) => herald.scheduled(controller, counted(env), ctx),
} satisfies ExportedHandler<Env, unknown>;
