import { describe, expect, it } from "vitest";
import { createNativeClient } from "../src/native-client";
import { failure, freshUrl, open, opened, TABLE, withTable } from "./native-client.setup";

// What the native client promises beyond @libsql/client: transactions kept apart, recovery after SQLITE_BUSY, bounds.

describe("the native client's own guarantees", () => {
  it("keeps other callers' statements out of an open transaction: they wait for it and are not rolled back", async () => {
    const client = await withTable("native");
    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO items (id, name) VALUES (1, 'inside')");
    const outside = client.execute("INSERT INTO items (id, name) VALUES (2, 'outside')");
    const count = client.execute("SELECT count(*) AS n FROM items");
    const nextTx = client.transaction("write");
    await tx.execute("INSERT INTO items (id, name) VALUES (3, 'inside too')");
    await tx.rollback();
    expect((await outside).rowsAffected).toBe(1);
    expect((await count).rows[0]?.n).toBe(1);
    const second = await nextTx;
    await second.execute("INSERT INTO items (id, name) VALUES (4, 'second')");
    const waiting = client.execute("SELECT id FROM items ORDER BY id");
    await second.commit();
    expect((await waiting).rows.map((row) => row.id)).toEqual([2, 4]);
  });

  it("where @libsql/client with one connection refuses calls during a transaction instead", async () => {
    const client = await withTable("@libsql/client");
    const tx = await client.transaction("write");
    expect(await failure(client.execute("SELECT 1"))).toMatchObject({ code: "TRANSACTION_ACTIVE" });
    await tx.rollback();
  });

  it("after SQLITE_BUSY, later writes commit (on a fresh connection with the same settings)", async () => {
    const url = freshUrl();
    const holder = open("native", url);
    await holder.execute(TABLE);
    const other = open("native", url);
    await other.execute("PRAGMA foreign_keys = OFF");
    await other.execute("PRAGMA cache_size = 1234");
    const lock = await holder.transaction("write");
    expect(await failure(other.execute("INSERT INTO items (id, name) VALUES (1, 'a')"))).toMatchObject({
      code: "SQLITE_BUSY",
    });
    await lock.commit();
    await other.execute("INSERT INTO items (id, name) VALUES (2, 'b')");
    await other.batch(["INSERT INTO items (id, name) VALUES (3, 'c')"]);
    expect((await holder.execute("SELECT id FROM items ORDER BY id")).rows.map((row) => row.id)).toEqual([2, 3]);
    expect((await other.execute("PRAGMA cache_size")).rows[0]?.[0]).toBe(1234);
    expect((await other.execute("PRAGMA foreign_keys")).rows[0]?.[0]).toBe(0);
  });

  it("a closed client fails the calls waiting for its transaction", async () => {
    const client = await withTable("native");
    await client.transaction("write");
    const waiting = client.execute("SELECT 1");
    client.close();
    expect(await failure(waiting)).toMatchObject({ code: "CLIENT_CLOSED" });
  });

  it("keeps at most its bound of statements and answers right past it", async () => {
    const url = freshUrl();
    const client = createNativeClient(url, { statementCacheSize: 4 });
    opened.push(client);
    await client.execute(TABLE);
    await client.execute("INSERT INTO items (id, name, score) VALUES (1, 'a', 10), (2, 'b', 20), (3, 'c', 30)");
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 10; i++) {
        const result = await client.execute({
          sql: `SELECT score + ${i} AS s FROM items WHERE id = ?`,
          args: [(i % 3) + 1],
        });
        expect(result.rows[0]?.s).toBe(((i % 3) + 1) * 10 + i);
        expect(client.cachedStatements).toBeLessThanOrEqual(4);
      }
    }
    expect(client.cachedStatements).toBe(4);
  });

  it("sees columns that a schema change added to a cached statement's table", async () => {
    const client = await withTable("native");
    await client.execute("INSERT INTO items (id, name) VALUES (1, 'a')");
    expect((await client.execute("SELECT * FROM items")).columns).toEqual(["id", "name", "score", "data", "meta"]);
    await client.execute("ALTER TABLE items ADD COLUMN extra TEXT DEFAULT 'x'");
    const after = await client.execute("SELECT * FROM items");
    expect(after.columns).toEqual(["id", "name", "score", "data", "meta", "extra"]);
    expect(after.rows[0]?.extra).toBe("x");
  });
});
