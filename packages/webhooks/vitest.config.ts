import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", "../../scripts/vitest-progress.mjs", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
