// The secrets a single-machine Herald needs, kept beside its database when the environment does not give them: a
// self-host starts with one command, and a restart keeps its tokens valid and its integration secrets readable.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

/** apps/api/.data/node: apart from `npm run dev`'s database, which holds the public development accounts. */
export function dataDirectory(): string {
  return fileURLToPath(new URL("../.data/node", import.meta.url));
}

function parseEnvFile(text: string): Record<string, string> {
  const entries = text
    .split("\n")
    .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => [match[1] as string, match[2] as string]);
  return Object.fromEntries(entries);
}

/**
 * Fills AUTH_TOKEN_SECRET and ENCRYPTION_KEY (with its id) into `env` from the env file at `path`, generating what
 * neither has and appending it to the file (made with mode 600; other lines are kept); values already in `env` win.
 * Returns the file's path when it generated something. `npm run dev` keeps wrangler's `.dev.vars` this way too.
 */
export function loadLocalSecrets(path: string, env: Record<string, string | undefined>): string | undefined {
  const existing = existsSync(path) ? readFileSync(path, "utf8") : "";
  const stored = parseEnvFile(existing);
  const missing: Record<string, string> = {};
  if (!env.AUTH_TOKEN_SECRET && !stored.AUTH_TOKEN_SECRET) {
    missing.AUTH_TOKEN_SECRET = randomBytes(32).toString("hex");
  }
  if (!env.ENCRYPTION_KEY && !stored.ENCRYPTION_KEY) {
    missing.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    missing.ENCRYPTION_KEY_ID = "local";
  }
  for (const [name, value] of Object.entries({ ...stored, ...missing })) env[name] ||= value;
  if (Object.keys(missing).length === 0) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  const lines = Object.entries(missing).map(([name, value]) => `${name}=${value}`);
  writeFileSync(path, `${existing}${separator}${lines.join("\n")}\n`, { mode: 0o600 });
  return path;
}
