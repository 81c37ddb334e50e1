import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  type Client,
  createClient,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type ResultSet,
} from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { blob, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, describe, expect, it } from "vitest";
import { errorChain } from "../src/client";
import { createNativeClient } from "../src/native-client";
import { createNodeDb, migrateDb } from "../src/node";

const dir = mkdtempSync(join(tmpdir(), "herald-native-client-"));
const opened: Client[] = [];
afterAll(() => {
  for (const client of opened) client.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function freshUrl(): string {
  files += 1;
  return `file:${join(dir, `db-${files}.db`)}`;
}

type Kind = "@libsql/client" | "native";
const kinds: Kind[] = ["@libsql/client", "native"];

/** A client of `kind` on `url`: @libsql/client as createNodeDb used it (one connection), or the native one. */
function open(kind: Kind, url = freshUrl()): Client {
  const client = kind === "native" ? createNativeClient(url) : createClient({ url, concurrency: 1 });
  opened.push(client);
  return client;
}

const TABLE = `CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  score REAL,
  data BLOB,
  meta TEXT
)`;

async function withTable(kind: Kind): Promise<Client> {
  const client = open(kind);
  await client.execute(TABLE);
  return client;
}

/** Everything a caller can read from a result set, in plain values, so two clients' answers compare exactly. */
function observe(result: ResultSet) {
  return {
    columns: result.columns,
    columnTypes: result.columnTypes,
    rowsAffected: result.rowsAffected,
    lastInsertRowid: result.lastInsertRowid,
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
function observeError(error: unknown) {
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

async function failure(work: Promise<unknown>) {
  try {
    await work;
  } catch (error) {
    return observeError(error);
  }
  throw new Error("expected a failure");
}

/** Runs `scenario` against a fresh database on each client and returns both answers. */
async function onBoth<T>(scenario: (client: Client) => Promise<T>): Promise<{ reference: T; native: T }> {
  const reference = await scenario(await withTable("@libsql/client"));
  const native = await scenario(await withTable("native"));
  return { reference, native };
}

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

const items = sqliteTable("items", {
  id: integer("id").primaryKey(),
  name: text("name").notNull().unique(),
  score: real("score"),
  data: blob("data", { mode: "buffer" }),
  meta: text("meta", { mode: "json" }).$type<{ tags: string[]; nested?: { n: number } }>(),
});

describe("through drizzle, both clients give the same answers", () => {
  it("query builder, JSON columns, returning, upserts, prepared statements reused, batches, transactions", async () => {
    const answers = [];
    for (const kind of kinds) {
      const db = drizzle(await withTable(kind));
      const inserted = await db
        .insert(items)
        .values([
          { id: 1, name: "a", score: 1.5, data: Buffer.from([1, 2]), meta: { tags: ["x"], nested: { n: 1 } } },
          { id: 2, name: "b", meta: null },
        ])
        .returning();
      const ignored = await db.insert(items).values({ id: 1, name: "dup" }).onConflictDoNothing().returning();
      const upserted = await db
        .insert(items)
        .values({ id: 2, name: "b2" })
        .onConflictDoUpdate({ target: items.id, set: { name: "b2", score: 7 } })
        .returning({ id: items.id, name: items.name, score: items.score });
      const updated = await db.update(items).set({ score: 3 }).where(eq(items.id, 1));
      const byId = db
        .select()
        .from(items)
        .where(eq(items.id, sql.placeholder("id")))
        .prepare();
      const lookups = [];
      for (let i = 0; i < 300; i++) lookups.push(await byId.get({ id: (i % 3) + 1 }));
      const raw = await db.all(sql`SELECT id, name FROM items ORDER BY id`);
      const one = await db.get(sql`SELECT count(*) AS n FROM items`);
      const values = await db.values(sql`SELECT id, name FROM items ORDER BY id`);
      const batch = await db.batch([
        db.insert(items).values({ id: 3, name: "c" }).returning({ id: items.id }),
        db.update(items).set({ score: 0 }).where(eq(items.id, 3)),
        db.select({ id: items.id }).from(items),
      ]);
      const constraint = await db
        .insert(items)
        .values({ id: 4, name: "a" })
        .catch((error: unknown) => errorChain(error).map((e) => (e as { code?: string }).code));
      const rolledBack = await db
        .transaction(async (tx) => {
          await tx.insert(items).values({ id: 5, name: "e" });
          await tx.transaction(async (nested) => {
            await nested.insert(items).values({ id: 6, name: "f" });
          });
          throw new Error("undo");
        })
        .catch((error: Error) => error.message);
      const committed = await db.transaction(async (tx) => {
        await tx.insert(items).values({ id: 7, name: "g" });
        await tx
          .transaction(async (nested) => {
            await nested.insert(items).values({ id: 8, name: "h" });
            throw new Error("undo nested");
          })
          .catch(() => undefined);
        return tx.select({ id: items.id }).from(items);
      });
      const final = await db.select().from(items).orderBy(items.id);
      answers.push({
        inserted,
        ignored,
        upserted,
        updated: { rowsAffected: updated.rowsAffected, lastInsertRowid: updated.lastInsertRowid },
        lookups,
        raw,
        one,
        // drizzle hands the driver's rows through: read them by index
        values: values.map((row) => Array.prototype.slice.call(row)),
        batch: [batch[0], batch[1].rowsAffected, batch[2]],
        constraint,
        rolledBack,
        committed,
        final,
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    const native = answers[1];
    expect(native?.inserted[0]).toEqual({
      id: 1,
      name: "a",
      score: 1.5,
      data: Buffer.from([1, 2]),
      meta: { tags: ["x"], nested: { n: 1 } },
    });
    expect(native?.ignored).toEqual([]);
    expect(native?.upserted).toEqual([{ id: 2, name: "b2", score: 7 }]);
    expect(native?.lookups.slice(0, 3).map((row) => row?.id)).toEqual([1, 2, undefined]);
    expect(native?.lookups).toHaveLength(300);
    expect(native?.raw).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b2" },
    ]);
    expect(native?.one).toEqual({ n: 2 });
    expect(native?.values).toEqual([
      [1, "a"],
      [2, "b2"],
    ]);
    expect(native?.batch).toEqual([[{ id: 3 }], 1, [{ id: 1 }, { id: 2 }, { id: 3 }]]);
    expect(native?.constraint).toContain("SQLITE_CONSTRAINT");
    expect(native?.rolledBack).toBe("undo");
    expect(native?.final.map((row) => row.id)).toEqual([1, 2, 3, 7]);
  });

  it("migrations through createNodeDb build the same schema", async () => {
    const schemas = [];
    for (const kind of kinds) {
      const url = freshUrl();
      if (kind === "native") {
        const db = createNodeDb({ url });
        opened.push(db.$client);
        await migrateDb(db);
        await migrateDb(db);
      } else {
        const db = drizzle(open(kind, url));
        const { migrate } = await import("drizzle-orm/libsql/migrator");
        const { migrationsFolder } = await import("../src/node");
        await migrate(db, { migrationsFolder });
        await migrate(db, { migrationsFolder });
      }
      const reader = open("@libsql/client", url);
      schemas.push(observe(await reader.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")));
    }
    expect(schemas[1]).toEqual(schemas[0]);
    expect(schemas[1]?.rows.length).toBeGreaterThan(10);
  });

  it("opens the same file as @libsql/client for each form of file: URL, and :memory:", async () => {
    const forms = [
      (path: string) => `file:${path}`,
      (path: string) => `file://${path}`,
      (path: string) => `file://localhost${path}`,
      (path: string) => `file:${relative(process.cwd(), path)}`,
      (path: string) => `file:${path.replace(/ /g, "%20")}`,
    ];
    for (const [index, form] of forms.entries()) {
      const url = form(join(dir, `form ${index}.db`));
      const native = open("native", url);
      await native.execute("CREATE TABLE opened_by_native (id INTEGER)");
      const reference = open("@libsql/client", url);
      const tables = await reference.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
      expect(
        tables.rows.map((row) => row.name),
        url,
      ).toEqual(["opened_by_native"]);
    }
    const memory = createNodeDb({ url: ":memory:" });
    opened.push(memory.$client);
    await migrateDb(memory);
    expect(await memory.get(sql`SELECT count(*) AS n FROM accounts`)).toEqual({ n: 0 });
  });

  it("createNodeDb hands the client to wrapClient before drizzle", async () => {
    const seen: string[] = [];
    const db = createNodeDb(
      { url: freshUrl() },
      {
        wrapClient: (client) =>
          new Proxy(client, {
            get(target, property, receiver) {
              const value = Reflect.get(target, property, receiver);
              if (typeof value !== "function") return value;
              if (property !== "execute") return value.bind(target);
              return (stmt: InStatement) => {
                seen.push(typeof stmt === "string" ? stmt : stmt.sql);
                return value.call(target, stmt);
              };
            },
          }),
      },
    );
    opened.push(db.$client);
    expect(await db.get(sql`SELECT 41 + 1 AS answer`)).toEqual({ answer: 42 });
    expect(seen).toEqual(["SELECT 41 + 1 AS answer"]);
  });
});
