import { defineConfig } from "vitest/config";

// The Node runtime's own tests: plain Node, no workerd (see node/runtime.ts).
export default defineConfig({
  test: {
    include: ["test/node/**/*.test.ts"],
    testTimeout: 30_000,
    reporters: ["default", ["json", { outputFile: "test-results/vitest-node.json" }]],
  },
});
