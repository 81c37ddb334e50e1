#!/usr/bin/env node
// `npm run serve`: installs what the workspace needs and starts Herald on Node (apps/api/node/server.ts) with an
// embedded database and in-process queues, on http://127.0.0.1:8787. `npm run serve -- --dev` adds the development
// accounts and allows loopback targets. The console (apps/console) is built first and served at /console/.
import { pnpm, runApiEntry } from "./pnpm.mjs";

pnpm(["install", "--frozen-lockfile"]);
pnpm(["--filter", "@herald/console", "build"]);
runApiEntry("node/server.ts", process.argv.slice(2));
