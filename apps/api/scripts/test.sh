#!/usr/bin/env bash
# The API's two suites side by side: the Worker's in workerd (CPU-bound) and the Node runtime's (mostly waiting on
# timers and sockets: the fault soak, the channels' paced burst), so `npm test` takes the longer of the two, not
# their sum. Each keeps its own output file; the exit status fails if either failed.
set -u
cd "$(dirname "$0")/.."
mkdir -p test-results
vitest run --configLoader runner -c vitest.node.config.ts > test-results/node-suite.log 2>&1 &
node_suite=$!
vitest run --configLoader runner
workerd_status=$?
wait "$node_suite"
node_status=$?
cat test-results/node-suite.log
exit $(( workerd_status != 0 || node_status != 0 ))
