#!/usr/bin/env node
// `npm run bench` / `pnpm bench`: installs the workspace if needed, then runs the benchmark suite (bench/README.md).
// Arguments pass through: `npm run bench -- --quick`, `pnpm bench --runtime node`.
import { pnpm } from "./pnpm.mjs";

pnpm(["install", "--frozen-lockfile"]);
pnpm(["--filter", "@herald/bench", "run", "start", ...process.argv.slice(2)]);
