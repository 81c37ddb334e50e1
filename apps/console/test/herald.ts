// Herald's Node runtime (apps/api/node/server.ts --dev: the development accounts, loopback targets allowed) on a free
// port with a scratch data directory, serving the console's build; and a local webhook receiver whose answer the test
// sets.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const apiDir = fileURLToPath(new URL("../../api/", import.meta.url));
export const consoleDist = fileURLToPath(new URL("../dist/", import.meta.url));

/** The development account's admin key (public: README, "Development accounts"). */
export const DEV_KEY = { accessKeyId: "devkey12345678", secretKey: "devsecret12345678" };

export interface Herald {
  url: string;
  /** Herald's database (libSQL, a file): for what no operation can do, such as a portal link that has expired. */
  database: string;
  stop(): Promise<void>;
}

/** Herald on the Node runtime; `settings` are added to its environment (CONSOLE_FRAME_ANCESTORS, say). */
export async function startHerald(settings: Record<string, string> = {}): Promise<Herald> {
  const dataDir = mkdtempSync(join(tmpdir(), "herald-console-test-"));
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "node/server.ts", "--dev"], {
    cwd: apiDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      HERALD_PORT: "0",
      HERALD_DATA_DIR: dataDir,
      HERALD_ASSETS_DIR: consoleDist,
      // A failing target is given up quickly (three retries a second apart), so the test sees FAILED and retries it.
      DELIVERY_RETRY_SCHEDULE: "1,1,1",
      WEBHOOK_TIMEOUT_MS: "2000",
      ...settings,
    },
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Herald did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Herald exited (${code}):\n${output}`));
    });
  });
  return {
    url,
    // --dev keeps the development accounts apart, in <data dir>/dev (apps/api/node/server.ts).
    database: `file:${join(dataDir, "dev", "herald.db")}`,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs one statement on Herald's database with the API's own libSQL client (apps/api depends on it). */
export async function onDatabase(database: string, sql: string, args: (string | number)[]): Promise<number> {
  const path = createRequire(join(apiDir, "package.json")).resolve("@libsql/client");
  const { createClient } = (await import(pathToFileURL(path).href)) as {
    createClient(config: { url: string }): {
      execute(statement: { sql: string; args: (string | number)[] }): Promise<{ rowsAffected: number }>;
      close(): void;
    };
  };
  const db = createClient({ url: database });
  try {
    return (await db.execute({ sql, args })).rowsAffected;
  } finally {
    db.close();
  }
}

export interface Receiver {
  url: string;
  /** What the receiver answers from now on. */
  status: number;
  received: { body: string; headers: Record<string, string | string[] | undefined> }[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const receiver = { status: 200, received: [] } as unknown as Receiver;
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on("end", () => {
      receiver.received.push({ body, headers: request.headers });
      response.writeHead(receiver.status, { "content-type": "application/json" });
      response.end(JSON.stringify({ answered: receiver.status }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return receiver;
}

export interface Embedder {
  /** The port of a page that shows, in a frame, the URL its `src` query names (a customer's site embedding a portal). */
  port: number;
  close(): Promise<void>;
}

/** A site of another origin that embeds the console: `/embed?src=<portal link>` frames the link. */
export async function startEmbedder(): Promise<Embedder> {
  const server: Server = createServer((request, response) => {
    const src = new URL(request.url ?? "/", "http://embedder").searchParams.get("src") ?? "";
    const escaped = src.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    response.end(
      `<!doctype html><html lang="en"><title>Customer site</title><main><h1>Deliveries</h1>` +
        `<iframe title="Herald portal" src="${escaped}" style="width:100%;height:600px;border:0"></iframe></main></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
