import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Type tests (test/*.test-d.ts) run through tsc: an inferred type that drifts from the wire fails the suite.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    reporters: ["default", "../../scripts/vitest-progress.mjs", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
