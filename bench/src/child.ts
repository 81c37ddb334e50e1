// Child processes the bench starts and always stops: servers print a JSON line `{"ready": url}` when they listen.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Lines the child logged at level error (Herald logs JSON lines), e.g. a consumer's crash. */
  errorLines(): number;
  /** Those lines by kind (digits and ids blanked, cut to 120 characters), the 20 first kinds: what failed, how often. */
  errorKinds(): Record<string, number>;
  /** The last lines it printed, for a diagnosis when something goes wrong. */
  tail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const TAIL_LINES = 40;

export function spawnChild(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; echo?: boolean },
): Child {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const lines: string[] = [];
  let errors = 0;
  const kinds = new Map<string, number>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      if (/"level":"error"|\bERROR\b|✘/.test(line)) {
        errors += 1;
        const kind = line.replace(/[0-9a-f]{8,}|\d+/gi, "#").slice(0, 120);
        if (kinds.has(kind) || kinds.size < 20) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      if (options.echo) console.log(`  [${name}] ${line}`);
    });
  }
  return {
    name,
    pid: child.pid,
    process: child,
    errorLines: () => errors,
    errorKinds: () => Object.fromEntries(kinds),
    tail: () => lines.join("\n"),
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves the URL of a child's `{"ready": url}` line; rejects if it exits or stays silent for `timeoutMs`. */
export function readyUrl(child: Child, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.process.stdout as NodeJS.ReadableStream });
    const fail = (why: string) => {
      clearTimeout(timer);
      lines.close();
      reject(new Error(`${child.name} ${why}:\n${child.tail()}`));
    };
    const timer = setTimeout(() => fail(`was not ready after ${timeoutMs} ms`), timeoutMs);
    child.process.once("exit", (code) => fail(`exited (${code}) before it was ready`));
    lines.on("line", (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      lines.close();
      resolve((JSON.parse(line) as { ready: string }).ready);
    });
  });
}
