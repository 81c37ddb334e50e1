import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "../../scripts/vitest-progress.mjs", ["json", { outputFile: "test-results/vitest.json" }]],
    // the concurrency and CLI tests wait on real timers and a child process
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
