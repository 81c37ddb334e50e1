// Runs the pinned pnpm, installing it first if this machine lacks it: the quick start needs only Node and npm.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

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

/** Runs pnpm with `args` in the repository root; exits the process with pnpm's status when it fails. */
export function pnpm(args, options = {}) {
  command ??= pnpmCommand();
  const [bin, ...prefix] = command;
  const result = spawnSync(bin, [...prefix, ...args], {
    cwd: new URL(".", root),
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", WRANGLER_SEND_METRICS: "false", ...options.env },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
