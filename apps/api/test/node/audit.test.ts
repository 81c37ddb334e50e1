import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AuditEventPage } from "@herald/contracts";
import { createNodeDb } from "@herald/db/node";
import { startLibsqlDevServer } from "@herald/libsql-dev-server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";
import { ACME, callWith, GLOBEX, loginThrough, unique } from "../common";
import { NODE_TEST_ENV } from "../harness.node";

// The audit log on the Node runtime (its native libSQL driver and its two threads), and `admin verify-audit` against
// the runtime's own database file and a libSQL server, before and after rows are tampered with.

const apiDir = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "herald-audit-"));
const dbPath = join(scratch, "herald.db");
let runtime: NodeRuntime;
let token: string;

beforeAll(async () => {
  await prepareLocalDb(dbPath);
  runtime = await startNodeRuntime({ port: 0, env: { ...NODE_TEST_ENV, LIBSQL_URL: `file:${dbPath}` } });
  token = await loginThrough(api, ACME);
});

afterAll(async () => {
  await runtime?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const api = (method: string, path: string, options?: Parameters<typeof callWith>[4]) =>
  callWith(fetch, runtime.url, method, path, options);
const base = `/herald/v2/${ACME.accountId}`;

/** A copy of the runtime's database (its WAL included: SQLite replays it when the copy opens). */
function copyOfDb(name: string): string {
  const copy = join(scratch, name);
  copyFileSync(dbPath, copy);
  if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
  return copy;
}

function verifyAudit(env: Record<string, string>, args: string[] = []) {
  return admin(env, ["verify-audit", ...args]);
}

function admin(env: Record<string, string>, args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/admin.ts", ...args], {
    cwd: apiDir,
    env: { PATH: process.env.PATH ?? "", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}

describe("the audit log on the Node runtime", () => {
  it("records integration and subscription changes, masked, in one chain under concurrent writes", async () => {
    const bearer = `Bearer ${crypto.randomUUID()}`;
    const created = await api("POST", `${base}/integrations`, {
      token,
      body: { name: unique("hook"), target_url: "https://hooks.example.com/a", headers: { Authorization: bearer } },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    expect((await api("POST", `${base}/integrations/${id}/secret/rotate`, { token })).status).toBe(200);
    const subscriptions = await Promise.all(
      Array.from({ length: 8 }, () =>
        api("POST", `${base}/subscriptions`, {
          token,
          body: { name: unique("sub"), class: "event", notification_type: "incidents/alerts" },
        }),
      ),
    );
    expect(subscriptions.map((result) => result.status)).toEqual(Array(8).fill(201));

    const page = await api("GET", `${base}/audit_events?sort=asc&limit=1000`, { token });
    expect(page.status).toBe(200);
    const { audit_events: entries, total_count } = page.body as AuditEventPage;
    expect(total_count).toBe(10);
    expect(entries.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(entries.slice(0, 2).map((entry) => entry.action)).toEqual([
      "integration.created",
      "integration.secret_rotated",
    ]);
    expect(entries.slice(2).every((entry) => entry.action === "subscription.created")).toBe(true);
    expect(entries[0]?.changes.after).toMatchObject({ headers: { Authorization: `****${bearer.slice(-4)}` } });
    expect(JSON.stringify(entries)).not.toContain(bearer.slice(7));
    expect(entries.every((entry) => entry.access_key_id === ACME.keyId && entry.token_id)).toBe(true);

    const other = await loginThrough(api, GLOBEX);
    expect((await api("GET", `${base}/audit_events`, { token: other })).status).toBe(403);
  });

  it("admin verify-audit says OK for an intact chain and names the first broken seq of a tampered one", async () => {
    const intact = await verifyAudit({ LIBSQL_URL: `file:${dbPath}` });
    expect(intact.stdout).toBe(`account ${ACME.accountId}: OK (10 entries)\n`);
    expect(intact.code).toBe(0);

    // A copy of the database, altered in place as someone with the file could.
    const altered = copyOfDb("altered.db");
    const db = createNodeDb({ url: `file:${altered}` });
    await db.run(sql`UPDATE audit_events SET changes = '{"after":{"name":"innocent"}}' WHERE seq = 4`);
    db.$client.close();
    const broken = await verifyAudit({ LIBSQL_URL: `file:${altered}` });
    expect(broken.stdout).toBe(
      `account ${ACME.accountId}: BROKEN at seq 4: the entry does not match its hash (altered)\n`,
    );
    expect(broken.code).toBe(1);

    const other = await verifyAudit({ LIBSQL_URL: `file:${altered}` }, ["--account", GLOBEX.accountId]);
    expect(other.stdout).toBe(`account ${GLOBEX.accountId}: OK (0 entries)\n`);
    expect(other.code).toBe(0);
  });

  it("admin verify-audit works against a libSQL server URL and finds a removed entry", async () => {
    const served = copyOfDb("served.db");
    const server = await startLibsqlDevServer({ path: served, port: 0 });
    try {
      const intact = await verifyAudit({ LIBSQL_URL: server.url }, ["--account", ACME.accountId]);
      expect(intact.stdout).toBe(`account ${ACME.accountId}: OK (10 entries)\n`);
      expect(intact.code).toBe(0);

      const db = createNodeDb({ url: server.url });
      await db.run(sql`DELETE FROM audit_events WHERE seq = 6`);
      db.$client.close();
      const broken = await verifyAudit({ LIBSQL_URL: server.url });
      expect(broken.stdout).toBe(`account ${ACME.accountId}: BROKEN at seq 6: missing (the next entry is seq 7)\n`);
      expect(broken.code).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("admin provision-account records the access key it creates, as the system, without its secret", async () => {
    const accountId = "13572468";
    const userId = crypto.randomUUID().toUpperCase();
    const provisioned = await admin({ LIBSQL_URL: `file:${dbPath}` }, [
      "provision-account",
      ...["--account-id", accountId, "--account-name", "Audited", "--user-id", userId, "--user-name", "Ada"],
    ]);
    expect(provisioned.code).toBe(0);
    const key = JSON.parse(provisioned.stdout) as { access_key_id: string; secret_key: string };
    const own = await loginThrough(api, { keyId: key.access_key_id, secret: key.secret_key });
    const page = await api("GET", `/herald/v2/${accountId}/audit_events`, { token: own });
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      total_count: 1,
      audit_events: [
        {
          seq: 1,
          actor: "system",
          action: "access_key.created",
          target_type: "access_key",
          target_id: key.access_key_id,
          changes: { after: { id: key.access_key_id, user_id: userId, role: "admin", platform_admin: false } },
        },
      ],
    });
    expect(JSON.stringify(page.body)).not.toContain(key.secret_key);
    const verified = await verifyAudit({ LIBSQL_URL: `file:${dbPath}` }, ["--account", accountId]);
    expect(verified.stdout).toBe(`account ${accountId}: OK (1 entries)\n`);
  });
});
