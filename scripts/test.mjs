#!/usr/bin/env node
// `npm test`: installs from the lockfile, then lint, typecheck and every test suite of the workspace; ends with one
// summary line of all the suites' tests.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pnpm } from "./pnpm.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));

pnpm(["install", "--frozen-lockfile"]);
pnpm(["exec", "biome", "ci", "."]);
pnpm(["exec", "turbo", "run", "typecheck", "test", "--output-logs=errors-only"]);

// Every package's vitest writes test-results/vitest.json (see each vitest.config.ts).
let passed = 0;
let failed = 0;
for (const group of ["apps", "packages"]) {
  for (const name of readdirSync(join(root, group))) {
    const report = join(root, group, name, "test-results", "vitest.json");
    if (!existsSync(report)) continue;
    const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(report, "utf8"));
    console.log(`${group}/${name}: ${numPassedTests} passed, ${numFailedTests} failed`);
    passed += numPassedTests;
    failed += numFailedTests;
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
