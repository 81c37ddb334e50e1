#!/usr/bin/env node
// `npm test`: installs from the lockfile, then lint, typecheck and every test suite of the workspace; ends with one
// summary line of all the suites' tests.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpm } from "./pnpm.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

pnpm(["install", "--frozen-lockfile"]);
pnpm(["exec", "biome", "ci", "."]);
// The layers (.dependency-cruiser.cjs), then the test that the check fails on wrong imports.
pnpm(["run", "lint:layers"]);
const layers = layersTest();
// The committed OpenAPI document and client types must be what the API's routes generate.
pnpm(["run", "check:generated"]);
pnpm(["exec", "turbo", "run", "typecheck", "test", "--output-logs=errors-only"]);

// Every vitest run writes a JSON report into its package's test-results/ (see the vitest configs).
let passed = layers.passed;
let failed = layers.failed;
for (const group of ["apps", "packages", "examples"]) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) {
    const results = join(root, group, name, "test-results");
    if (!existsSync(results)) continue;
    for (const file of readdirSync(results).filter((f) => f.endsWith(".json"))) {
      const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(join(results, file), "utf8"));
      console.log(`${group}/${name} (${file}): ${numPassedTests} passed, ${numFailedTests} failed`);
      passed += numPassedTests;
      failed += numFailedTests;
    }
  }
}
console.log(`scripts/layers.test.mjs: ${layers.passed} passed, ${layers.failed} failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

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
