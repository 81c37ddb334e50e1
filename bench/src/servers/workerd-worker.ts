// The Worker under test in `wrangler dev`: Herald's own default export (fetch, queue consumers, cron sweeper), with
// the baseline route in front of its fetch. The bench generates a wrangler config from apps/api/wrangler.jsonc with
// only `main` pointing here.

import type { Env } from "@herald/api/src/env";
import herald from "@herald/api/src/index";
import { withBaseline } from "./baseline";

const app = withBaseline(herald);

export default {
  fetch: app.fetch,
  queue: herald.queue,
  scheduled: herald.scheduled,
} satisfies ExportedHandler<Env, unknown>;
