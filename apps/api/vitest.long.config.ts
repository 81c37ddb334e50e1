import { defineConfig } from "vitest/config";

// The two long waits, side by side and after the other Node tests: the fault soak (test/node/soak.test.ts), whose
// 1,000 notifications must settle within its deadline, and the channels' paced burst (test/node/channels.test.ts,
// 100 notifications at Slack's one a second). The burst only waits, so the soak keeps the CPU it needs; beside
// CPU-heavy files (bundling, packing, spawning) a fresh-clone run once missed the soak's deadline by two notifications.
export default defineConfig({
  test: {
    include: ["test/node/soak.test.ts", "test/node/channels.test.ts"],
    testTimeout: 30_000,
    maxWorkers: 2,
    reporters: [
      "default",
      "../../scripts/vitest-progress.mjs",
      ["json", { outputFile: "test-results/vitest-long.json" }],
    ],
  },
});
