import type { Client, InStatement } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  advanceJob,
  claimDeliveries,
  createJob,
  deliveryStatistics,
  failDeliveries,
  findFanoutDecisions,
  legsWaitingForEarlier,
  loadFanoutBatch,
  loadRenderContext,
  openSuppressionWindows,
  recordAttempts,
  reserveCalls,
  unparkLegs,
  writeFanout,
} from "../src";
import type { Db } from "../src/client";
import { createNodeDb, migrateDb } from "../src/node";
import { newId, pendingLeg } from "./support";

// The set-wise statements must find a batch's rows by key: a plan that walks a status index (every PENDING leg,
// every dispatched notification) or scans a table costs what the backlog holds, not what the batch holds. Every
// statement the pipeline's repositories send is captured and its query plan read from SQLite itself.

let db: Db;
const captured: InStatement[] = [];
let capturing = false;

beforeAll(async () => {
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const capture = (client: Client): Client =>
    new Proxy(client, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        if (property === "batch") {
          return (statements: InStatement[], mode?: Parameters<Client["batch"]>[1]) => {
            if (capturing) captured.push(...statements);
            return target.batch(statements, mode);
          };
        }
        if (property === "execute") {
          return (statement: InStatement) => {
            if (capturing) captured.push(statement);
            return target.execute(statement);
          };
        }
        return value.bind(target);
      },
    });
  db = createNodeDb(
    { url: `file:${join(mkdtempSync(join(tmpdir(), "herald-plans-")), "plans.db")}` },
    {
      wrapClient: capture,
    },
  );
  await migrateDb(db);
});
afterAll(() => db.$client.close());

const FORBIDDEN = [
  /deliveries_status_due_idx/,
  /notifications_status_created_idx/,
  // A scan of a real table; json_each's virtual table (aliased j or w, or unaliased) is the batch itself, and a
  // subquery's rows (`ranked`, materialised) were found by key already.
  /^SCAN (?!(j|w|json_each|ranked)\b|\(subquery-\d+\))/,
];

describe("the delivery pipeline's query plans", () => {
  it("look every row up by key, whatever the backlog", async () => {
    const leg = await pendingLeg(db, 0);
    capturing = true;
    await claimDeliveries(db, [leg.id, newId()], 1_000, 60_000);
    await loadRenderContext(db, [leg], ["incidents/alerts"]);
    await recordAttempts(db, {
      records: [
        {
          deliveryId: leg.id,
          accountId: leg.accountId,
          attemptId: newId(),
          attempt: 1,
          status: "DELIVRD",
          startedAt: 1_000,
          durationMs: 1,
          responseCode: 200,
          responseBody: null,
          error: null,
          nextAttemptAt: null,
        },
      ],
      now: 2_000,
      disable: [{ accountId: leg.accountId, id: leg.destination, reason: "HTTP 410" }],
      tickets: [
        {
          accountId: leg.accountId,
          integrationId: leg.destination,
          incidentKey: "INC-1",
          ticketKey: "SEC-2",
          ticketId: "2",
          replaces: "SEC-1",
        },
      ],
      ticketBatch: "batch",
      putOff: [
        { deliveryId: leg.id, at: 5_000, lease: 61_000 },
        { deliveryId: leg.id, at: null, lease: 61_000, slot: null },
      ],
      permitHolder: "batch",
    });
    await reserveCalls(
      db,
      [
        { id: leg.destination, legs: 2, held: 0, needSlots: 2, intervalMs: 100, maxInFlight: 1, perPermit: 2 },
        { id: newId(), legs: 1, held: 0, needSlots: 1, intervalMs: 100, maxInFlight: null, perPermit: 1 },
      ],
      "batch",
      2_000,
      { deliveryIds: [leg.id], from: 1, until: 2 },
    );
    await unparkLegs(db, leg.accountId, leg.destination, 2_000, 10);
    await legsWaitingForEarlier(db, [leg.id]);
    await failDeliveries(db, [leg.id], 3_000, "kept crashing");
    await loadFanoutBatch(db, [leg.notificationId]);
    await openSuppressionWindows(
      db,
      [{ subscriptionId: newId(), key: "any", notificationId: leg.notificationId, windowMs: 1 }],
      4_000,
    );
    await writeFanout(db, [], [leg.notificationId], 5_000, [
      { notificationId: leg.notificationId, accountId: leg.accountId, decisions: [{ s: "S", d: "inactive" }] },
    ]);
    await findFanoutDecisions(db, leg.accountId, leg.notificationId);
    await deliveryStatistics(db, leg.accountId, 0, 10_000);
    const { job } = await createJob(db, {
      id: newId(),
      accountId: leg.accountId,
      integrationId: leg.destination,
      kind: "recover",
      since: 0,
      createdBy: "U",
      now: 6_000,
    });
    await advanceJob(db, job, 7_000, 500);
    capturing = false;

    const statements = captured.filter((statement) => !/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(sqlOf(statement)));
    expect(statements.length).toBeGreaterThanOrEqual(18);
    const offending: string[] = [];
    for (const statement of statements) {
      const sql = sqlOf(statement);
      const args = typeof statement === "string" ? [] : (statement.args ?? []);
      const plan = await db.$client.execute({ sql: `EXPLAIN QUERY PLAN ${sql}`, args });
      for (const row of plan.rows) {
        const detail = String(row.detail);
        if (FORBIDDEN.some((pattern) => pattern.test(detail))) {
          offending.push(`${detail}  <-  ${sql.replace(/\s+/g, " ").slice(0, 120)}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});

function sqlOf(statement: InStatement): string {
  return typeof statement === "string" ? statement : statement.sql;
}
