import { parseArgs } from "node:util";

export type RuntimeName = "node" | "workerd";
/** Scenarios 1-4 (one server process), scenario 5 (a second one) and the storm, 7 (a third); all by default. */
export type PhaseName = "requests" | "e2e" | "storm";
const PHASES: readonly PhaseName[] = ["requests", "e2e", "storm"];

export interface BenchConfig {
  runtimes: RuntimeName[];
  phases: PhaseName[];
  /** Seconds each request scenario (1 to 4) is measured, after `warmupSeconds` not counted. */
  durationSeconds: number;
  warmupSeconds: number;
  /** Concurrent connections of the load generator in scenarios 1 to 4. */
  connections: number;
  /** Notifications written before scenarios 2 and 3, so the page of 100 is full and counted over a real table. */
  seedNotifications: number;
  /** Webhook destinations every benchmark notification reaches (scenarios 4 and 5). */
  destinations: number;
  /** Seconds each end-to-end phase (the maximum, then half of it) is measured, after `warmupSeconds`. */
  e2eSeconds: number;
  /** Notifications kept in flight while measuring the end-to-end maximum (sent, not yet delivered everywhere). */
  window: number;
  /** How long to wait for the last deliveries of a phase before counting them lost. */
  drainSeconds: number;
  /** Notifications of the storm (scenario 7), sent at once to one paced integration. */
  stormNotifications: number;
  /** Runs the Node server under `--cpu-prof`, writing profiles to bench/results/profiles/. */
  profile: boolean;
  quick: boolean;
  /** Writes results/latest.{json,svg} besides the timestamped files (only for a full run of both runtimes). */
  writeLatest: boolean;
}

const USAGE = `usage: pnpm bench [options]
  --quick                 smoke run: short phases, small seed (results not written to latest.*)
  --runtime <list>        node,workerd (default both)
  --phases <list>         requests (scenarios 1-4), e2e (scenario 5), storm (scenario 7); default all three
  --duration <s>          seconds per request scenario (default 10; quick 2)
  --warmup <s>            unmeasured seconds before each measurement (default 2; quick 1)
  --connections <n>       load-generator connections for scenarios 1-4 (default 50)
  --seed <n>              notifications stored before scenarios 2 and 3 (default 1000; quick 200)
  --destinations <n>      webhook destinations per notification (default 10)
  --e2e-duration <s>      seconds per end-to-end phase (default 15; quick 3)
  --window <n>            notifications in flight while finding the end-to-end maximum (default 400)
  --drain <s>             grace for the last deliveries of a phase (default 20; quick 10)
  --storm-notifications <n>  notifications of the storm burst to one paced integration (default 500; quick 100)
  --profile               run the Node server with --cpu-prof (profiles in bench/results/profiles/)
  --no-latest             do not overwrite results/latest.{json,svg}
Every option also reads BENCH_<NAME> from the environment (BENCH_DURATION=5, BENCH_RUNTIME=node, ...).`;

function number(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number >= ${min}, got ${raw}`);
  return value;
}

export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean" },
      runtime: { type: "string" },
      phases: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      seed: { type: "string" },
      destinations: { type: "string" },
      "e2e-duration": { type: "string" },
      window: { type: "string" },
      drain: { type: "string" },
      "storm-notifications": { type: "string" },
      profile: { type: "boolean" },
      "no-latest": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const pick = (name: string) => {
    const flag = (values as Record<string, string | boolean | undefined>)[name];
    if (typeof flag === "string") return flag;
    return env[`BENCH_${name.toUpperCase().replaceAll("-", "_")}`];
  };
  const flag = (name: "quick" | "profile" | "no-latest") =>
    values[name] === true || env[`BENCH_${name.toUpperCase().replaceAll("-", "_")}`] === "true";

  const quick = flag("quick");
  const runtimes = (pick("runtime") ?? "node,workerd").split(",").map((name) => name.trim());
  for (const runtime of runtimes) {
    if (runtime !== "node" && runtime !== "workerd") throw new Error(`unknown runtime ${runtime}\n${USAGE}`);
  }
  const phases = (pick("phases") ?? PHASES.join(",")).split(",").map((name) => name.trim());
  for (const phase of phases) {
    if (!(PHASES as readonly string[]).includes(phase)) throw new Error(`unknown phase ${phase}\n${USAGE}`);
  }
  return {
    runtimes: runtimes as RuntimeName[],
    phases: phases as PhaseName[],
    durationSeconds: number("duration", pick("duration"), quick ? 2 : 10, 1),
    warmupSeconds: number("warmup", pick("warmup"), quick ? 1 : 2, 0),
    connections: number("connections", pick("connections"), 50, 1),
    seedNotifications: number("seed", pick("seed"), quick ? 200 : 1000, 100),
    destinations: number("destinations", pick("destinations"), 10, 1),
    e2eSeconds: number("e2e-duration", pick("e2e-duration"), quick ? 3 : 15, 1),
    window: number("window", pick("window"), 400, 1),
    drainSeconds: number("drain", pick("drain"), quick ? 10 : 20, 1),
    stormNotifications: Math.floor(number("storm-notifications", pick("storm-notifications"), quick ? 100 : 500, 20)),
    profile: flag("profile"),
    quick,
    // latest.* is the committed record of a whole run: one runtime, some phases or a profiled run is not.
    writeLatest:
      !quick &&
      !flag("no-latest") &&
      !flag("profile") &&
      runtimes.length === 2 &&
      PHASES.every((phase) => phases.includes(phase)),
  };
}
