import { defineConfig } from "vitest/config";

// The Node runtime's own tests, and the unit tests of pure logic: plain Node, no workerd (see node/runtime.ts). The
// Worker's code is tested in workerd through its own entry points (vitest.config.ts).
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts", "test/unit/**/*.test.ts"],
    // The two long waits (the fault soak, the channels' paced burst) run after these (vitest.long.config.ts), and the
    // storm alone after them (vitest.storm.config.ts).
    exclude: ["test/node/soak.test.ts", "test/node/channels.test.ts", "test/node/storms.test.ts"],
    testTimeout: 30_000,
    // Two files side by side: most of them wait (on retry delays, leases, vendors' pacing, child processes).
    maxWorkers: 2,
    reporters: [
      "default",
      "../../scripts/vitest-progress.mjs",
      ["json", { outputFile: "test-results/vitest-node.json" }],
    ],
  },
});
