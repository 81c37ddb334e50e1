// Local development: migrates and seeds the local database, serves it with the libSQL dev server, runs the Worker
// with `wrangler dev` against it, and rebuilds the console (apps/console) as it is edited. Run through `npm run dev`
// at the repository root.

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startLibsqlDevServer } from "@herald/libsql-dev-server";
import { loadLocalSecrets } from "./local-secrets";
import { prepareLocalDb } from "./prepare-local-db";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const dbPath = process.env.HERALD_DEV_DB ?? `${appDir}.data/herald.db`;
const libsqlPort = Number(process.env.LIBSQL_DEV_PORT ?? 8080);
const apiPort = Number(process.env.HERALD_PORT ?? 8787);

// Secrets stay out of wrangler.jsonc: wrangler dev reads them from .dev.vars, made once per checkout (and completed
// when a newer Herald needs a secret an older checkout's file lacks).
loadLocalSecrets(`${appDir}.dev.vars`, {});

await prepareLocalDb(dbPath);
const libsql = await startLibsqlDevServer({ path: dbPath, port: libsqlPort }).catch((error: NodeJS.ErrnoException) => {
  console.error(`herald: cannot start the local libSQL server on port ${libsqlPort}: ${error.code ?? error.message}`);
  console.error("herald: stop what uses that port, or set LIBSQL_DEV_PORT");
  process.exit(1);
});
console.log(`herald: local database ${dbPath} served at ${libsql.url}`);

const wrangler = spawn(
  "wrangler",
  [
    "dev",
    "--local",
    "--ip",
    "127.0.0.1",
    "--port",
    String(apiPort),
    "--var",
    `LIBSQL_URL:${libsql.url}`,
    // Local webhook receivers live on this machine; never set this in a deployment.
    "--var",
    "ALLOW_LOOPBACK_TARGETS:true",
  ],
  { cwd: appDir, stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);

// The console, rebuilt into the directory wrangler serves on every edit of apps/console (built once already by
// scripts/dev.mjs; reload the page to see a change); the hot-reload server below shows edits without a reload.
const consoleWatch = spawn("pnpm", ["--filter", "@herald/console", "dev"], {
  cwd: appDir,
  stdio: ["ignore", "inherit", "inherit"],
});
consoleWatch.on("error", (error) =>
  console.error(`herald: the console's rebuild on edit did not start: ${error.message}`),
);

// And the console with hot reload: Vite's dev server at http://127.0.0.1:5173/console/, passing Herald's paths on to
// wrangler (apps/console/vite.config.ts), for editing the console without reloading the page.
const consoleHot = spawn("pnpm", ["--filter", "@herald/console", "hot"], {
  cwd: appDir,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, HERALD_URL: `http://127.0.0.1:${apiPort}` },
});
consoleHot.on("error", (error) =>
  console.error(`herald: the console's hot-reload server did not start: ${error.message}`),
);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  consoleWatch.kill("SIGTERM");
  consoleHot.kill("SIGTERM");
  wrangler.kill("SIGTERM");
  await libsql.close();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
wrangler.on("exit", (code) => void stop(code ?? 0));
