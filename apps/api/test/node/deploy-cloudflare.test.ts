import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { createNodeDb } from "@herald/db/node";
import { type LibsqlDevServer, startLibsqlDevServer } from "@herald/libsql-dev-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// `npm run deploy:cloudflare` (scripts/deploy-cloudflare.ts) against a fake `wrangler` on the PATH (Cloudflare's API
// is the one part that cannot run here: the fake records each call and answers as wrangler does) and a real libSQL
// server it migrates over HTTP; and the real bundle `wrangler deploy --dry-run` makes, held under 1 MiB gzipped.

const apiDir = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "herald-deploy-"));
const bin = join(scratch, "bin");
const log = join(scratch, "wrangler.log");
let libsql: LibsqlDevServer;

beforeAll(async () => {
  mkdirSync(bin);
  writeFileSync(join(bin, "wrangler"), FAKE_WRANGLER);
  chmodSync(join(bin, "wrangler"), 0o755);
  libsql = await startLibsqlDevServer({ path: join(scratch, "turso.db"), port: 0 });
});
afterAll(async () => {
  await libsql?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// Answers like wrangler 4: whoami --json fails when logged out; queues info fails for a queue that does not exist;
// secret bulk reads JSON from stdin. Every call is one JSON line in FAKE_WRANGLER_LOG.
const FAKE_WRANGLER = `#!/usr/bin/env node
const { appendFileSync, readFileSync } = require("node:fs");
const args = process.argv.slice(2);
const stdin = args[0] === "secret" ? readFileSync(0, "utf8") : undefined;
appendFileSync(process.env.FAKE_WRANGLER_LOG, JSON.stringify({ args, stdin }) + "\\n");
const existing = (process.env.FAKE_WRANGLER_QUEUES || "").split(",");
if (args[0] === "whoami") process.exit(process.env.FAKE_WRANGLER_LOGGED_IN === "true" ? 0 : 1);
if (args[0] === "queues" && args[1] === "info") process.exit(existing.includes(args[2]) ? 0 : 1);
`;

interface Call {
  args: string[];
  stdin?: string;
}

async function deploy(args: string[], env: Record<string, string>) {
  writeFileSync(log, "");
  const run = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "scripts/deploy-cloudflare.ts", ...args],
    {
      cwd: apiDir,
      env: { PATH: `${bin}:${process.env.PATH}`, FAKE_WRANGLER_LOG: log, HERALD_DATA_DIR: scratch, ...env },
    },
  ).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  const calls = readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
  return { ...run, calls };
}

/** The queues wrangler.jsonc names, read from its text, not through the script's own reading of it. */
function queuesInWranglerConfig(): string[] {
  const text = readFileSync(join(apiDir, "wrangler.jsonc"), "utf8");
  return [...new Set([...text.matchAll(/"(?:queue|dead_letter_queue)":\s*"([^"]+)"/g)].map((match) => `${match[1]}`))];
}

describe("npm run deploy:cloudflare", { timeout: 120_000 }, () => {
  it("migrates the database, creates every missing queue, uploads the secrets and deploys, in that order", async () => {
    const queues = queuesInWranglerConfig();
    expect(queues).toHaveLength(4);
    const secrets = join(scratch, "secrets.env");
    writeFileSync(secrets, `LIBSQL_URL=${libsql.url}\nLIBSQL_AUTH_TOKEN=a-turso-token\n`);
    const run = await deploy(["--secrets", secrets], {
      FAKE_WRANGLER_LOGGED_IN: "true",
      FAKE_WRANGLER_QUEUES: queues[0] as string,
    });
    expect(run.code, run.stderr).toBe(0);

    const created = run.calls.filter((call) => call.args[1] === "create").map((call) => call.args[2]);
    expect(created.sort()).toEqual(queues.slice(1).sort());
    expect(run.calls.map((call) => call.args.slice(0, 3).join(" "))).toEqual([
      "whoami --json",
      ...queues.flatMap((queue, index) => [`queues info ${queue}`, ...(index === 0 ? [] : [`queues create ${queue}`])]),
      "secret bulk",
      "deploy",
    ]);
    const uploaded = JSON.parse(run.calls.find((call) => call.args[0] === "secret")?.stdin ?? "{}");
    expect(Object.keys(uploaded).sort()).toEqual(
      ["AUTH_TOKEN_SECRET", "ENCRYPTION_KEY", "ENCRYPTION_KEY_ID", "LIBSQL_AUTH_TOKEN", "LIBSQL_URL"].sort(),
    );
    // The generated secrets are kept where the operator can back them up: Cloudflare never shows them again.
    const kept = readFileSync(join(scratch, "cloudflare-secrets.env"), "utf8");
    expect(kept).toContain(`ENCRYPTION_KEY=${uploaded.ENCRYPTION_KEY}`);
    expect(statSync(join(scratch, "cloudflare-secrets.env")).mode & 0o777).toBe(0o600);

    const db = createNodeDb({ url: libsql.url });
    try {
      const tables = await db.$client.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
      expect(tables.rows.map((row) => row.name)).toEqual(expect.arrayContaining(["notifications", "deliveries"]));
    } finally {
      db.$client.close();
    }
  });

  it("stops before changing anything when the login or a secret is wrong, with one line saying which", async () => {
    const loggedOut = await deploy([], { LIBSQL_URL: libsql.url, LIBSQL_AUTH_TOKEN: "t" });
    expect(loggedOut.code).toBe(1);
    expect(loggedOut.stderr.trim().split("\n")).toEqual([
      "herald: not logged in to Cloudflare: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN",
    ]);
    expect(loggedOut.calls.map((call) => call.args[0])).toEqual(["whoami"]);

    const badKey = await deploy([], {
      FAKE_WRANGLER_LOGGED_IN: "true",
      LIBSQL_URL: libsql.url,
      LIBSQL_AUTH_TOKEN: "t",
      ENCRYPTION_KEY: "too-short",
      ENCRYPTION_KEY_ID: "2026-12",
    });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr.trim().split("\n")).toHaveLength(1);
    expect(badKey.stderr).toContain("ENCRYPTION_KEY");
    expect(badKey.calls.map((call) => call.args[0])).toEqual(["whoami"]);
  });

  it("bundles under 1 MiB gzipped (wrangler deploy --dry-run, the real one)", async () => {
    const out = join(scratch, "bundle");
    await promisify(execFile)("pnpm", ["exec", "wrangler", "deploy", "--dry-run", "--outdir", out], {
      cwd: apiDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    const files = readdirSync(out).filter((file) => !file.endsWith(".map"));
    const gzipped = files.reduce((sum, file) => sum + gzipSync(readFileSync(join(out, file))).length, 0);
    console.log(`Worker bundle: ${files.join(", ")}; ${(gzipped / 1024).toFixed(0)} KiB gzipped`);
    expect(files.some((file) => file.endsWith(".js"))).toBe(true);
    expect(gzipped).toBeLessThan(1024 * 1024);
  });
});
