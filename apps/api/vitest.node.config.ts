import { defineConfig } from "vitest/config";

// The Node runtime's own tests, and the unit tests of pure logic: plain Node, no workerd (see node/runtime.ts). The
// Worker's code is tested in workerd through its own entry points (vitest.config.ts).
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts", "test/unit/**/*.test.ts"],
    testTimeout: 30_000,
    // Two files side by side: the fault soak and the channels' paced burst mostly wait (on retry delays, leases and
    // vendors' pacing), so beside each other they cost little more than the longer one (250 s → 154 s). Three side by
    // side once left the soak short of its deadline on two cores (e276f9a went back to one).
    maxWorkers: 2,
    reporters: [
      "default",
      "../../scripts/vitest-progress.mjs",
      ["json", { outputFile: "test-results/vitest-node.json" }],
    ],
  },
});
