#!/usr/bin/env node
// `npm run deploy:cloudflare`: installs what the workspace needs, then deploys Herald to your Cloudflare account
// (apps/api/scripts/deploy-cloudflare.ts; `npm run deploy:cloudflare -- --help` says what it needs).
import { pnpm, runApiEntry } from "./pnpm.mjs";

pnpm(["install", "--frozen-lockfile"]);
runApiEntry("scripts/deploy-cloudflare.ts", process.argv.slice(2));
