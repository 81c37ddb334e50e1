import { defineConfig } from "vitest/config";

// The fault soak (test/node/soak.test.ts) on its own, after the other Node tests: 1,000 notifications must settle
// within its deadline, which holds on two cores only when nothing else computes beside it (a fresh-clone run with
// CPU-heavy files beside it missed the deadline by two notifications).
export default defineConfig({
  test: {
    include: ["test/node/soak.test.ts"],
    testTimeout: 30_000,
    reporters: [
      "default",
      "../../scripts/vitest-progress.mjs",
      ["json", { outputFile: "test-results/vitest-soak.json" }],
    ],
  },
});
