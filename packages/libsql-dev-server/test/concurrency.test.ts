import { setTimeout as sleep } from "node:timers/promises";
import type { Client } from "@libsql/client/web";
import { describe, expect, it } from "vitest";
import { clientFor, committedValues, countRows, pipeline, startTestServer } from "./helpers";

const HOLD_MS = 200;

async function createLog(client: Client): Promise<void> {
  await client.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, who TEXT NOT NULL)");
}

describe("concurrent writers", () => {
  it("lets a second write transaction wait for the first instead of failing with SQLITE_BUSY", async () => {
    const server = await startTestServer();
    const client = clientFor(server);
    await createLog(client);
    const events: string[] = [];
    const writer = async (name: string) => {
      const tx = await client.transaction("write"); // BEGIN IMMEDIATE, sent with the first statement
      await tx.execute({ sql: "INSERT INTO log (who) VALUES (?)", args: [name] });
      events.push(`${name} locked`);
      await sleep(HOLD_MS);
      await tx.commit();
      events.push(`${name} committed`);
    };

    const started = Date.now();
    await Promise.all([writer("a"), writer("b")]);

    // one held the write lock for HOLD_MS; the other got it only after that commit
    const [firstLocked, firstCommitted, secondLocked, secondCommitted] = events;
    const first = firstLocked?.split(" ")[0];
    const second = first === "a" ? "b" : "a";
    expect([firstLocked, firstCommitted, secondLocked, secondCommitted]).toEqual([
      `${first} locked`,
      `${first} committed`,
      `${second} locked`,
      `${second} committed`,
    ]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * HOLD_MS - 20);
    expect(await countRows(client, "log")).toBe(2);
  });

  it("lets a deferred transaction whose first statement writes wait as well", async () => {
    const server = await startTestServer();
    const client = clientFor(server);
    await createLog(client);
    const holder = await client.transaction("write");
    await holder.execute("INSERT INTO log (who) VALUES ('holder')");

    const deferred = await client.transaction("deferred");
    const waiting = deferred.execute("INSERT INTO log (who) VALUES ('deferred')");
    await sleep(HOLD_MS);
    await holder.commit();
    await waiting;
    await deferred.commit();

    expect(committedValues(server.path, "SELECT who FROM log ORDER BY id")).toEqual(["holder", "deferred"]);
  });

  it("lets a script (executeMultiple) wait, and applies it once", async () => {
    const server = await startTestServer();
    const client = clientFor(server);
    await createLog(client);
    const holder = await client.transaction("write");
    await holder.execute("INSERT INTO log (who) VALUES ('holder')");

    // the BEGIN succeeds before the first INSERT meets the lock, so each retry must undo it first
    const script = client.executeMultiple(
      "BEGIN; INSERT INTO log (who) VALUES ('script 1'); INSERT INTO log (who) VALUES ('script 2'); COMMIT;",
    );
    await sleep(HOLD_MS);
    await holder.commit();
    await script;

    expect(committedValues(server.path, "SELECT who FROM log ORDER BY id")).toEqual(["holder", "script 1", "script 2"]);
  });

  it("lands many parallel inserts made while a transaction holds the write lock", async () => {
    const client = clientFor(await startTestServer());
    await createLog(client);
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO log (who) VALUES ('tx')");

    const inserts = Array.from({ length: 60 }, (_, i) =>
      client.execute({ sql: "INSERT INTO log (who) VALUES (?)", args: [`parallel ${i}`] }),
    );
    await sleep(HOLD_MS);
    await tx.commit();
    const results = await Promise.all(inserts);

    expect(results.every((result) => result.rowsAffected === 1)).toBe(true);
    expect(await countRows(client, "log")).toBe(61);
  });

  it("answers SQLITE_BUSY once the busy timeout has passed", async () => {
    const server = await startTestServer({ busyTimeoutMs: 100 });
    const client = clientFor(server);
    await createLog(client);
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO log (who) VALUES ('holder')");

    const started = Date.now();
    await expect(client.execute("INSERT INTO log (who) VALUES ('waiter')")).rejects.toMatchObject({
      code: "SQLITE_BUSY",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);

    await tx.commit();
    await client.execute("INSERT INTO log (who) VALUES ('after')");
    expect(committedValues(server.path, "SELECT who FROM log ORDER BY id")).toEqual(["holder", "after"]);
  });
});

describe("stream expiry", () => {
  it("rolls back an abandoned transaction and releases its write lock", async () => {
    // a busy timeout shorter than the wait below: the later write can only succeed if the lock is gone
    const server = await startTestServer({ streamTtlMs: 150, busyTimeoutMs: 50 });
    const client = clientFor(server);
    await createLog(client);
    const abandoned = await client.transaction("write");
    await abandoned.execute("INSERT INTO log (who) VALUES ('abandoned')");

    await sleep(400);
    await client.execute("INSERT INTO log (who) VALUES ('later')");

    const rows = await client.execute("SELECT who FROM log");
    expect(rows.rows.map((row) => row.who)).toEqual(["later"]);
    await expect(abandoned.commit()).rejects.toMatchObject({ code: "STREAM_EXPIRED" });
  });
});

describe("statements that gave up on the lock", () => {
  it("fail a deferred transaction that lost the race fast, and leave nothing behind", async () => {
    const server = await startTestServer();
    const client = clientFor(server);
    await createLog(client);
    const writer = await client.transaction("write");
    await writer.execute("INSERT INTO log (who) VALUES ('writer')");
    const reader = await client.transaction("deferred");
    await reader.execute("SELECT count(*) FROM log"); // pins the reader's snapshot

    const started = Date.now();
    const lateWrite = reader.execute("INSERT INTO log (who) VALUES ('reader')");
    await sleep(100);
    await writer.commit();
    // once the writer commits, the reader's snapshot is stale: waiting out the busy timeout cannot help
    await expect(lateWrite).rejects.toMatchObject({
      code: "SQLITE_BUSY",
      message: expect.stringContaining("SQLite error"),
    });
    await expect(reader.commit()).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    expect(Date.now() - started).toBeLessThan(2_000);

    await client.execute("INSERT INTO log (who) VALUES ('after')");
    expect(committedValues(server.path, "SELECT who FROM log ORDER BY id")).toEqual(["writer", "after"]);
  });

  it("keep a stream usable outside a transaction: its next write really commits", async () => {
    const server = await startTestServer({ busyTimeoutMs: 50 });
    const client = clientFor(server);
    await createLog(client);
    const holder = await client.transaction("write");
    await holder.execute("INSERT INTO log (who) VALUES ('holder')");

    const insert = (who: string) => ({ type: "execute", stmt: { sql: `INSERT INTO log (who) VALUES ('${who}')` } });
    const first = await pipeline(fetch, server.url, null, [insert("gave up")]);
    expect(first.body.results[0]).toMatchObject({ type: "error", error: { code: "SQLITE_BUSY" } });
    await holder.commit();

    const second = await pipeline(fetch, server.url, first.body.baton, [insert("retried"), { type: "close" }]);
    expect(second.body.results[0]).toMatchObject({ type: "ok" });
    expect(committedValues(server.path, "SELECT who FROM log ORDER BY id")).toEqual(["holder", "retried"]);
  });
});
