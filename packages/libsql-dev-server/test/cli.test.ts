import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client/web";
import { describe, expect, it, onTestFinished } from "vitest";
import { startTestServer, tempDbPath } from "./helpers";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const READY_LINE = /^libsql-dev-server: (.+) on (http:\/\/127\.0\.0\.1:(\d+))$/m;

type Cli = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startCli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn("node_modules/.bin/tsx", ["src/cli.ts", ...args], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, LIBSQL_DEV_DB: "", LIBSQL_DEV_PORT: "", ...env },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const exited = once(child, "exit").then(([code]) => code as number | null);
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return { child, output: () => output, exited };
}

async function waitForOutput(cli: Cli, pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = cli.output().match(pattern);
    if (match) return match;
    if (cli.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`CLI never printed ${pattern}; output so far:\n${cli.output()}`);
}

describe("cli", () => {
  it("serves the database given on the command line and stops cleanly on SIGTERM", async () => {
    const path = tempDbPath();
    const cli = startCli(["--db", path, "--port", "0"]);
    const [, printedPath, url] = await waitForOutput(cli, READY_LINE);
    expect(printedPath).toBe(path);

    const client = createClient({ url: url as string });
    await client.execute("CREATE TABLE t (x TEXT)");
    await client.execute("INSERT INTO t VALUES ('from the cli')");
    expect((await client.execute("SELECT x FROM t")).rows[0]?.x).toBe("from the cli");
    client.close();

    cli.child.kill("SIGTERM");
    expect(await cli.exited).toBe(0);
    expect(existsSync(path)).toBe(true);
  });

  it("exits non-zero with a clear message when the port is taken (port and db from the environment)", async () => {
    const occupant = await startTestServer();
    const cli = startCli([], { LIBSQL_DEV_DB: tempDbPath(), LIBSQL_DEV_PORT: String(occupant.port) });
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`port ${occupant.port} on 127.0.0.1 is already in use`);
  });

  it("exits non-zero with the usage when no database is given", async () => {
    const cli = startCli(["--port", "0"]);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain("usage: libsql-dev-server --db <path>");
  });
});
