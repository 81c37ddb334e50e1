import { defineConfig } from "vitest/config";

// The console's browser tests: the built console in Debian's Chromium (playwright-core), against Herald's Node runtime
// and a local receiver, started by the test (test/console.browser.test.ts).
export default defineConfig({
  test: {
    include: ["test/**/*.browser.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    reporters: [
      "default",
      "../../scripts/vitest-progress.mjs",
      ["json", { outputFile: "test-results/vitest-browser.json" }],
    ],
  },
});
