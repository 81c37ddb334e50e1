import { defineConfig } from "vitest/config";

// The console's tests: unit tests (test/filters.test.ts) and the browser tests (test/console.*.test.ts over
// test/console.setup.ts: the built console in Debian's Chromium through playwright-core, against Herald's Node runtime
// and a local receiver).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    // Generous: under `npm test` the browser shares two cores with the API's suites.
    testTimeout: 120_000,
    hookTimeout: 90_000,
    reporters: ["default", "../../scripts/vitest-progress.mjs", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
