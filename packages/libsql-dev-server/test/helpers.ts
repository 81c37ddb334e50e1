import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, type Config, createClient } from "@libsql/client/web";
import Database from "libsql";
import { onTestFinished } from "vitest";
import type { PipelineResponseBody } from "../src/hrana";
import { type LibsqlDevServer, type LibsqlDevServerOptions, startLibsqlDevServer } from "../src/index";

/** A database path in a fresh temp dir, removed when the current test ends. */
export function tempDbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "libsql-dev-server-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "test.db");
}

/** A server on a free loopback port over its own temp database, closed when the current test ends. */
export async function startTestServer(
  options: Partial<LibsqlDevServerOptions> = {},
): Promise<LibsqlDevServer & { path: string }> {
  const path = tempDbPath();
  const server = await startLibsqlDevServer({ path, ...options });
  onTestFinished(() => server.close());
  return { ...server, path };
}

export function clientFor(server: LibsqlDevServer, config: Partial<Config> = {}): Client {
  const client = createClient({ url: server.url, ...config });
  onTestFinished(() => client.close());
  return client;
}

export async function countRows(client: Client, table: string): Promise<number> {
  const result = await client.execute(`SELECT count(*) AS n FROM ${table}`);
  return Number(result.rows[0]?.n);
}

/** Reads straight from the file on a connection of its own: sees only what was really committed. */
export function committedValues(path: string, sql: string): unknown[] {
  const db = new Database(path);
  try {
    return db
      .prepare(sql)
      .raw(true)
      .all()
      .map((row) => (row as unknown[])[0]);
  } finally {
    db.close();
  }
}

export type PipelineResult = { status: number; body: PipelineResponseBody };

/** One raw `POST /v2/pipeline`, for what the client library does not expose. */
export async function pipeline(
  fetcher: (request: Request) => Promise<Response>,
  baseUrl: string,
  baton: string | null,
  requests: unknown[],
): Promise<PipelineResult> {
  const response = await fetcher(
    new Request(`${baseUrl}/v2/pipeline`, { method: "POST", body: JSON.stringify({ baton, requests }) }),
  );
  return { status: response.status, body: (await response.json()) as PipelineResponseBody };
}
