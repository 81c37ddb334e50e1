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
// The committed OpenAPI document and client types must be what the API's routes generate.
pnpm(["run", "check:generated"]);
pnpm(["exec", "turbo", "run", "typecheck", "test", "--output-logs=errors-only"]);

// Every vitest run writes a JSON report into its package's test-results/ (see the vitest configs).
let passed = 0;
let failed = 0;
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
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
