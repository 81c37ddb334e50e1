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

export function parseEnvFile(text: string): Record<string, string> {
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
  // A variable set to nothing in the environment does not hide the stored value.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value));
  const missing = generatedSecrets({ ...stored, ...present }, "local");
  for (const [name, value] of Object.entries({ ...stored, ...missing })) env[name] ||= value;
  if (Object.keys(missing).length === 0) return undefined;
  mkdirSync(dirname(path), { recursive: true });
  const separator = existing === "" || existing.endsWith("\n") ? "" : "\n";
  const lines = Object.entries(missing).map(([name, value]) => `${name}=${value}`);
  writeFileSync(path, `${existing}${separator}${lines.join("\n")}\n`, { mode: 0o600 });
  return path;
}

/**
 * The token secret and the encryption key (with `keyId`) that `given` lacks, freshly generated; nothing when it has
 * them. An encryption key comes with its id, and an id alone does not count.
 */
export function generatedSecrets(
  given: Record<string, string | undefined>,
  keyId = new Date().toISOString().slice(0, 7),
): Record<string, string> {
  const generated: Record<string, string> = {};
  if (!given.AUTH_TOKEN_SECRET) generated.AUTH_TOKEN_SECRET = randomBytes(32).toString("hex");
  if (!given.ENCRYPTION_KEY) {
    generated.ENCRYPTION_KEY = randomBytes(32).toString("base64");
    generated.ENCRYPTION_KEY_ID = keyId;
  }
  return generated;
}
