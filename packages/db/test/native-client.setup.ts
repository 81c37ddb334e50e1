// The shared set-up of the native-client.*.test.ts files: clients of both kinds on fresh files in one temp dir
// (closed and removed after the file's tests), and what a caller can observe of their answers and failures.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, LibsqlBatchError, LibsqlError, type ResultSet } from "@libsql/client";
import { afterAll } from "vitest";
import { createNativeClient } from "../src/native-client";

export const dir = mkdtempSync(join(tmpdir(), "herald-native-client-"));
export const opened: Client[] = [];
afterAll(() => {
  for (const client of opened) client.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
export function freshUrl(): string {
  files += 1;
  return `file:${join(dir, `db-${files}.db`)}`;
}

export type Kind = "@libsql/client" | "native";
export const kinds: Kind[] = ["@libsql/client", "native"];

/** A client of `kind` on `url`: @libsql/client as createNodeDb used it (one connection), or the native one. */
export function open(kind: Kind, url = freshUrl()): Client {
  const client = kind === "native" ? createNativeClient(url) : createClient({ url, concurrency: 1 });
  opened.push(client);
  return client;
}

export const TABLE = `CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  score REAL,
  data BLOB,
  meta TEXT
)`;

export async function withTable(kind: Kind): Promise<Client> {
  const client = open(kind);
  await client.execute(TABLE);
  return client;
}

/** Everything a caller can read from a result set, in plain values, so two clients' answers compare exactly. */
export function observe(result: ResultSet) {
  const { columns, columnTypes, rowsAffected, lastInsertRowid } = result;
  return {
    columns,
    columnTypes,
    rowsAffected,
    lastInsertRowid,
    rows: result.rows.map((row) => ({
      length: row.length,
      byIndex: Array.prototype.slice.call(row).map(plain),
      keys: Object.keys(row),
      byName: Object.fromEntries(Object.keys(row).map((key) => [key, plain(row[key])])),
      json: JSON.stringify(row, (_, value) => plain(value)),
      isArray: Array.isArray(row),
    })),
    json: JSON.stringify(result.toJSON()),
  };
}

function plain(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { arrayBuffer: Buffer.from(value).toString("hex") };
  if (typeof value === "bigint") return { bigint: String(value) };
  return value;
}

/** What a caller can see of a failure: class, codes, message, and the driver error underneath. */
export function observeError(error: unknown) {
  const e = error as LibsqlError & { statementIndex?: number };
  const cause = e.cause as { name?: string; code?: string } | undefined;
  return {
    isLibsqlError: error instanceof LibsqlError,
    isBatchError: error instanceof LibsqlBatchError,
    name: e.name,
    message: e.message,
    code: e.code,
    extendedCode: e.extendedCode,
    rawCode: e.rawCode,
    statementIndex: e.statementIndex,
    cause: cause && { name: cause.name, code: cause.code },
  };
}

export async function failure(work: Promise<unknown>) {
  try {
    await work;
  } catch (error) {
    return observeError(error);
  }
  throw new Error("expected a failure");
}

/** Runs `scenario` against a fresh database on each client and returns both answers. */
export async function onBoth<T>(scenario: (client: Client) => Promise<T>): Promise<{ reference: T; native: T }> {
  const reference = await scenario(await withTable("@libsql/client"));
  const native = await scenario(await withTable("native"));
  return { reference, native };
}
