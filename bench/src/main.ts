// `pnpm bench`: Herald's benchmark suite (issue #5). Starts every server itself on fresh temporary databases, on
// loopback only, runs the six scenarios on each runtime in turn, prints one table and writes
// results/<timestamp>.{json,svg} (and latest.{json,svg} for a full run).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chart } from "./chart";
import { parseConfig } from "./config";
import { Receiver } from "./receiver";
import { buildReport, machine, table } from "./report";
import { type RuntimeResult, runRuntime } from "./scenarios";
import { stormAlarms } from "./storm";

const resultsDir = fileURLToPath(new URL("../results/", import.meta.url));

const config = parseConfig(process.argv.slice(2).filter((arg) => arg !== "--"));
const startedAt = new Date();
const host = machine();
console.log(
  `herald bench: ${config.runtimes.join(" + ")} on ${host.cores} x ${host.cpu}, ${host.memoryGiB} GiB, Node ${host.node}` +
    `${config.quick ? " (quick)" : ""}`,
);

const receiver = new Receiver();
await receiver.start();
const results: RuntimeResult[] = [];
try {
  for (const runtime of config.runtimes) results.push(await runRuntime(runtime, config, receiver));
} finally {
  await receiver.close();
}

/** Broken storm limits and lost legs, printed as the last lines of the run. */
const alarms: string[] = [];
const report = buildReport(config, results, startedAt, new Date());
console.log(`\n${table(results)}\n`);
for (const result of results) {
  const { e2eMaximum: max, e2eSteady: half, ingest, ingestHalf } = result;
  const per = max.costs.perDelivery;
  console.log(
    `${result.runtime}: server CPU (percent of a core) baseline ${result.baseline.cpu.server.toFixed(0)}%, ` +
      `ingest ${ingest.cpu.server.toFixed(0)}%, e2e max ${max.cpu.server.toFixed(0)}% ` +
      `(system under test ${max.cpu.system.toFixed(0)}%); ` +
      `ingest failed ${ingest.failed} ${JSON.stringify(ingest.failedStatuses)}, unanswered at close ` +
      `${ingest.unansweredAtClose}, backlog ${ingest.backlogLegs} legs; half ingest failed ${ingestHalf.failed}; ` +
      `e2e missing deliveries ${max.missingDeliveries} / ${half.missingDeliveries}, duplicates ${max.duplicates} / ` +
      `${half.duplicates}, failed sends ${max.failedSends} / ${half.failedSends}` +
      ` (by status ${JSON.stringify(max.failedSendStatuses)} / ${JSON.stringify(half.failedSendStatuses)}); ` +
      `per delivery at e2e max: ${per.dbStatements.toFixed(2)} statements, ${per.dbRoundTrips.toFixed(2)} round trips, ` +
      `${per.queueMessages.toFixed(3)} queue messages, ${per.serverCpuMs.toFixed(2)} server CPU ms ` +
      `(${per.systemCpuMs.toFixed(2)} system); errors logged by the server: ${result.serverErrorLines}`,
  );
  const storm = result.storm;
  if (storm) {
    const wait = storm.latencyMs;
    console.log(
      `${result.runtime} storm: ${storm.notifications} notifications sent in ${storm.sendMs.toFixed(0)} ms ` +
        `(${storm.failedSends} failed ${JSON.stringify(storm.failedSendStatuses)}); ${storm.calls} calls received, ` +
        `drained in ${storm.drainMs === null ? "n/a (legs lost)" : `${(storm.drainMs / 1000).toFixed(2)} s`} ` +
        `(the limit allows no less than ${(storm.minimumDrainMs / 1000).toFixed(2)} s), ` +
        `${storm.callsPerSecond.toFixed(1)} calls/s; rate breaches ${storm.rateBreaches}, most at once ` +
        `${storm.mostAtOnce} (live at the receiver ${storm.mostOpenAtReceiver}), lost ${storm.lostLegs}, duplicates ` +
        `${storm.duplicates}; send to delivered p50 ${wait.p50.toFixed(0)} ms, max ${wait.max.toFixed(0)} ms; ` +
        `server CPU ${storm.cpu.server.toFixed(0)}%`,
    );
    alarms.push(...stormAlarms(result.runtime, storm));
  }
}

mkdirSync(resultsDir, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
const subtitle = `${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, ${host.cores} x ${host.cpu}`;
const json = `${JSON.stringify(report, null, 2)}\n`;
const svg = chart(results, subtitle);
const written = [`${stamp}.json`, `${stamp}.svg`];
writeFileSync(join(resultsDir, `${stamp}.json`), json);
writeFileSync(join(resultsDir, `${stamp}.svg`), svg);
if (config.writeLatest) {
  writeFileSync(join(resultsDir, "latest.json"), json);
  writeFileSync(join(resultsDir, "latest.svg"), svg);
  written.push("latest.json", "latest.svg");
}
console.log(`\nwritten: ${written.map((file) => `bench/results/${file}`).join(", ")}`);
if (alarms.length > 0) console.log(`\n${alarms.join("\n")}`);
