import { describe, expect, it } from "vitest";
import { clientFor, countRows, startTestServer } from "./helpers";

// The shape drizzle-kit generates: statements separated by breakpoint markers.
const MIGRATION = `
CREATE TABLE \`accounts\` (
  \`id\` text PRIMARY KEY NOT NULL,
  \`name\` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE \`users\` (
  \`id\` text PRIMARY KEY NOT NULL,
  \`account_id\` text NOT NULL,
  \`email\` text,
  FOREIGN KEY (\`account_id\`) REFERENCES \`accounts\`(\`id\`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX \`users_account_idx\` ON \`users\` (\`account_id\`);
--> statement-breakpoint
CREATE UNIQUE INDEX \`users_email_unique\` ON \`users\` (\`email\`);
`;
const MIGRATION_STATEMENTS = MIGRATION.split("--> statement-breakpoint").map((sql) => sql.trim());

describe("batch", () => {
  it("runs every statement in one transaction and returns each result", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    // the repeated SQL text makes the client store it once (store_sql) and refer to it by sql_id
    const insert = "INSERT INTO items (name) VALUES (?)";
    const results = await client.batch(
      [{ sql: insert, args: ["a"] }, { sql: insert, args: ["b"] }, "SELECT name FROM items ORDER BY id"],
      "write",
    );
    expect(results.map((r) => r.rowsAffected)).toEqual([1, 1, 0]);
    expect(results.map((r) => r.lastInsertRowid)).toEqual([1n, 2n, undefined]);
    expect(results[2]?.rows.map((row) => row.name)).toEqual(["a", "b"]);
  });

  it("rolls the whole batch back when one statement fails", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
    const insert = "INSERT INTO items (name) VALUES (?)";
    const failing = client.batch(
      [
        { sql: insert, args: ["a"] },
        { sql: insert, args: ["b"] },
        { sql: insert, args: ["a"] },
      ],
      "write",
    );
    await expect(failing).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT", statementIndex: 2 });
    expect(await countRows(client, "items")).toBe(0);
  });
});

describe("interactive transactions", () => {
  it("commits across several HTTP requests on one stream", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");

    const tx = await client.transaction("write");
    await tx.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: ["a"] });
    // an error inside the transaction must not end it
    await expect(tx.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: ["a"] })).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
    });
    await tx.execute({ sql: "INSERT INTO items (name) VALUES (?)", args: ["b"] });
    const inside = await tx.execute("SELECT count(*) AS n FROM items");
    expect(inside.rows[0]?.n).toBe(2);
    await tx.commit();

    expect(await countRows(client, "items")).toBe(2);
  });

  it("rolls back", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    await client.execute("INSERT INTO items (name) VALUES ('kept')");

    const tx = await client.transaction("write");
    await tx.execute("INSERT INTO items (name) VALUES ('discarded')");
    await tx.execute("DELETE FROM items WHERE name = 'kept'");
    await tx.rollback();

    const rows = await client.execute("SELECT name FROM items");
    expect(rows.rows.map((row) => row.name)).toEqual(["kept"]);
  });
});

describe("migrations", () => {
  it("applies drizzle-style SQL with executeMultiple", async () => {
    const client = clientFor(await startTestServer());
    await client.executeMultiple(MIGRATION_STATEMENTS.join(";\n"));
    const objects = await client.execute("SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    expect(objects.rows.map((row) => row.name)).toEqual([
      "accounts",
      "users",
      "users_account_idx",
      "users_email_unique",
    ]);
  });

  it("applies drizzle-style SQL with migrate(), and leaves foreign keys on for the next stream", async () => {
    const client = clientFor(await startTestServer());
    // migrate() switches foreign keys off for the batch, on a connection that goes back to the pool
    await client.migrate(MIGRATION_STATEMENTS);
    await client.execute("INSERT INTO accounts VALUES ('a1', 'Acme')");
    await client.execute("INSERT INTO users VALUES ('u1', 'a1', 'x@example.com')");
    await expect(client.execute("INSERT INTO users VALUES ('u2', 'nope', 'y@example.com')")).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
    });
  });

  it("resets foreign keys on a pooled connection after a script that switched them off and failed", async () => {
    const client = clientFor(await startTestServer());
    await client.executeMultiple(MIGRATION_STATEMENTS.join(";\n"));
    await expect(client.executeMultiple("PRAGMA foreign_keys=OFF; SELECT * FROM no_such_table;")).rejects.toMatchObject(
      {
        code: "SQLITE_ERROR",
      },
    );
    await expect(client.execute("INSERT INTO users VALUES ('u2', 'nope', NULL)")).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
    });
  });
});
