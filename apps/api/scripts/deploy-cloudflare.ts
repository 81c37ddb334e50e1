// `npm run deploy:cloudflare`: Herald on Cloudflare Workers + Queues with a Turso (or any libSQL) database, in one
// command that can be run again: it checks the Cloudflare login, validates the secrets before touching anything,
// migrates the database, creates whichever queue of wrangler.jsonc is missing, uploads the secrets and deploys.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createNodeDb, migrateDb } from "@herald/db/node";
import { parse as parseJsonc } from "jsonc-parser";
import { parseSettings, SettingsError } from "../src/settings";
import { ensureConsole } from "./ensure-console.mjs";
import { generatedSecrets, parseEnvFile } from "./local-secrets";

const USAGE = `usage: npm run deploy:cloudflare -- [--secrets FILE] [--dry-run]
  Deploys Herald to your Cloudflare account (Workers Paid plan: Queues need it) with a libSQL database (Turso).
  --secrets FILE  KEY=VALUE lines: LIBSQL_URL, LIBSQL_AUTH_TOKEN, and any of AUTH_TOKEN_SECRET, ENCRYPTION_KEY,
                  ENCRYPTION_KEY_ID, RESEND_API_KEY, RESEND_WEBHOOK_SECRET, ... (the environment counts too; what
                  is missing is asked for, and AUTH_TOKEN_SECRET and ENCRYPTION_KEY are generated)
  --dry-run       check the login and the secrets, bundle the Worker; change nothing
Log in first with \`npx wrangler login\` (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID).`;

const apiDir = fileURLToPath(new URL("..", import.meta.url));
/** Secrets the Worker reads (wrangler.jsonc lists them); what is not among them is a variable, not uploaded. */
const SECRET_NAMES = [
  "LIBSQL_URL",
  "LIBSQL_AUTH_TOKEN",
  "AUTH_TOKEN_SECRET",
  "AUTH_TOKEN_PREVIOUS_SECRET",
  "ENCRYPTION_KEY",
  "ENCRYPTION_KEY_ID",
  "ENCRYPTION_PREVIOUS_KEY",
  "ENCRYPTION_PREVIOUS_KEY_ID",
  "RESEND_API_KEY",
  "RESEND_WEBHOOK_SECRET",
] as const;

interface WranglerConfig {
  vars?: Record<string, string>;
  queues?: {
    producers?: Array<{ queue: string }>;
    consumers?: Array<{ queue: string; dead_letter_queue?: string }>;
  };
}

function readWranglerConfig(path = join(apiDir, "wrangler.jsonc")): WranglerConfig {
  return parseJsonc(readFileSync(path, "utf8")) as WranglerConfig;
}

/** Every queue the Worker sends to, consumes or dead-letters into, once each. */
function queuesOf(config: WranglerConfig): string[] {
  const { producers = [], consumers = [] } = config.queues ?? {};
  const names = [
    ...producers.map((producer) => producer.queue),
    ...consumers.flatMap((consumer) => [consumer.queue, consumer.dead_letter_queue ?? []].flat()),
  ];
  return [...new Set(names)];
}

class DeployError extends Error {}

function wrangler(args: string[], options: { quiet?: boolean } = {}) {
  const result = spawnSync("wrangler", args, {
    cwd: apiDir,
    encoding: "utf8",
    stdio: options.quiet ? ["ignore", "pipe", "pipe"] : ["inherit", "pipe", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (result.error) throw new DeployError(`cannot run wrangler: ${result.error.message}`);
  if (!options.quiet && result.stdout) process.stdout.write(result.stdout);
  return { ok: result.status === 0, stdout: result.stdout ?? "" };
}

function step(text: string) {
  console.log(`\nherald: ${text}`);
}

async function resolveSecrets(file: string | undefined): Promise<Record<string, string>> {
  const given: Record<string, string> = {};
  for (const name of SECRET_NAMES) if (process.env[name]) given[name] = process.env[name] as string;
  if (file !== undefined) {
    if (!existsSync(file)) throw new DeployError(`no secrets file ${file}`);
    Object.assign(given, parseEnvFile(readFileSync(file, "utf8")));
  }
  for (const name of ["LIBSQL_URL", "LIBSQL_AUTH_TOKEN"] as const) {
    if (given[name]) continue;
    if (!process.stdin.isTTY) throw new DeployError(`${name} is required (in --secrets FILE or the environment)`);
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    given[name] = (await prompt.question(`${name}: `)).trim();
    prompt.close();
  }
  const generated = generatedSecrets(given);
  if (Object.keys(generated).length > 0) {
    // Cloudflare never shows a secret again: without this copy, the integration secrets sealed under the key could
    // not be opened by anything else (a Node self-host of the same database, a key rotation).
    const kept = join(process.env.HERALD_DATA_DIR ?? join(apiDir, ".data"), "cloudflare-secrets.env");
    mkdirSync(dirname(kept), { recursive: true });
    writeFileSync(
      kept,
      Object.entries(generated)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
      { mode: 0o600 },
    );
    chmodSync(kept, 0o600);
    console.log(`herald: generated ${Object.keys(generated).join(", ")} into ${kept}: keep it with your backups`);
  }
  return { ...given, ...generated };
}

async function main() {
  const { values: flags } = parseArgs({
    options: { secrets: { type: "string" }, "dry-run": { type: "boolean", default: false }, help: { type: "boolean" } },
  });
  if (flags.help) return console.log(USAGE);
  const config = readWranglerConfig();

  step("checking the Cloudflare login (wrangler whoami)");
  if (!wrangler(["whoami", "--json"], { quiet: true }).ok)
    throw new DeployError("not logged in to Cloudflare: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN");

  step("checking the secrets");
  const secrets = await resolveSecrets(flags.secrets);
  // The same validation the Worker runs on every request: a bad value stops here, not as 503s after the deploy.
  parseSettings({ ...config.vars, ...secrets });
  const url = secrets.LIBSQL_URL as string;
  if (url.startsWith("file:")) throw new DeployError("LIBSQL_URL must reach the database from Cloudflare, not file:");

  // The console ships with the Worker (wrangler.jsonc `assets`): built now, so the deployment has the current one.
  step("building the console (apps/console)");
  ensureConsole({ always: true });

  if (flags["dry-run"]) {
    step("bundling the Worker (wrangler deploy --dry-run); nothing is changed");
    if (!wrangler(["deploy", "--dry-run"]).ok) throw new DeployError("the Worker does not bundle");
    console.log(`\nherald: would migrate ${new URL(url).host}, create any of ${queuesOf(config).join(", ")}`);
    return;
  }

  step(`migrating the database at ${new URL(url).host}`);
  const db = createNodeDb({ url, authToken: secrets.LIBSQL_AUTH_TOKEN });
  try {
    await migrateDb(db);
  } finally {
    db.$client.close();
  }

  for (const queue of queuesOf(config)) {
    if (wrangler(["queues", "info", queue], { quiet: true }).ok) continue;
    step(`creating the queue ${queue}`);
    if (!wrangler(["queues", "create", queue]).ok) throw new DeployError(`could not create the queue ${queue}`);
  }

  step("uploading the secrets (wrangler secret bulk)");
  const uploaded = Object.fromEntries(SECRET_NAMES.flatMap((name) => (secrets[name] ? [[name, secrets[name]]] : [])));
  const bulk = spawnSync("wrangler", ["secret", "bulk"], {
    cwd: apiDir,
    input: JSON.stringify(uploaded),
    stdio: ["pipe", "inherit", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  if (bulk.status !== 0) throw new DeployError("could not upload the secrets");

  step("deploying the Worker (wrangler deploy)");
  if (!wrangler(["deploy"]).ok) throw new DeployError("wrangler deploy failed");
  console.log(
    "\nherald: deployed. Next: create an account with its first access key against the same database:\n" +
      "  LIBSQL_URL=... LIBSQL_AUTH_TOKEN=... pnpm --filter @herald/api admin provision-account --account-id ... \\\n" +
      '    --account-name "..." --user-id <uuid> --user-name "..." --role admin\n' +
      "E-mail stays in the database (EMAIL_TRANSPORT=capture) until you set EMAIL_TRANSPORT=resend in wrangler.jsonc\n" +
      "and RESEND_API_KEY (README, Deploying to Cloudflare).",
  );
}

await main().catch((error: unknown) => {
  if (!(error instanceof DeployError || error instanceof SettingsError)) throw error;
  console.error(`herald: ${error.message}`);
  process.exit(1);
});
