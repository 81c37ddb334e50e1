import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACME, PLATFORM, unique } from "../common";
import { nodeHarness, type ReceiverServer, startReceiverServer } from "../harness.node";
import { ACCOUNT, deliveryTools } from "../scenarios/harness";

// The self-host build as the Dockerfile makes and runs it, on this machine (no container engine runs here): its build
// stage's two node-runtime.mjs steps, its runtime stage's copy of the directory, and then its ENV, CMD and
// HEALTHCHECK, read from the Dockerfile itself. The directory lands outside the workspace, so nothing it loads can
// come from the workspace's node_modules.

const apiDir = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(join(apiDir, "..", "..", "Dockerfile"), "utf8");
const scratch = mkdtempSync(join(tmpdir(), "herald-self-host-build-"));
const built = join(scratch, "dist-node");
/** The runtime stage's WORKDIR, holding what `COPY --from=build .../dist-node/ ./` copies. */
const app = join(scratch, "app");
let receivers: ReceiverServer | undefined;

afterAll(async () => {
  await receivers?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** The runtime stage: everything after its FROM line. */
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf("\nFROM "));

/** A JSON (exec form) argument list after `instruction` in the runtime stage. */
function execForm(instruction: "CMD" | "HEALTHCHECK"): string[] {
  const line = runtimeStage.replace(/\\\n\s*/g, "").match(new RegExp(`^${instruction} .*$`, "m"))?.[0] ?? "";
  const json = line.slice(line.indexOf("["));
  return JSON.parse(json) as string[];
}

/** The runtime stage's ENV (one instruction, `NAME=value` pairs over continued lines). */
function runtimeEnv(): Record<string, string> {
  const line = runtimeStage.replace(/\\\n\s*/g, "").match(/^ENV (.*)$/m)?.[1] ?? "";
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .map((pair) => pair.split("=") as [string, string]),
  );
}

beforeAll(() => {
  // The build stage's RUN lines, as written there.
  const steps = [...dockerfile.matchAll(/^RUN node apps\/api\/(scripts\/node-runtime\.mjs \w+)$/gm)].map((m) => m[1]);
  expect(steps).toEqual(["scripts/node-runtime.mjs bundle", "scripts/node-runtime.mjs install"]);
  for (const step of steps) {
    const [script, command] = (step as string).split(" ") as [string, string];
    const result = spawnSync(process.execPath, [script, command, built], { cwd: apiDir, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
  }
  expect(runtimeStage).toMatch(/^COPY --from=build \/src\/apps\/api\/dist-node\/ \.\/$/m);
  cpSync(built, app, { recursive: true });
}, 180_000);

interface Server {
  child: ChildProcess;
  output: { stdout: string; stderr: string };
  url: string;
}

/** Starts the image's CMD in the app directory with its ENV, a data directory and port of this test's. */
async function start(name: string, args: string[] = [], extra: Record<string, string> = {}): Promise<Server> {
  const [command, ...cmdArgs] = execForm("CMD");
  expect(command).toBe("node");
  const env = { PATH: process.env.PATH ?? "", ...runtimeEnv(), HERALD_DATA_DIR: join(scratch, name), HERALD_PORT: "0" };
  const child = spawn(process.execPath, [...cmdArgs, ...args], { cwd: app, env: { ...env, ...extra } });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => {
    output.stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output.stderr += chunk;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not serving: ${output.stderr}`)), 30_000);
    child.stdout.on("data", () => {
      const match = /serving on http:\/\/0\.0\.0\.0:(\d+)/.exec(output.stdout);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.on("close", () => reject(new Error(`exited: ${output.stderr}`)));
  });
  return { child, output, url };
}

function interrupt(server: Server) {
  server.child.kill("SIGINT");
  return new Promise<{ code: number | null; stderr: string }>((resolve) =>
    server.child.on("close", (code) => resolve({ code, stderr: server.output.stderr })),
  );
}

function basic(keyId: string, secret: string) {
  return { authorization: `Basic ${Buffer.from(`${keyId}:${secret}`).toString("base64")}` };
}

describe("the self-host build", { timeout: 120_000 }, () => {
  it("holds the bundle, the files it reads and only the packages left outside it", () => {
    expect(readdirSync(app).sort()).toEqual([
      "assets",
      "bin",
      "drizzle",
      "node_modules",
      "package.json",
      "wrangler.jsonc",
    ]);
    for (const entry of ["server.mjs", "pipeline-thread.mjs", "admin.mjs"])
      expect(existsSync(join(app, "bin", entry))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(app, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies).sort()).toEqual(["@jitl/quickjs-wasmfile-release-sync", "libsql"]);
    expect(manifest.devDependencies).toBeUndefined();
    const installed = readdirSync(join(app, "node_modules")).filter((name) => !name.startsWith("."));
    for (const tool of ["tsx", "esbuild", "wrangler", "vitest", "typescript", "miniflare"])
      expect(installed).not.toContain(tool);
    // The QuickJS wasm the jq conversion loads, where the variant's own module looks for it.
    expect(
      existsSync(join(app, "node_modules", "@jitl", "quickjs-wasmfile-release-sync", "dist", "emscripten-module.wasm")),
    ).toBe(true);
  });

  it("serves, answers its health check, refuses the development keys, admits a provisioned one and stops on Ctrl-C", async () => {
    const server = await start("plain");
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    // The console and the API reference's files, from the build's assets/ (no workspace beside it).
    const root = await fetch(`${server.url}/`, { redirect: "manual" });
    expect([root.status, new URL(root.headers.get("location") ?? "", server.url).pathname]).toEqual([302, "/console/"]);
    for (const path of ["/console/", "/console/integrations/some-id", "/swagger-ui/swagger-ui-bundle.js"]) {
      const file = await fetch(`${server.url}${path}`);
      expect(file.status, path).toBe(200);
      expect((await file.text()).length, path).toBeGreaterThan(300);
    }

    // The image's HEALTHCHECK command, with the port this server listens on.
    const [check, ...checkArgs] = execForm("HEALTHCHECK");
    expect(check).toBe("node");
    const port = new URL(server.url).port;
    const healthy = spawnSync(process.execPath, checkArgs, { env: { PATH: "", HERALD_PORT: port }, encoding: "utf8" });
    expect(healthy.status, healthy.stderr).toBe(0);

    const devKey = await fetch(`${server.url}/aims/v1/authenticate`, {
      method: "POST",
      headers: basic(ACME.keyId, ACME.secret),
    });
    await devKey.body?.cancel();
    expect(devKey.status).toBe(401);

    // The operator CLI beside the server, as the server's own hint names it.
    const libsqlUrl = `file:${join(scratch, "plain", "herald.db")}`;
    expect(server.output.stdout).toContain(
      `LIBSQL_URL=${libsqlUrl} node ${join(app, "bin", "admin.mjs")} provision-account`,
    );
    const provisioned = spawnSync(
      process.execPath,
      [
        "bin/admin.mjs",
        "provision-account",
        ...["--account-id", "13572468", "--account-name", "Build", "--user-id", crypto.randomUUID()],
        ...["--user-name", "Ada", "--role", "admin"],
      ],
      { cwd: app, env: { PATH: process.env.PATH ?? "", LIBSQL_URL: libsqlUrl }, encoding: "utf8" },
    );
    expect(provisioned.status, provisioned.stderr).toBe(0);
    const key = JSON.parse(provisioned.stdout) as { access_key_id: string; secret_key: string };
    const signIn = await fetch(`${server.url}/aims/v1/authenticate`, {
      method: "POST",
      headers: basic(key.access_key_id, key.secret_key),
    });
    await signIn.body?.cancel();
    expect(signIn.status).toBe(200);

    expect(await interrupt(server)).toEqual({ code: 0, stderr: "" });
    // Stopped: the health check now fails.
    const down = spawnSync(process.execPath, checkArgs, { env: { PATH: "", HERALD_PORT: port }, encoding: "utf8" });
    expect(down.status).toBe(1);
  });

  it("delivers a webhook through a jq conversion from the pipeline thread", async () => {
    receivers = await startReceiverServer();
    const server = await start("dev", ["--dev"]);
    try {
      const tools = deliveryTools(
        nodeHarness(
          () => server.url,
          () => receivers as ReceiverServer,
        ),
      );
      const token = await tools.login(ACME);
      const target = await nodeHarness(
        () => server.url,
        () => receivers as ReceiverServer,
      ).receiver();
      const integration = await tools.call("POST", `/herald/v2/${ACCOUNT}/integrations`, {
        token,
        body: {
          name: unique("jq"),
          target_url: target.url,
          payload_conversion_type: "jq",
          payload_template: '{text: "\\(.payload.threat) alert", type}',
        },
      });
      expect(integration.status).toBe(201);
      const type = await tools.freshType(await tools.login(PLATFORM));
      await tools.subscribe(token, type, [{ subscriber: integration.body.id, subscriber_type: "connection" }]);
      const notification = await tools.send(token, type);
      const [leg] = await tools.settled(token, notification.id, 1);
      expect(leg?.status).toBe("DELIVRD");
      const calls = await target.calls();
      expect(calls.map((call) => JSON.parse(call.body))).toEqual([{ text: "High alert", type }]);
    } finally {
      expect(await interrupt(server)).toEqual({ code: 0, stderr: "" });
    }
  });
});
