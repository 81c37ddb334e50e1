import { defineConfig } from "vitest/config";

// The Node runtime's own tests: plain Node, no workerd (see node/runtime.ts).
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts"],
    testTimeout: 30_000,
    // The two long files (the fault soak, the channels' burst at one call a second) mostly wait on timers and
    // sockets, not on the CPU: side by side they take the time of one. Vitest's default (cores - 1) would run the
    // files one after another on a 2-core machine.
    maxWorkers: 3,
    reporters: ["default", ["json", { outputFile: "test-results/vitest-node.json" }]],
  },
});
