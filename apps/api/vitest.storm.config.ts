import { defineConfig } from "vitest/config";

// The Node runtime's alert storm (test/node/storms.test.ts), alone and last: it judges when calls reach the receiver
// and how soon the burst drains. Beside another CPU-heavy file on two cores the pipeline thread was once starved long
// enough that lanes woke late and called their passed slots together (141 "breaches"); lanes now give such slots up
// (call-limits.ts `missesSlot`), and the file stays alone so that its drain time measures Herald, not its neighbour.
export default defineConfig({
  test: {
    include: ["test/node/storms.test.ts"],
    testTimeout: 30_000,
    maxWorkers: 1,
    reporters: [
      "default",
      "../../scripts/vitest-progress.mjs",
      ["json", { outputFile: "test-results/vitest-storm.json" }],
    ],
  },
});
