// `npm run serve`: Herald on Node, for a single-machine self-host. Configure with the same variables as the Worker
// (AUTH_TOKEN_SECRET, ENCRYPTION_KEY, LIBSQL_URL, ...); HERALD_PORT and HERALD_HOST choose where it listens,
// HERALD_DATA_DIR where the embedded database and generated secrets live. `--dev` serves the development accounts
// (their keys are public) from a database of its own and allows loopback targets, as `npm run dev` does.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Db } from "@herald/db";

const USAGE = `usage: npm run serve [-- --dev]
  Serves Herald on Node with an embedded database and in-process queues.
  --dev     the development accounts (public keys, see the README) in a database of their own, loopback targets
  --help    this text
environment: HERALD_PORT (8787), HERALD_HOST (127.0.0.1), HERALD_DATA_DIR (apps/api/.data/node), LIBSQL_URL
             (file:<data dir>/herald.db), LIBSQL_AUTH_TOKEN, HERALD_ASSETS_DIR (the console's build, README
             "Console"), and the Worker's variables (README, Configuration)
metrics:     HERALD_METRICS_TOKEN (/metrics on HERALD_PORT with that bearer token) and/or HERALD_METRICS_PORT
             (/metrics on its own port, no token, on HERALD_METRICS_HOST, 127.0.0.1); traces: OTEL_* (README)`;

// The operator CLI, as this start can run it: beside this entry in the self-host build (bin/admin.mjs, see
// scripts/node-runtime.mjs), else through the workspace.
const bundledAdmin = new URL("./admin.mjs", import.meta.url);
const ADMIN = existsSync(bundledAdmin) ? `node ${fileURLToPath(bundledAdmin)}` : "pnpm --filter @herald/api admin";

/** Refused outside --dev: anyone who read the README can sign in with these keys. */
class DevelopmentKeysError extends Error {}

const { values: flags } = (() => {
  try {
    return parseArgs({ options: { dev: { type: "boolean", default: false }, help: { type: "boolean" } } });
  } catch (error) {
    console.error(`herald: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}

// Loaded once the arguments are known: --help answers without loading the app.
const { existingAccessKeyIds, hasAccounts } = await import("@herald/db");
const { DEV_KEY_IDS, seedDevData } = await import("../scripts/dev-seed");
const { dataDirectory, loadLocalSecrets } = await import("../scripts/local-secrets");
const { SettingsError } = await import("../src/settings");
const { StartupError, startNodeRuntime } = await import("./runtime");

// The development accounts never share a database with real ones: a later start without --dev cannot serve them.
const baseDir = process.env.HERALD_DATA_DIR ?? dataDirectory();
const dataDir = flags.dev ? join(baseDir, "dev") : baseDir;
const env: Record<string, string | undefined> = {
  LIBSQL_URL: `file:${join(dataDir, "herald.db")}`,
  ...(flags.dev ? { ALLOW_LOOPBACK_TARGETS: "true" } : {}),
  ...process.env,
};
const generated = loadLocalSecrets(join(dataDir, "secrets.env"), env);
if (generated)
  console.log(`herald: generated a token secret and an encryption key in ${generated}; back it up with the database`);

async function developmentAccounts(db: Db): Promise<void> {
  if (flags.dev) return seedDevData(db);
  const present = await existingAccessKeyIds(db, DEV_KEY_IDS);
  if (present.length === 0) return;
  throw new DevelopmentKeysError(
    `this database holds the public development keys (${present.join(", ")}), which anyone can sign in with; ` +
      `remove them with \`LIBSQL_URL=${env.LIBSQL_URL} ${ADMIN} remove-dev-keys\`, ` +
      "or start with --dev to develop against it",
  );
}

const runtime = await startNodeRuntime({
  env,
  port: Number(process.env.HERALD_PORT ?? 8787),
  hostname: process.env.HERALD_HOST ?? "127.0.0.1",
  beforeServing: developmentAccounts,
  metrics: {
    ...(process.env.HERALD_METRICS_TOKEN ? { token: process.env.HERALD_METRICS_TOKEN } : {}),
    ...(process.env.HERALD_METRICS_PORT ? { port: Number(process.env.HERALD_METRICS_PORT) } : {}),
    ...(process.env.HERALD_METRICS_HOST ? { hostname: process.env.HERALD_METRICS_HOST } : {}),
  },
}).catch((error: unknown) => {
  // What an operator can fix is one line naming it, not a stack trace.
  if (!(error instanceof SettingsError || error instanceof StartupError || error instanceof DevelopmentKeysError))
    throw error;
  console.error(`herald: ${error.message}`);
  process.exit(1);
});
console.log(
  `herald: serving on ${runtime.url} (Node runtime, database ${env.LIBSQL_URL}` +
    `${flags.dev ? ", development accounts" : ""})`,
);
if (runtime.metricsUrl) console.log(`herald: metrics on ${runtime.metricsUrl}`);
if (!(await hasAccounts(runtime.db))) {
  console.log(
    `herald: no accounts yet; create one with\n  LIBSQL_URL=${env.LIBSQL_URL} ${ADMIN} provision-account ` +
      '--account-id 12345678 --account-name "Acme" --user-id <uuid> --user-name "Ada" --role admin\n' +
      "  (or start with --dev for the development accounts)",
  );
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void runtime.close().then(() => process.exit(0));
  });
}
