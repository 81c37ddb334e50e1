import { join, relative } from "node:path";
import type { InStatement } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { blob, integer, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import { errorChain } from "../src/client";
import { createNodeDb, migrateDb } from "../src/node";
import { dir, freshUrl, kinds, observe, open, opened, withTable } from "./native-client.setup";

// Both clients under drizzle, migrations and createNodeDb.

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
