#!/usr/bin/env node
// wrangler (dev, deploy, and the workerd tests' miniflare) refuses to start while wrangler.jsonc's `assets.directory`
// (../console/dist, the console's build) does not exist: this builds the console when it has not been built yet.
// `--always` rebuilds it anyway (a deployment ships the current console).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const consoleDir = fileURLToPath(new URL("../../console/", import.meta.url));

export function ensureConsole({ always = false } = {}) {
  if (!always && existsSync(`${consoleDir}dist/console/index.html`)) return;
  // A production build whatever the caller runs under (vitest sets NODE_ENV to "test").
  const built = spawnSync("pnpm", ["--filter", "@herald/console", "build"], {
    cwd: consoleDir,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (built.status !== 0) throw new Error("building the console (apps/console) failed");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureConsole({ always: process.argv.includes("--always") });
