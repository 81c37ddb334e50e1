import { describe, expect, it } from "vitest";
import { clientFor, startTestServer } from "./helpers";

describe("execute", () => {
  it("inserts and selects, reporting last_insert_rowid and rowsAffected", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");

    const first = await client.execute({ sql: "INSERT INTO notes (text) VALUES (?)", args: ["one"] });
    const second = await client.execute({ sql: "INSERT INTO notes (text) VALUES (:text)", args: { text: "two" } });
    expect(first.rowsAffected).toBe(1);
    expect(first.lastInsertRowid).toBe(1n);
    expect(second.lastInsertRowid).toBe(2n);

    const updated = await client.execute("UPDATE notes SET text = upper(text)");
    expect(updated.rowsAffected).toBe(2);
    expect(updated.lastInsertRowid).toBeUndefined(); // sqld reports a rowid for INSERTs only

    const selected = await client.execute("SELECT id, text FROM notes ORDER BY id");
    expect(selected.columns).toEqual(["id", "text"]);
    expect(selected.columnTypes).toEqual(["INTEGER", "TEXT"]);
    expect(selected.rows.map((row) => ({ ...row }))).toEqual([
      { id: 1, text: "ONE" },
      { id: 2, text: "TWO" },
    ]);
    // changes() still says 2 after a SELECT; the server must not report it
    expect(selected.rowsAffected).toBe(0);

    const deleted = await client.execute({ sql: "DELETE FROM notes WHERE id = ?", args: [1] });
    expect(deleted.rowsAffected).toBe(1);
  });

  it("round-trips integer, float, text, blob and null", async () => {
    const client = clientFor(await startTestServer(), { intMode: "bigint" });
    await client.execute("CREATE TABLE vals (i INTEGER, f REAL, t TEXT, b BLOB, n ANY)");
    const big = 9_007_199_254_740_993n; // 2^53 + 1: survives only if integers travel as strings
    await client.execute({
      sql: "INSERT INTO vals VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)",
      args: [big, 2.5, "héllo ✓", new Uint8Array([0, 1, 255]), null, -7n, 2.0, "", new Uint8Array([]), null],
    });

    const result = await client.execute(
      "SELECT i, f, t, b, n, typeof(i) AS ti, typeof(f) AS tf, typeof(b) AS tb FROM vals ORDER BY rowid",
    );
    const [row, other] = result.rows;
    if (!row || !other) throw new Error("expected two rows");
    expect(row.i).toBe(big);
    expect(row.f).toBe(2.5);
    expect(row.t).toBe("héllo ✓");
    expect(new Uint8Array(row.b as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 255]));
    expect(row.n).toBeNull();
    expect([row.ti, row.tf, row.tb]).toEqual(["integer", "real", "blob"]);
    expect(other.i).toBe(-7n);
    // a REAL that happens to be whole must stay a float (bigint here would mean it was sent as an integer)
    expect(other.f).toBe(2);
    expect(typeof other.f).toBe("number");
    expect(other.t).toBe("");
    expect((other.b as ArrayBuffer).byteLength).toBe(0);
  });

  it("returns rows and the affected count for INSERT ... RETURNING", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT)");
    const result = await client.execute("INSERT INTO tags (name) VALUES ('a'), ('b') RETURNING id, name");
    expect(result.rows.map((row) => row.name)).toEqual(["a", "b"]);
    expect(result.rowsAffected).toBe(2);
    expect(result.lastInsertRowid).toBe(2n);
  });

  it("surfaces SQLite's error code and sqld's message wording", async () => {
    const client = clientFor(await startTestServer());
    await client.execute("CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT UNIQUE)");
    await client.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, account_id TEXT REFERENCES accounts (id))");
    await client.execute("INSERT INTO accounts VALUES ('a1', 'x@example.com')");

    await expect(client.execute("INSERT INTO accounts VALUES ('a2', 'x@example.com')")).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
      message: expect.stringContaining("SQLite error: UNIQUE constraint failed: accounts.email"),
    });
    await expect(client.execute("INSERT INTO accounts VALUES ('a1', 'y@example.com')")).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
    });
    // proves every connection runs with foreign_keys=ON
    await expect(client.execute("INSERT INTO users (account_id) VALUES ('missing')")).rejects.toMatchObject({
      code: "SQLITE_CONSTRAINT",
    });
    await expect(client.execute("SELEC 1")).rejects.toMatchObject({ code: "SQLITE_ERROR" });
  });
});
