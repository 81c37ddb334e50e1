#!/usr/bin/env node
// `npm run dev`: installs what the workspace needs, prepares the local database and starts Herald on
// http://127.0.0.1:8787 (wrangler dev + the local libSQL server) with the console at /console/, rebuilt on every edit
// of apps/console (vite build --watch; reload the page), and with hot reload at http://127.0.0.1:5173/console/ (Vite's
// dev server in front of Herald). Ctrl-C stops them all.
import { pnpm, runApiEntry } from "./pnpm.mjs";

pnpm(["install", "--frozen-lockfile"]);
// wrangler serves the console's build directory (apps/api/wrangler.jsonc `assets`): it must exist before it starts.
pnpm(["--filter", "@herald/console", "build"]);
runApiEntry("scripts/dev.ts", process.argv.slice(2));
