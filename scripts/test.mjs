#!/usr/bin/env node
// `npm test`: installs from the lockfile, then lint, typecheck and every test suite of the workspace; ends with one
// summary line of all the suites' tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpm, pnpmWatching } from "./pnpm.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

pnpm(["install", "--frozen-lockfile"]);
installChromium();
pnpm(["exec", "biome", "ci", "."]);
// The layers (.dependency-cruiser.cjs), then the test that the check fails on wrong imports.
pnpm(["run", "lint:layers"]);
const layers = layersTest();
// The committed OpenAPI document and client types must be what the API's routes generate.
pnpm(["run", "check:generated"]);
// The summary counts only tests run now: turbo.json marks `test` uncacheable (a replayed cache hit would count an
// earlier run's tests, and in CI would pass a suite that was never run on this commit's machine), and every old report
// is removed first, so a suite that dies before writing its report is not counted from a previous invocation.
const reportDirs = packageDirs().map((dir) => join(dir, "test-results"));
for (const results of reportDirs) rmSync(results, { recursive: true, force: true });
// Turbo shows a task's output only if it fails (and only once it ended): each suite's start and end lines come
// through a file its reporter appends to (scripts/vitest-progress.mjs), printed here as it grows.
const progressDir = mkdtempSync(join(tmpdir(), "herald-test-"));
const progress = join(progressDir, "progress.txt");
writeFileSync(progress, "");
let printed = 0;
const started = Date.now();
await pnpmWatching(
  ["exec", "turbo", "run", "typecheck", "test", "--output-logs=errors-only"],
  { env: { HERALD_TEST_PROGRESS_FILE: progress } },
  () => {
    const lines = readFileSync(progress, "utf8").split("\n").slice(0, -1);
    const elapsed = `${Math.round((Date.now() - started) / 1000)} s`.padStart(6);
    for (const line of lines.slice(printed)) console.log(`[${elapsed}] ${line}`);
    printed = lines.length;
  },
);
rmSync(progressDir, { recursive: true, force: true });

// Every vitest run writes a JSON report into its package's test-results/ (see the vitest configs).
let passed = layers.passed;
let failed = layers.failed;
for (const results of reportDirs) {
  if (!existsSync(results)) continue;
  for (const file of readdirSync(results).filter((f) => f.endsWith(".json"))) {
    const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(join(results, file), "utf8"));
    console.log(`${relative(root, dirname(results))} (${file}): ${numPassedTests} passed, ${numFailedTests} failed`);
    passed += numPassedTests;
    failed += numFailedTests;
  }
}
console.log(`scripts/layers.test.mjs: ${layers.passed} passed, ${layers.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

/**
 * The console's browser tests (apps/console) drive Debian's Chromium: installed with apt-get when missing and this
 * runs as root (CI); otherwise the tests say how to install it. No browser is downloaded from anywhere else.
 */
function installChromium() {
  const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (existsSync(chromium)) return;
  if (process.getuid?.() !== 0) {
    console.log(`herald: no Chromium at ${chromium}; the console's browser tests need it (apt-get install chromium)`);
    return;
  }
  console.log("herald: installing Debian's chromium for the console's browser tests (apt-get install chromium)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "chromium"]]) {
    const run = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}

/** Every workspace package's folder (apps/*, packages/*, examples/*). */
function packageDirs() {
  return ["apps", "packages", "examples"]
    .filter((group) => existsSync(join(root, group)))
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)));
}

/** Runs scripts/layers.test.mjs with node's test runner; its TAP counts join the summary (a crash counts as a failure). */
function layersTest() {
  const run = spawnSync(process.execPath, ["--test", "--test-reporter=tap", join(root, "scripts", "layers.test.mjs")], {
    cwd: root,
    encoding: "utf8",
  });
  process.stdout.write(run.stdout);
  process.stderr.write(run.stderr);
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(run.stdout)?.[1] ?? 0);
  const failed = count("fail") + count("cancelled");
  return { passed: count("pass"), failed: run.status === 0 ? failed : Math.max(failed, 1) };
}
