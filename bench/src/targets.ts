// Starts a runtime under test on a fresh database, and stops everything it started: the Node server as a child
// process, or the libSQL server plus `wrangler dev` (whose workerd process is the one measured).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServerCounters } from "@herald/api/node/counting";
import { ensureConsole } from "@herald/api/scripts/ensure-console.mjs";
import { prepareLocalDb } from "@herald/api/scripts/prepare-local-db";
import { parse as parseJsonc } from "jsonc-parser";
import { type Child, readyUrl, spawnChild } from "./child";
import type { RuntimeName } from "./config";
import { commandLine, cpuSeconds, descendants, peakMemoryMiB } from "./proc";
import { STATS_PATH } from "./servers/baseline";

const benchDir = fileURLToPath(new URL("..", import.meta.url));
const apiDir = fileURLToPath(new URL("../../apps/api/", import.meta.url));
export const profilesDir = join(benchDir, "results", "profiles");

export interface Target {
  runtime: RuntimeName;
  url: string;
  /** The process that serves Herald: the Node server, or workerd. */
  serverPid: number;
  /** Every process of the system under test (workerd's libSQL server too), for CPU accounting. */
  systemPids: number[];
  /** workerd only: the process of wrangler dev's proxy in front of the Worker, measured apart. */
  proxyPid?: number;
  /** What the server has paid since it started: statements, database round trips, queue messages. */
  counters(): Promise<ServerCounters>;
  /** workerd only: the libSQL server's own figures (time spent answering, errors answered by code). */
  databaseServer?(): Promise<unknown>;
  /** Lines the server logged at level error so far. */
  errorLines(): number;
  /** Those lines by kind (see Child.errorKinds). */
  errorKinds(): Record<string, number>;
  stop(): Promise<void>;
}

export interface Usage {
  /** CPU seconds per process of the system under test. */
  cpu: Map<number, number>;
  wallMs: number;
}

export function usageNow(target: Target): Usage {
  return {
    cpu: new Map(target.systemPids.map((pid) => [pid, cpuSeconds(pid) ?? 0])),
    wallMs: performance.now(),
  };
}

/** CPU used by the server process (and by the whole system under test) between two samples, in percent of a core. */
export function cpuPercent(target: Target, from: Usage, to: Usage): { server: number; system: number } {
  const seconds = (to.wallMs - from.wallMs) / 1000;
  const used = (pid: number) => (to.cpu.get(pid) ?? 0) - (from.cpu.get(pid) ?? 0);
  const system = target.systemPids.reduce((sum, pid) => sum + used(pid), 0);
  return { server: (100 * used(target.serverPid)) / seconds, system: (100 * system) / seconds };
}

export function serverPeakMiB(target: Target): number | undefined {
  return peakMemoryMiB(target.serverPid);
}

/** Secrets for one run: random, never written to the developer's files. */
function secrets() {
  return {
    AUTH_TOKEN_SECRET: randomBytes(32).toString("hex"),
    ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    ENCRYPTION_KEY_ID: "bench",
    // The receiver is on this machine.
    ALLOW_LOOPBACK_TARGETS: "true",
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function stats(url: string): Promise<ServerCounters> {
  const response = await fetch(`${url}${STATS_PATH}`);
  if (!response.ok) throw new Error(`${url}${STATS_PATH} answered ${response.status}`);
  return (await response.json()) as ServerCounters;
}

async function freshDatabase(): Promise<{ dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), "herald-bench-"));
  const path = join(dir, "herald.db");
  await prepareLocalDb(path);
  return { dir, path };
}

// tsx as a loader in the same process (not the tsx CLI, which would add a parent process to measure around).
function nodeArgs(entry: string, options: { flags?: string[]; args?: string[] } = {}): string[] {
  return [
    ...(options.flags ?? []),
    "--import",
    // Resolved here, so that a child can run in a directory with no node_modules (wrangler's, in the temp dir).
    import.meta.resolve("tsx"),
    join(benchDir, "src", "servers", entry),
    ...(options.args ?? []),
  ];
}

export async function startNode(options: { profile: boolean; echo: boolean }): Promise<Target> {
  const db = await freshDatabase();
  const profiling = options.profile ? ["--cpu-prof", "--cpu-prof-dir", profilesDir] : [];
  if (options.profile) mkdirSync(profilesDir, { recursive: true });
  const child = spawnChild("node-server", process.execPath, nodeArgs("node-server.ts", { flags: profiling }), {
    cwd: benchDir,
    env: { ...process.env, ...secrets(), LIBSQL_URL: `file:${db.path}` },
    echo: options.echo,
  });
  const stop = async () => {
    await child.stop();
    rmSync(db.dir, { recursive: true, force: true });
  };
  try {
    const url = await readyUrl(child, 30_000);
    return {
      runtime: "node",
      url,
      serverPid: child.pid,
      systemPids: [child.pid],
      counters: () => stats(url),
      errorLines: () => child.errorLines(),
      errorKinds: () => child.errorKinds(),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * apps/api/wrangler.jsonc with only `main` changed, and what is relative to apps/api made absolute (the console's
 * assets directory; the schema reference is dropped): the generated file lives elsewhere.
 */
function benchWranglerConfig(): string {
  const config = parseJsonc(readFileSync(join(apiDir, "wrangler.jsonc"), "utf8")) as Record<string, unknown>;
  delete config.$schema;
  config.main = join(benchDir, "src", "servers", "workerd-worker.ts");
  const assets = config.assets as { directory?: string } | undefined;
  if (assets?.directory) config.assets = { ...assets, directory: resolve(apiDir, assets.directory) };
  return JSON.stringify(config, null, 2);
}

async function waitForHealth(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`wrangler dev exited:\n${child.tail()}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev was not ready after ${timeoutMs} ms:\n${child.tail()}`);
}

export async function startWorkerd(options: { echo: boolean }): Promise<Target> {
  const db = await freshDatabase();
  const children: Child[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await child.stop();
    rmSync(db.dir, { recursive: true, force: true });
  };
  try {
    const libsql = spawnChild("libsql-server", process.execPath, nodeArgs("libsql-server.ts", { args: [db.path] }), {
      cwd: benchDir,
      env: process.env,
      echo: options.echo,
    });
    children.push(libsql);
    const libsqlUrl = await readyUrl(libsql, 30_000);

    // The config, wrangler's bundle and miniflare's state live in the temp dir: nothing lands in apps/api, and the
    // developer's .dev.vars (read next to the config) is not picked up.
    const configPath = join(db.dir, "wrangler.json");
    // wrangler refuses to start without the assets directory (the console's build).
    ensureConsole();
    writeFileSync(configPath, benchWranglerConfig());
    const port = await freePort();
    const vars = { ...secrets(), LIBSQL_URL: libsqlUrl };
    // wrangler's API rather than its CLI: the same `wrangler dev --local`, with the devtools inspector off (why: in
    // servers/wrangler-dev.ts).
    const wrangler = spawnChild(
      "wrangler",
      process.execPath,
      nodeArgs("wrangler-dev.ts", { args: [configPath, String(port), join(db.dir, "state")] }),
      {
        cwd: db.dir,
        env: { ...process.env, BENCH_WORKER_VARS: JSON.stringify(vars), WRANGLER_SEND_METRICS: "false", CI: "true" },
        echo: options.echo,
      },
    );
    children.push(wrangler);
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, wrangler, 120_000);
    // wrangler dev runs two workerd processes: its proxy, listening on the port it was given, and the Worker's own
    // runtime behind it, on a port of its choosing. The Worker's is the server; the proxy is part of the system.
    const workerds = descendants(wrangler.pid).filter((pid) => /\bworkerd\b/.test(commandLine(pid)));
    const proxy = workerds.find((pid) => commandLine(pid).includes(`entry=127.0.0.1:${port} `));
    const workerd = workerds.find((pid) => pid !== proxy);
    if (workerd === undefined) throw new Error("wrangler dev runs no workerd process to measure");
    return {
      runtime: "workerd",
      url,
      serverPid: workerd,
      ...(proxy === undefined ? {} : { proxyPid: proxy }),
      systemPids: [workerd, ...(proxy === undefined ? [] : [proxy]), libsql.pid, wrangler.pid],
      databaseServer: async () => {
        const { timing, errors, dbRoundTrips } = (await stats(libsqlUrl)) as ServerCounters & {
          timing: unknown;
          errors: unknown;
        };
        return { dbRoundTrips, timing, errors };
      },
      // Queue messages are counted in the Worker, the database's side in the libSQL server.
      counters: async () => {
        const [worker, database] = await Promise.all([stats(url), stats(libsqlUrl)]);
        return { ...worker, dbRoundTrips: database.dbRoundTrips, dbStatements: database.dbStatements };
      },
      errorLines: () => wrangler.errorLines() + libsql.errorLines(),
      errorKinds: () => ({ ...libsql.errorKinds(), ...wrangler.errorKinds() }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export function startTarget(runtime: RuntimeName, options: { profile: boolean; echo: boolean }): Promise<Target> {
  return runtime === "node" ? startNode(options) : startWorkerd(options);
}
