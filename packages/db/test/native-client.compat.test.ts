import type { InValue } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { failure, freshUrl, kinds, observe, observeError, onBoth, open, TABLE } from "./native-client.setup";

// The native client answers as @libsql/client does, statement by statement.

describe("the native client answers as @libsql/client does", () => {
  it("selects: rows by index and by name, columns, types, duplicate and odd column names", async () => {
    const { reference, native } = await onBoth(async (client) => {
      await client.execute({ sql: "INSERT INTO items (id, name, score) VALUES (?, ?, ?)", args: [1, "a", 1.5] });
      await client.execute({ sql: "INSERT INTO items (id, name, score) VALUES (?, ?, ?)", args: [2, "b", null] });
      return [
        observe(await client.execute("SELECT id, name, score FROM items ORDER BY id")),
        observe(await client.execute("SELECT * FROM items WHERE id = 99")),
        observe(await client.execute("SELECT 1 AS a, 2 AS a, 3 AS length, 4 AS '0', count(*) AS n FROM items")),
        observe(await client.execute({ sql: "SELECT name FROM items WHERE id = :id", args: { ":id": 2 } })),
        observe(await client.execute({ sql: "SELECT name FROM items WHERE id = $id", args: { id: 1 } })),
      ];
    });
    expect(native).toEqual(reference);
    expect(native[0]?.rows[0]).toMatchObject({ byIndex: [1, "a", 1.5], byName: { id: 1, name: "a", score: 1.5 } });
    expect(native[0]?.columnTypes).toEqual(["INTEGER", "TEXT", "REAL"]);
    expect(native[2]?.rows[0]?.byIndex).toEqual([1, 2, 3, 4, 2]);
    expect(native[2]?.rows[0]?.keys).toEqual(["a", "n"]);
  });

  it("writes: rowsAffected, lastInsertRowid, and RETURNING rows", async () => {
    const { reference, native } = await onBoth(async (client) => [
      observe(await client.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: ["a"] })),
      observe(await client.execute({ sql: "INSERT INTO items (name) VALUES (?), (?)", args: ["b", "c"] })),
      observe(await client.execute("UPDATE items SET score = 2 WHERE id > 1")),
      observe(await client.execute("UPDATE items SET score = 2 WHERE id > 100")),
      observe(await client.execute({ sql: "INSERT INTO items (name) VALUES (?) RETURNING id, name", args: ["d"] })),
      observe(await client.execute("DELETE FROM items WHERE id < 3")),
    ]);
    expect(native).toEqual(reference);
    expect(native.map((r) => [r.rowsAffected, r.lastInsertRowid])).toEqual([
      [1, 1n],
      [2, 3n],
      [2, 3n],
      [0, 3n],
      [0, undefined],
      [2, 4n],
    ]);
    expect(native[4]?.rows[0]?.byName).toEqual({ id: 4, name: "d" });
  });

  it("values: null, blob, real, integer, bigint, boolean and date arguments", async () => {
    const bytes = new Uint8Array([0, 1, 2, 255]);
    const { reference, native } = await onBoth(async (client) => {
      const insert = "INSERT INTO items (id, name, score, data, meta) VALUES (?, ?, ?, ?, ?)";
      await client.execute({ sql: insert, args: [1, "null", null, null, null] });
      await client.execute({ sql: insert, args: [2, "blob", 0.25, bytes, "x"] });
      await client.execute({ sql: insert, args: [3, "arraybuffer", -1e300, bytes.buffer, "y"] });
      await client.execute({ sql: insert, args: [4n, "bigint", 3, null, 2n ** 53n - 1n] });
      await client.execute({ sql: insert, args: [5, "boolean", true, null, false] });
      await client.execute({ sql: insert, args: [6, "date", new Date(1_700_000_000_000), null, null] });
      await client.execute({ sql: insert, args: [2n ** 60n, "huge", null, null, null] });
      const all = observe(await client.execute("SELECT id, name, score, data, meta FROM items WHERE id < 100"));
      const huge = await failure(client.execute("SELECT id FROM items WHERE name = 'huge'"));
      const hugeRange = await client.execute("SELECT id FROM items WHERE name = 'huge'").catch((e) => e);
      const infinite = await client
        .execute({ sql: insert, args: [8, "inf", Number.POSITIVE_INFINITY, null, null] })
        .catch((e) => e);
      const withUndefined = [9, "undefined", undefined, null, null] as unknown as InValue[];
      const undef = await client.execute({ sql: insert, args: withUndefined }).catch((e) => e);
      const tooBig = await client
        .execute({ sql: insert, args: [2n ** 64n, "too big", null, null, null] })
        .catch((e) => e);
      return {
        all,
        huge,
        hugeRange: hugeRange instanceof RangeError,
        errors: [infinite, undef, tooBig].map((e) => [(e as Error).constructor.name, (e as Error).message]),
      };
    });
    expect(native).toEqual(reference);
    expect(native.all.rows.map((row) => row.byIndex)).toEqual([
      [1, "null", null, null, null],
      [2, "blob", 0.25, { arrayBuffer: "000102ff" }, "x"],
      [3, "arraybuffer", -1e300, { arrayBuffer: "000102ff" }, "y"],
      [4, "bigint", 3, null, "9007199254740991"],
      // the driver binds every JS number as a REAL: false becomes 0, which a TEXT column stores as "0.0"
      [5, "boolean", 1, null, "0.0"],
      [6, "date", 1_700_000_000_000, null, null],
    ]);
    expect(native.hugeRange).toBe(true);
    expect(native.errors.map(([name]) => name)).toEqual(["RangeError", "TypeError", "RangeError"]);
  });

  it("constraint and syntax errors: LibsqlError with the same codes, the driver's error as cause", async () => {
    const { reference, native } = await onBoth(async (client) => {
      await client.execute("INSERT INTO items (id, name) VALUES (1, 'a')");
      return [
        await failure(client.execute("INSERT INTO items (id, name) VALUES (1, 'b')")),
        await failure(client.execute("INSERT INTO items (id, name) VALUES (2, 'a')")),
        await failure(client.execute("INSERT INTO items (id) VALUES (3)")),
        await failure(client.execute("SELEC 1")),
        await failure(client.execute("SELECT nope FROM items")),
        // the failed statement is prepared again, and still answers
        observe(await client.execute("SELECT count(*) AS n FROM items")),
      ];
    });
    expect(native).toEqual(reference);
    expect(native.slice(0, 3)).toMatchObject([
      {
        isLibsqlError: true,
        code: "SQLITE_CONSTRAINT",
        extendedCode: "SQLITE_CONSTRAINT_PRIMARYKEY",
        cause: { name: "SqliteError", code: "SQLITE_CONSTRAINT_PRIMARYKEY" },
      },
      { code: "SQLITE_CONSTRAINT", extendedCode: "SQLITE_CONSTRAINT_UNIQUE" },
      { code: "SQLITE_CONSTRAINT", extendedCode: "SQLITE_CONSTRAINT_NOTNULL" },
    ]);
    expect(native[3]).toMatchObject({ isLibsqlError: true, code: "SQLITE_ERROR" });
  });

  it("batches: results in order, one transaction, a failure rolls back the earlier statements", async () => {
    const { reference, native } = await onBoth(async (client) => {
      const results = await client.batch(
        [
          { sql: "INSERT INTO items (id, name) VALUES (?, ?)", args: [1, "a"] },
          ["INSERT INTO items (id, name) VALUES (?, ?)", [2, "b"]],
          "SELECT id, name FROM items ORDER BY id",
        ],
        "write",
      );
      const failed = await failure(
        client.batch([
          "INSERT INTO items (id, name) VALUES (3, 'c')",
          "UPDATE items SET score = 9",
          "INSERT INTO items (id, name) VALUES (4, 'a')",
          "INSERT INTO items (id, name) VALUES (5, 'e')",
        ]),
      );
      const after = observe(await client.execute("SELECT id, name, score FROM items ORDER BY id"));
      const read = (await client.batch(["SELECT count(*) AS n FROM items"], "read")).map(observe);
      // local libSQL does not refuse writes in a READONLY transaction; whatever it does, both clients must agree
      const writeInRead = await client
        .batch(["INSERT INTO items (id, name) VALUES (6, 'f')"], "read")
        .then((results) => results.map(observe), observeError);
      return { results: results.map(observe), failed, after, read, writeInRead };
    });
    expect(native).toEqual(reference);
    expect(native.failed).toMatchObject({ isBatchError: true, code: "SQLITE_CONSTRAINT", statementIndex: 2 });
    expect(native.after.rows.map((row) => row.byIndex)).toEqual([
      [1, "a", null],
      [2, "b", null],
    ]);
    expect(native.results[2]?.rows).toHaveLength(2);
  });

  it("interactive transactions: commit, rollback, statements after a failure, a closed transaction", async () => {
    const { reference, native } = await onBoth(async (client) => {
      const committed = await client.transaction("write");
      await committed.execute("INSERT INTO items (id, name) VALUES (1, 'a')");
      const inside = observe(await committed.execute("SELECT count(*) AS n FROM items"));
      const failedInside = await failure(committed.execute("INSERT INTO items (id, name) VALUES (1, 'again')"));
      const batch = (
        await committed.batch(["INSERT INTO items (id, name) VALUES (2, 'b')", "SELECT max(id) AS m FROM items"])
      ).map(observe);
      await committed.commit();
      const afterCommit = await failure(committed.execute("SELECT 1"));

      const rolledBack = await client.transaction();
      await rolledBack.execute("INSERT INTO items (id, name) VALUES (3, 'c')");
      await rolledBack.rollback();

      const closed = await client.transaction("deferred");
      await closed.execute("INSERT INTO items (id, name) VALUES (4, 'd')");
      closed.close();

      const rows = observe(await client.execute("SELECT id FROM items ORDER BY id"));
      return { inside, failedInside, batch, afterCommit, closedFlags: [committed.closed, closed.closed], rows };
    });
    expect(native).toEqual(reference);
    expect(native.rows.rows.map((row) => row.byIndex)).toEqual([[1], [2]]);
    expect(native.afterCommit.code).toBe("TRANSACTION_CLOSED");
  });

  it("a bare BEGIN through execute does not leave a transaction open", async () => {
    const { reference, native } = await onBoth(async (client) => {
      await client.execute("BEGIN");
      await client.execute("INSERT INTO items (id, name) VALUES (1, 'a')");
      await client.executeMultiple("BEGIN; INSERT INTO items (id, name) VALUES (2, 'b');");
      return observe(await client.execute("SELECT id FROM items"));
    });
    expect(native).toEqual(reference);
    expect(native.rows.map((row) => row.byIndex)).toEqual([[1]]);
  });

  it("close: closed, later calls fail with CLIENT_CLOSED, closing twice is harmless", async () => {
    const { reference, native } = await onBoth(async (client) => {
      client.close();
      client.close();
      return {
        closed: client.closed,
        execute: await failure(client.execute("SELECT 1")),
        batch: await failure(client.batch(["SELECT 1"])),
        transaction: await failure(client.transaction()),
      };
    });
    expect(native).toEqual(reference);
    expect(native.closed).toBe(true);
    expect(native.execute.code).toBe("CLIENT_CLOSED");
  });

  it("SQLITE_BUSY while another connection holds the write lock", async () => {
    const answers = [];
    for (const kind of kinds) {
      const url = freshUrl();
      const holder = open(kind, url);
      await holder.execute(TABLE);
      const lock = await holder.transaction("write");
      answers.push(await failure(open(kind, url).execute("INSERT INTO items (id, name) VALUES (1, 'a')")));
      await lock.commit();
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]).toMatchObject({ isLibsqlError: true, code: "SQLITE_BUSY", cause: { code: "SQLITE_BUSY" } });
  });
});
