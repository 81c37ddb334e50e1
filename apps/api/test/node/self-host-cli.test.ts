import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// The self-host as an operator runs it (`npm run serve` starts node/server.ts; `admin` is scripts/admin.ts): every
// start-up failure is one line naming what to fix, --help needs no configuration, Ctrl-C stops it with status 0, and
// the public development keys are served only with --dev.

const apiDir = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "herald-self-host-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an apps/api entry point with only the environment given (plus PATH), to its end. */
function run(entry: string, args: string[], env: Record<string, string>): Promise<Run> {
  return finished(start(entry, args, env));
}

function start(entry: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  return { child, output };
}

function finished({ child, output }: { child: ChildProcess; output: { stdout: string; stderr: string } }) {
  return new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, ...output })));
}

/** Starts the server, waits until it serves, and answers its URL and a way to Ctrl-C it. */
async function serve(args: string[], env: Record<string, string>) {
  const server = start("node/server.ts", args, { HERALD_PORT: "0", ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not serving: ${server.output.stderr}`)), 20_000);
    server.child.stdout?.on("data", () => {
      const match = /serving on (http:\/\/[^ ]+)/.exec(server.output.stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    server.child.on("close", () => reject(new Error(`exited: ${server.output.stderr}`)));
  });
  return {
    url,
    interrupt: () => {
      server.child.kill("SIGINT");
      return finished(server);
    },
  };
}

/** Signs in with the first development key (its secret is in the README). */
async function devLogin(url: string): Promise<number> {
  const response = await fetch(`${url}/aims/v1/authenticate`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from("devkey12345678:devsecret12345678").toString("base64")}` },
  });
  await response.body?.cancel();
  return response.status;
}

const oneLine = (text: string) => text.trimEnd().split("\n");

// Each start is a fresh Node process loading the app through tsx: seconds each on a busy machine.
const STARTS_MS = 120_000;

describe.concurrent("start-up failures", { timeout: STARTS_MS }, () => {
  it("--help answers without any configuration and writes nothing", async () => {
    const dataDir = join(scratch, "help");
    const help = await run("node/server.ts", ["--help"], { HERALD_DATA_DIR: dataDir });
    expect(help).toMatchObject({ code: 0, stderr: "" });
    expect(help.stdout).toContain("--dev");
    expect(existsSync(dataDir)).toBe(false);

    const admin = await run("scripts/admin.ts", ["--help"], {});
    expect(admin).toMatchObject({ code: 0, stderr: "" });
    expect(admin.stdout).toContain("remove-dev-keys");
  });

  it("names the database for one that does not answer and the setting for a malformed URL", async () => {
    const closed = await closedPort();
    const unreachable = await run("node/server.ts", [], {
      HERALD_DATA_DIR: join(scratch, "unreachable"),
      LIBSQL_URL: `http://127.0.0.1:${closed}`,
    });
    expect(unreachable.code).toBe(1);
    expect(oneLine(unreachable.stderr)).toEqual([
      `herald: cannot open the database at http://127.0.0.1:${closed}/ (LIBSQL_URL): connect ECONNREFUSED 127.0.0.1:${closed}`,
    ]);

    const malformed = await run("node/server.ts", [], {
      HERALD_DATA_DIR: join(scratch, "malformed"),
      LIBSQL_URL: "herald.db",
    });
    expect(malformed.code).toBe(1);
    expect(oneLine(malformed.stderr)).toEqual([
      'herald: invalid setting LIBSQL_URL: expected a libsql:, http(s):, ws(s): or file: URL, got "herald.db"',
    ]);
  });

  it("names HERALD_PORT when the port is taken", async () => {
    const taken = await listening();
    try {
      const port = String((taken.address() as { port: number }).port);
      const busy = await run("node/server.ts", [], { HERALD_DATA_DIR: join(scratch, "busy"), HERALD_PORT: port });
      expect(busy.code).toBe(1);
      expect(oneLine(busy.stderr)).toEqual([
        `herald: cannot listen on 127.0.0.1:${port} (in use); choose another with HERALD_PORT (and HERALD_HOST)`,
      ]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe("the development accounts", { timeout: STARTS_MS }, () => {
  it("are served only with --dev, from a database of their own, and can be removed from one that has them", async () => {
    const dataDir = join(scratch, "dev");
    const dev = await serve(["--dev"], { HERALD_DATA_DIR: dataDir });
    expect(await devLogin(dev.url)).toBe(200);
    expect(await dev.interrupt()).toMatchObject({ code: 0, stderr: "" });
    expect(readdirSync(dataDir)).toEqual(["dev"]);

    // The same data directory without --dev is another database, with no development key.
    const plain = await serve([], { HERALD_DATA_DIR: dataDir });
    expect(await devLogin(plain.url)).toBe(401);
    expect(await plain.interrupt()).toMatchObject({ code: 0, stderr: "" });

    // Pointed at the development database without --dev, it refuses to serve, and says how to fix it.
    const devDb = `file:${join(dataDir, "dev", "herald.db")}`;
    const refused = await run("node/server.ts", [], { HERALD_DATA_DIR: dataDir, LIBSQL_URL: devDb, HERALD_PORT: "0" });
    expect(refused.code).toBe(1);
    expect(oneLine(refused.stderr)).toEqual([
      "herald: this database holds the public development keys (devkey12345678, devkey87654321, devkeyadmin), which " +
        `anyone can sign in with; remove them with \`LIBSQL_URL=${devDb} pnpm --filter @herald/api admin ` +
        "remove-dev-keys`, or start with --dev to develop against it",
    ]);

    const removed = await run("scripts/admin.ts", ["remove-dev-keys"], { LIBSQL_URL: devDb });
    expect(removed).toMatchObject({
      code: 0,
      stdout: "removed the keys devkey12345678, devkey87654321, devkeyadmin\n",
    });
    const cleaned = await serve([], { HERALD_DATA_DIR: dataDir, LIBSQL_URL: devDb });
    expect(await devLogin(cleaned.url)).toBe(401);
    expect(await cleaned.interrupt()).toMatchObject({ code: 0, stderr: "" });
  });
});

function listening(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

async function closedPort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
