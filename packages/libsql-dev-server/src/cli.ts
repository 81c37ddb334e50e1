#!/usr/bin/env tsx
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLibsqlDevServer } from "./server";

const USAGE = `usage: libsql-dev-server --db <path> [--port 8080] [--host 127.0.0.1] [--auth-token <token>]
  environment fallbacks: LIBSQL_DEV_DB, LIBSQL_DEV_PORT, LIBSQL_DEV_AUTH_TOKEN`;

function fail(message: string): never {
  console.error(`libsql-dev-server: ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: { db?: string; port?: string; host?: string; "auth-token"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        db: { type: "string" },
        port: { type: "string" },
        host: { type: "string" },
        "auth-token": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }

  const db = values.db || process.env.LIBSQL_DEV_DB;
  if (!db) fail(`no database given\n${USAGE}`);
  const path = resolve(db);
  const portText = values.port || process.env.LIBSQL_DEV_PORT || "8080";
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`invalid port: ${portText}`);
  const host = values.host ?? "127.0.0.1";
  const authToken = values["auth-token"] || process.env.LIBSQL_DEV_AUTH_TOKEN || undefined;

  let server: Awaited<ReturnType<typeof startLibsqlDevServer>>;
  try {
    server = await startLibsqlDevServer({ path, port, host, authToken });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "EADDRINUSE") fail(`port ${port} on ${host} is already in use`);
    fail(`cannot start: ${(error as Error).message}`);
  }

  console.log(`libsql-dev-server: ${path} on ${server.url}`);
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") {
    console.warn("libsql-dev-server: listening beyond loopback; this is a dev server with no hardening");
  }

  const shutdown = (signal: string) => {
    console.log(`libsql-dev-server: ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => fail(String(error)));
