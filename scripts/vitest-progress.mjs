// A vitest reporter for `npm test`: one line when a suite starts and one when it ends, with its counts and seconds,
// appended to the file HERALD_TEST_PROGRESS_FILE names (scripts/test.mjs prints it as it grows: turbo holds a task's
// own output back until the task ends). Without that variable it reports nothing.
import { appendFileSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";

export default class ProgressReporter {
  onInit(vitest) {
    const config = basename(vitest.vite.config.configFile ?? "vitest.config.ts");
    const variant = /^vitest\.(.+)\.config\.[cm]?[jt]s$/.exec(config)?.[1];
    const { name } = JSON.parse(readFileSync(join(vitest.config.root, "package.json"), "utf8"));
    this.label = `${name}${variant ? ` (${variant})` : ""}`;
  }

  onTestRunStart(specifications) {
    this.startedAt = performance.now();
    write(`${this.label}: started, ${specifications.length} test files`);
  }

  onTestRunEnd(testModules, unhandledErrors) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const { state } = test.result();
        if (state === "passed" || state === "failed") counts[state] += 1;
        else counts.skipped += 1;
      }
      // A file that failed to load has no tests to count: it counts as a failure.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) counts.failed += 1;
    }
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(0);
    const errors = unhandledErrors.length > 0 ? `, ${unhandledErrors.length} unhandled errors` : "";
    write(
      `${this.label}: ${counts.failed + unhandledErrors.length === 0 ? "ok" : "FAILED"}, ${counts.passed} passed, ` +
        `${counts.failed} failed, ${counts.skipped} skipped${errors} in ${seconds} s`,
    );
  }
}

function write(line) {
  const file = process.env.HERALD_TEST_PROGRESS_FILE;
  if (file) appendFileSync(file, `${line}\n`);
}
