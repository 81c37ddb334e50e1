#!/usr/bin/env node
// `npm run dev`: installs what the workspace needs, prepares the local database and starts Herald on
// http://127.0.0.1:8787 (wrangler dev + the local libSQL server). Ctrl-C stops both.
import { pnpm, runApiEntry } from "./pnpm.mjs";

pnpm(["install", "--frozen-lockfile"]);
runApiEntry("scripts/dev.ts", process.argv.slice(2));
