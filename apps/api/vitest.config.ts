import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { createNodeDb } from "@herald/db/node";
import { createLibsqlHandler } from "@herald/libsql-dev-server";
import { Response as MiniflareResponse } from "miniflare";
import { defineConfig } from "vitest/config";
import { ensureConsole } from "./scripts/ensure-console.mjs";
import { prepareLocalDb } from "./scripts/prepare-local-db";
import { CONTROL_HOST, COUNTED_LIBSQL_HOST, createControl, FAULTY_LIBSQL_HOST } from "./test/control.node";
import { createFakeInternet } from "./test/fakes.node";
import { provisionTestKeys } from "./test/fixtures.node";

// One throwaway libSQL file per test file, copied from a template with the real migrations and the development
// accounts. The pool starts one miniflare (and asks for these options) per test file, so each file's Worker has its
// own outboundService, which hands each fetch to libsql.test to a dev server on that file's database, in this process:
// the Worker reaches it over HTTP, exactly as it reaches Turso.
// wrangler.jsonc's assets directory (the console's build) must exist before miniflare starts.
ensureConsole();
const dbDir = mkdtempSync(join(tmpdir(), "herald-api-test-"));
const templatePath = join(dbDir, "template.db");
await prepareLocalDb(templatePath);
await provisionTestKeys(templatePath);
await checkpoint(templatePath);
let databases = 0;

/** Moves everything written so far from the WAL into the file itself, so that a copy of the file holds it. */
async function checkpoint(path: string): Promise<void> {
  const db = createNodeDb({ url: `file:${path}` });
  try {
    await db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    db.$client.close();
  }
}

function freshDatabase(): string {
  const path = join(dbDir, `herald-${++databases}.db`);
  copyFileSync(templatePath, path);
  return path;
}

export const TEST_LIBSQL_HOST = "libsql.test";

export default defineConfig({
  plugins: [
    cloudflareTest(() => {
      const dbPath = freshDatabase();
      const libsql = createLibsqlHandler({ path: dbPath });
      // Each file's own switches and fakes: files run side by side without seeing each other's calls.
      const { control, libsqlFault, countDatabaseCall, recordBlocked } = createControl();
      const fakeInternet = createFakeInternet();
      return {
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          bindings: {
            LIBSQL_URL: `http://${TEST_LIBSQL_HOST}`,
            AUTH_TOKEN_SECRET: "test-token-secret-0123456789abcdef",
            AUTH_TOKEN_PREVIOUS_SECRET: "test-previous-secret-0123456789abcdef",
            TEST_DB_PATH: dbPath,
            // Seals integration secrets at rest; the previous key is there so tests can open values sealed before a
            // rotation (test-only keys, like every secret in this file).
            ENCRYPTION_KEY: "Hrn4oHEgYoQKaqlJoYq2gWQUD6FpAtmq0E6kueCu8kA=",
            ENCRYPTION_KEY_ID: "test-current",
            ENCRYPTION_PREVIOUS_KEY: "w74pWnT+5P/ENQ7kL4JS+vZym0aqeJV2/l5BF67oTDA=",
            ENCRYPTION_PREVIOUS_KEY_ID: "test-previous",
            // Short enough for tests to watch retries and timeouts happen.
            DELIVERY_RETRY_SCHEDULE: "1,1,1",
            WEBHOOK_TIMEOUT_MS: "1000",
            // Signs the Resend delivery events that test/receivers.test.ts posts to /hooks/resend.
            RESEND_WEBHOOK_SECRET: "whsec_Zhn/eA7F+wJEMaGujpiLymnXulxayjvJnr96UHo3zTY=",
          },
          outboundService: async (request: Request) => {
            const url = new URL(request.url);
            if (url.hostname === CONTROL_HOST) {
              const answer = await control(request);
              return new MiniflareResponse(await answer.text(), {
                status: answer.status,
                headers: Object.fromEntries(answer.headers),
              });
            }
            if (url.hostname === FAULTY_LIBSQL_HOST) {
              const fault = await libsqlFault(request.clone());
              if (fault) {
                return new MiniflareResponse(await fault.text(), {
                  status: fault.status,
                  headers: Object.fromEntries(fault.headers),
                });
              }
            } else if (url.hostname === COUNTED_LIBSQL_HOST) {
              await countDatabaseCall(request.clone());
            } else if (url.hostname !== TEST_LIBSQL_HOST) {
              const faked = await fakeInternet(request);
              if (!faked) {
                recordBlocked(request);
                return new MiniflareResponse("outbound requests are blocked in tests", { status: 599 });
              }
              // Streamed, not buffered: a fake that drops the connection mid-answer must reach the Worker as such.
              return new MiniflareResponse(faked.body, {
                status: faked.status,
                headers: Object.fromEntries(faked.headers),
              });
            }
            const body = request.method === "POST" ? await request.text() : undefined;
            const response = await libsql.fetch(
              new Request(request.url, { method: request.method, headers: request.headers, body }),
            );
            return new MiniflareResponse(await response.text(), {
              status: response.status,
              headers: { "content-type": response.headers.get("content-type") ?? "application/json" },
            });
          },
        },
      };
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // The Node runtime's own tests, and the unit tests of pure logic (no Worker, no bindings: nothing of workerd's to
    // prove), run in Node (vitest.node.config.ts): each file here pays a miniflare start of ~3.5 s.
    exclude: ["test/node/**", "test/unit/**"],
    // Delivery tests wait for real queues, real retry delays (1 s) and real timeouts.
    testTimeout: 45_000,
    // Two files side by side (on two cores, 462 s → 281 s): each has its own miniflare, database, switches and fakes
    // (createControl, createFakeInternet), so nothing one file does reaches another.
    maxWorkers: 2,
    // Herald's telemetry lines (one per request and batch, src/observability/worker-telemetry.ts) would bury what a
    // failing test printed; test/observability.test.ts reads them itself.
    onConsoleLog: (log) => !log.startsWith('{"level":"info","event":"herald.'),
    reporters: ["default", "../../scripts/vitest-progress.mjs", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
