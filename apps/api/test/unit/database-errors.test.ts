import { DatabaseUnreachableError } from "@herald/db";
import { LibsqlError } from "@libsql/client/web";
import { DrizzleQueryError } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, loggable } from "../../src/errors";

// The errors @libsql/client and drizzle really throw, wrapped as they wrap them (drizzle puts the driver's error in
// `cause`; batches come unwrapped). test/database-faults.test.ts makes them happen against a real server.
const query = (cause: unknown) => new DrizzleQueryError("select 1", [], cause as Error);
const libsql = (code: string, cause?: unknown) =>
  new LibsqlError(`${code}: failed`, code, undefined, undefined, cause as Error);
const httpStatus = (status: number) => Object.assign(new Error(`Server returned HTTP status ${status}`), { status });

describe("isDatabaseUnavailable", () => {
  it.each([
    ["a refused or reset connection", query(new DatabaseUnreachableError("x", { cause: new TypeError("lost") }))],
    ["the same from a batch (not wrapped)", new DatabaseUnreachableError("x")],
    ["SQLITE_BUSY", query(libsql("SQLITE_BUSY"))],
    ["SQLITE_BUSY_SNAPSHOT", libsql("SQLITE_BUSY_SNAPSHOT")],
    ["SQLITE_LOCKED", query(libsql("SQLITE_LOCKED"))],
    ["a stream the transport closed", query(libsql("HRANA_CLOSED_ERROR"))],
    ["a dropped WebSocket", libsql("HRANA_WEBSOCKET_ERROR")],
    ["HTTP 503 from the server", query(libsql("SERVER_ERROR", httpStatus(503)))],
    ["HTTP 500 from the server", libsql("SERVER_ERROR", httpStatus(500))],
    ["HTTP 429 from the server", query(libsql("SERVER_ERROR", httpStatus(429)))],
  ])("says yes for %s", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a constraint violation", query(libsql("SQLITE_CONSTRAINT_UNIQUE"))],
    ["a syntax error", query(libsql("SQLITE_ERROR"))],
    ["HTTP 401 (a revoked token: retrying will not help)", query(libsql("SERVER_ERROR", httpStatus(401)))],
    ["HTTP 404 (a wrong URL)", libsql("SERVER_ERROR", httpStatus(404))],
    ["a TypeError of our own", new TypeError("Cannot read properties of undefined")],
    // The former detection matched messages; a message that mentions the network is not a database outage.
    ["an error whose message says network", new Error("network policy rejected the value")],
    ["an error whose message says fetch failed", new Error("fetch failed for the webhook")],
    ["something that is not an Error", "SQLITE_BUSY"],
    ["undefined", undefined],
  ])("says no for %s", (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("stops on a cause cycle", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});

describe("loggable", () => {
  it("keeps the statement and the cause of a failed query, and leaves its parameters out", () => {
    const error = new DrizzleQueryError(
      'insert into "users" ("email") values (?)',
      ["ada@acme.example", "enc:v1:k:iv:ct\nsecond line"],
      libsql("SQLITE_CONSTRAINT_UNIQUE"),
    );
    const logged = loggable(error);
    const text = JSON.stringify(logged);
    expect(text).toContain('insert into \\"users\\"');
    expect(text).toContain("SQLITE_CONSTRAINT_UNIQUE");
    expect(text).toContain("params: [not logged]");
    expect(text).not.toContain("ada@acme.example");
    expect(text).not.toContain("enc:v1");
    expect(text).not.toContain("second line");
    expect(logged.stack).toMatch(/\n\s+at /);
  });

  it("logs other errors as they are", () => {
    const error = new Error("boom");
    expect(loggable(error)).toEqual({ message: "Error: boom", stack: error.stack });
    expect(loggable("text")).toEqual({ message: "text" });
  });
});
