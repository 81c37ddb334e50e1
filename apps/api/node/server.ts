// `npm run serve`: Herald on Node, for a single-machine self-host. Configure with the same variables as the Worker
// (AUTH_TOKEN_SECRET, ENCRYPTION_KEY, LIBSQL_URL, ...); HERALD_PORT and HERALD_HOST choose where it listens,
// HERALD_DATA_DIR where the embedded database and generated secrets live. `--dev` also seeds the development
// accounts and allows loopback targets, as `npm run dev` does.
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hasAccounts } from "@herald/db";
import { seedDevData } from "../scripts/dev-seed";
import { dataDirectory, loadLocalSecrets } from "../scripts/local-secrets";
import { SettingsError } from "../src/settings";
import { startNodeRuntime } from "./runtime";

const { values: flags } = parseArgs({ options: { dev: { type: "boolean", default: false } } });

const dataDir = process.env.HERALD_DATA_DIR ?? dataDirectory();
const env: Record<string, string | undefined> = {
  LIBSQL_URL: `file:${join(dataDir, "herald.db")}`,
  ...(flags.dev ? { ALLOW_LOOPBACK_TARGETS: "true" } : {}),
  ...process.env,
};
const generated = loadLocalSecrets(join(dataDir, "secrets.env"), env);
if (generated)
  console.log(`herald: generated a token secret and an encryption key in ${generated}; back it up with the database`);

const runtime = await startNodeRuntime({
  env,
  port: Number(process.env.HERALD_PORT ?? 8787),
  hostname: process.env.HERALD_HOST ?? "127.0.0.1",
}).catch((error: unknown) => {
  // A bad setting is one line naming it (src/settings.ts), not a stack trace.
  if (!(error instanceof SettingsError)) throw error;
  console.error(`herald: ${error.message}`);
  process.exit(1);
});
if (flags.dev) await seedDevData(runtime.db);
console.log(`herald: serving on ${runtime.url} (Node runtime, database ${env.LIBSQL_URL})`);
if (!(await hasAccounts(runtime.db))) {
  console.log(
    `herald: no accounts yet; create one with\n  LIBSQL_URL=${env.LIBSQL_URL} pnpm --filter @herald/api admin provision-account ` +
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
