/**
 * Per-call cost of the Node database clients under drizzle: @libsql/client (a `file:` URL, one connection, as
 * createNodeDb used it) against the native client with cached statements. Run with `pnpm --filter @herald/db bench`;
 * not a test. Each figure is the median of 5 rounds' mean µs per call, on a migrated file with the runtime's PRAGMAs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { findNotificationById, insertNotification, type NotificationRow, provisionAccount } from "../src";
import type { Db } from "../src/client";
import { createNodeDb, migrateDb } from "../src/node";
import * as schema from "../src/schema";

const ROUNDS = 5;
const WARMUP = 300;

type Kind = "@libsql/client" | "native";

function open(kind: Kind, url: string): Db {
  return kind === "native" ? createNodeDb({ url }) : drizzle(createClient({ url, concurrency: 1 }), { schema });
}

let sequence = 0;
function notification(accountId: string): NotificationRow {
  sequence += 1;
  return {
    id: `N-${sequence.toString().padStart(12, "0")}`,
    accountId,
    type: "incidents/alerts",
    notificationData: { incident: { id: sequence, severity: "high" } },
    assetData: { host: "web-1" },
    payload: { subject: "Disk almost full", body: "92% used on /var" },
    attachments: null,
    status: "created",
    longIncidentId: null,
    requeuedAt: null,
    traceparent: null,
    createdAt: sequence,
    createdBy: "U",
    modifiedAt: sequence,
    modifiedBy: "U",
  };
}

/** Median over rounds of the mean µs per call. */
async function measure(calls: number, once: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await once(i);
  const means: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await once(i);
    means.push(Number(process.hrtime.bigint() - start) / 1000 / calls);
  }
  means.sort((a, b) => a - b);
  return means[Math.floor(ROUNDS / 2)] ?? Number.NaN;
}

async function run(kind: Kind): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), "herald-client-bench-"));
  const db = open(kind, `file:${join(dir, "bench.db")}`);
  try {
    for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "busy_timeout = 5000"]) {
      await db.run(sql.raw(`PRAGMA ${pragma}`));
    }
    await migrateDb(db);
    const accountId = "1001";
    await provisionAccount(db, {
      account: { id: accountId, name: "Bench" },
      user: { id: "U-1001", name: "User" },
      key: { id: "key-1001", secretHash: "hash", role: "admin" },
      now: 1,
    });
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const row = notification(accountId);
      await insertNotification(db, row);
      ids.push(row.id);
    }
    const idAt = (i: number) => ids[i % ids.length] as string;
    const { notifications } = schema;
    return {
      "primary-key select, drizzle prepared": await measure(5000, (i) => findNotificationById(db, idAt(i))),
      "primary-key select, drizzle query builder": await measure(3000, (i) =>
        db
          .select()
          .from(notifications)
          .where(eq(notifications.id, idAt(i)))
          .limit(1),
      ),
      "insert, drizzle query builder": await measure(2000, () => insertNotification(db, notification(accountId))),
      "batch of 3 (insert, update, select)": await measure(2000, (i) => {
        const row = notification(accountId);
        return db.batch([
          db.insert(notifications).values(row),
          db.update(notifications).set({ status: "dispatched" }).where(eq(notifications.id, row.id)),
          db
            .select()
            .from(notifications)
            .where(eq(notifications.id, idAt(i))),
        ]);
      }),
    };
  } finally {
    db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: Record<Kind, Record<string, number>> = {
  "@libsql/client": await run("@libsql/client"),
  native: await run("native"),
};
console.log("µs per call (median of 5 rounds)");
console.log(
  ["operation".padEnd(44), "@libsql/client".padStart(15), "native".padStart(9), "speed-up".padStart(9)].join(""),
);
for (const [operation, reference] of Object.entries(results["@libsql/client"])) {
  const native = results.native[operation] ?? Number.NaN;
  console.log(
    [
      operation.padEnd(44),
      reference.toFixed(1).padStart(15),
      native.toFixed(1).padStart(9),
      `${(reference / native).toFixed(1)}x`.padStart(9),
    ].join(""),
  );
}
