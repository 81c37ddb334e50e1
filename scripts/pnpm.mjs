// Runs the pinned pnpm, installing it first if this machine lacks it: the quick start needs only Node and npm.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter } from "node:path";

const root = new URL("..", import.meta.url);
const pinned = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).packageManager.replace(/^pnpm@/, "");

function installedVersion() {
  try {
    return execFileSync("pnpm", ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** The command that runs pnpm `pinned`: the global one when it matches, else a fresh global install, else npx. */
function pnpmCommand() {
  if (installedVersion() === pinned) return ["pnpm"];
  console.log(`herald: installing pnpm ${pinned} (npm i -g pnpm@${pinned})`);
  const install = spawnSync("npm", ["install", "--global", `pnpm@${pinned}`], { stdio: "inherit" });
  if (install.status === 0 && installedVersion() === pinned) return ["pnpm"];
  console.log("herald: a global install was not possible; running pnpm through npx");
  return ["npx", "--yes", `pnpm@${pinned}`];
}

let command;

function pnpmInvocation(args, options) {
  command ??= pnpmCommand();
  const [bin, ...prefix] = command;
  const spawnOptions = {
    cwd: new URL(".", root),
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", WRANGLER_SEND_METRICS: "false", ...options.env },
  };
  return [bin, [...prefix, ...args], spawnOptions];
}

/** Runs pnpm with `args` in the repository root; exits the process with pnpm's status when it fails. */
export function pnpm(args, options = {}) {
  const result = spawnSync(...pnpmInvocation(args, options));
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs pnpm with `args` while this process goes on (`whileRunning` is called every second); exits as pnpm() does. */
export async function pnpmWatching(args, options, whileRunning) {
  const child = spawn(...pnpmInvocation(args, options));
  const timer = setInterval(whileRunning, 1000);
  const status = await new Promise((resolve) => child.on("exit", (code) => resolve(code ?? 1)));
  clearInterval(timer);
  whileRunning();
  if (status !== 0) process.exit(status);
}

/**
 * Runs a TypeScript entry point of `apps/api` in the foreground (through tsx's loader, not `pnpm run`): Ctrl-C reaches
 * it alone, it shuts down and exits 0, and neither pnpm nor this script reports the interrupt as a failure. Exits
 * with the entry's status.
 */
export function runApiEntry(entry, args) {
  const apiDir = new URL("apps/api/", root);
  // As `pnpm run` would: the workspace's binaries (wrangler) on the PATH.
  const bins = [new URL("node_modules/.bin", apiDir), new URL("node_modules/.bin", root)].map((url) => url.pathname);
  // The jq engine's files are generated, not committed (apps/api/scripts/generate-jq-engine.mjs): an install with
  // nothing to do runs no postinstall, so they are made here too, as the api's own scripts do.
  const generated = spawnSync(process.execPath, ["scripts/generate-jq-engine.mjs"], { cwd: apiDir, stdio: "inherit" });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: apiDir,
    stdio: "inherit",
    env: {
      ...process.env,
      PATH: [...bins, process.env.PATH].join(delimiter),
      TURBO_TELEMETRY_DISABLED: "1",
      WRANGLER_SEND_METRICS: "false",
    },
  });
  // The terminal sends SIGINT to the whole process group: the entry handles it; this script waits for it to finish.
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" || signal === "SIGTERM" ? 0 : 1)));
}
