import { createClient } from "@libsql/client/web";
import { describe, expect, it, onTestFinished } from "vitest";
import { createLibsqlHandler, type LibsqlHandler } from "../src/index";
import { clientFor, pipeline, startTestServer, tempDbPath } from "./helpers";

// Any host works in-process: the handler only looks at the path, as under miniflare's outboundService.
const BASE_URL = "http://libsql.test";

function inProcessHandler(options: { streamTtlMs?: number } = {}): LibsqlHandler {
  const handler = createLibsqlHandler({ path: tempDbPath(), ...options });
  onTestFinished(() => handler.close());
  return handler;
}

describe("in-process handler", () => {
  it("serves @libsql/client through a custom fetch, with no port", async () => {
    const handler = inProcessHandler();
    const client = createClient({ url: BASE_URL, fetch: handler.fetch });
    onTestFinished(() => client.close());
    await client.execute("CREATE TABLE t (x TEXT)");
    await client.execute({ sql: "INSERT INTO t VALUES (?)", args: ["in-process"] });
    const result = await client.execute("SELECT x FROM t");
    expect(result.rows[0]?.x).toBe("in-process");
  });

  it("answers the version probe and the health check", async () => {
    const handler = inProcessHandler();
    expect((await handler.fetch(new Request(`${BASE_URL}/v2`))).status).toBe(200);
    expect((await handler.fetch(new Request(`${BASE_URL}/health`))).status).toBe(200);
    // the client probes v3 first when asked for it, and must fall back to v2
    expect((await handler.fetch(new Request(`${BASE_URL}/v3-protobuf`))).status).toBe(404);
  });

  it("rejects malformed pipeline bodies with 400 and a JSON error", async () => {
    const handler = inProcessHandler();
    for (const body of ["{not json", "[]", JSON.stringify({ baton: null }), JSON.stringify({ requests: [42] })]) {
      const response = await handler.fetch(new Request(`${BASE_URL}/v2/pipeline`, { method: "POST", body }));
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toMatchObject({ code: "PROTOCOL_ERROR", message: expect.any(String) });
    }
  });

  it("rejects an unknown baton with 400 STREAM_EXPIRED", async () => {
    const handler = inProcessHandler();
    const result = await pipeline(handler.fetch, BASE_URL, "not-a-baton", [{ type: "get_autocommit" }]);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ code: "STREAM_EXPIRED" });
  });

  it("keeps a stream across requests with a new baton each time, and refuses a reused one", async () => {
    const handler = inProcessHandler();
    const opened = await pipeline(handler.fetch, BASE_URL, null, [
      { type: "execute", stmt: { sql: "BEGIN" } },
      { type: "get_autocommit" },
    ]);
    expect(opened.body.results[1]).toEqual({ type: "ok", response: { type: "get_autocommit", is_autocommit: false } });
    const baton = opened.body.baton;
    expect(baton).toEqual(expect.any(String));

    const next = await pipeline(handler.fetch, BASE_URL, baton, [{ type: "get_autocommit" }]);
    expect(next.body.results[0]).toMatchObject({ response: { is_autocommit: false } }); // same connection
    expect(next.body.baton).not.toBe(baton);
    expect((await pipeline(handler.fetch, BASE_URL, baton, [{ type: "get_autocommit" }])).status).toBe(400);

    const closed = await pipeline(handler.fetch, BASE_URL, next.body.baton, [
      { type: "close" },
      { type: "get_autocommit" },
    ]);
    expect(closed.body.baton).toBeNull();
    expect(closed.body.results[1]).toMatchObject({ type: "error", error: { code: "STREAM_CLOSED" } });
  });

  it("runs stored SQL, named arguments, describe and batch conditions", async () => {
    const handler = inProcessHandler();
    const integer = (value: number) => ({ type: "integer", value: String(value) });
    const { body } = await pipeline(handler.fetch, BASE_URL, null, [
      { type: "execute", stmt: { sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)" } },
      { type: "store_sql", sql_id: 1, sql: "INSERT INTO t (id, name) VALUES (:id, $name)" },
      {
        type: "execute",
        stmt: {
          sql_id: 1,
          named_args: [
            { name: ":id", value: integer(7) },
            { name: "$name", value: { type: "text", value: "seven" } },
          ],
        },
      },
      { type: "describe", sql: "SELECT id, name FROM t" },
      {
        type: "batch",
        batch: {
          steps: [
            {
              stmt: {
                sql_id: 1,
                named_args: [
                  { name: "id", value: integer(8) },
                  { name: "name", value: { type: "text", value: "seven" } },
                ],
              },
            },
            { condition: { type: "error", step: 0 }, stmt: { sql: "SELECT 'ran after error'" } },
            { condition: { type: "ok", step: 0 }, stmt: { sql: "SELECT 'skipped'" } },
            {
              condition: {
                type: "and",
                conds: [{ type: "is_autocommit" }, { type: "not", cond: { type: "ok", step: 2 } }],
              },
              stmt: { sql: "SELECT 1" },
            },
          ],
        },
      },
      { type: "close_sql", sql_id: 1 },
      { type: "execute", stmt: { sql_id: 1 } },
      { type: "close" },
    ]);
    const [, stored, inserted, described, batch, closedSql, missing] = body.results;
    expect(stored).toEqual({ type: "ok", response: { type: "store_sql" } });
    expect(inserted).toMatchObject({
      type: "ok",
      response: { result: { affected_row_count: 1, last_insert_rowid: "7" } },
    });
    expect(described).toMatchObject({
      response: {
        result: {
          cols: [
            { name: "id", decltype: "INTEGER" },
            { name: "name", decltype: "TEXT" },
          ],
          is_readonly: true,
        },
      },
    });
    expect(batch).toMatchObject({
      type: "ok",
      response: {
        result: {
          step_results: [
            null,
            { rows: [[{ type: "text", value: "ran after error" }]] },
            null,
            { rows: [[integer(1)]] },
          ],
          step_errors: [{ code: "SQLITE_CONSTRAINT" }, null, null, null],
        },
      },
    });
    expect(closedSql).toEqual({ type: "ok", response: { type: "close_sql" } });
    expect(missing).toMatchObject({ type: "error", error: { code: "SQL_NOT_FOUND" } });
  });

  it("rejects bad arguments per request, and still runs the rest of the pipeline", async () => {
    const handler = inProcessHandler();
    const select = (stmt: object) => ({ type: "execute", stmt: { sql: "SELECT ? AS x", ...stmt } });
    const { status, body } = await pipeline(handler.fetch, BASE_URL, null, [
      select({ args: [{ type: "integer", value: "9223372036854775808" }] }), // one past the 64-bit range
      select({ args: [{ type: "decimal", value: "1.5" }] }),
      select({ args: [{ type: "null" }], named_args: [{ name: "x", value: { type: "null" } }] }),
      select({ args: [{ type: "integer", value: "-9223372036854775808" }] }),
      { type: "no_such_request" },
      { type: "close" },
    ]);
    expect(status).toBe(200);
    expect(body.results.map((result) => (result.type === "error" ? result.error.code : "ok"))).toEqual([
      "ARGS_INVALID",
      "ARGS_INVALID",
      "ARGS_BOTH_POSITIONAL_AND_NAMED",
      "ok",
      "PROTOCOL_ERROR",
      "ok",
    ]);
    expect(body.results[3]).toMatchObject({
      response: { result: { rows: [[{ type: "integer", value: "-9223372036854775808" }]] } },
    });
  });

  it("answers requests after close() with an error instead of crashing", async () => {
    const handler = createLibsqlHandler({ path: tempDbPath() });
    const opened = await pipeline(handler.fetch, BASE_URL, null, [{ type: "execute", stmt: { sql: "BEGIN" } }]);
    handler.close();
    expect((await pipeline(handler.fetch, BASE_URL, opened.body.baton, [{ type: "get_autocommit" }])).status).toBe(503);
  });
});

describe("bearer token", () => {
  it("requires the configured token on the pipeline endpoint only", async () => {
    const server = await startTestServer({ authToken: "s3cret" });

    const anonymous = await fetch(`${server.url}/v2/pipeline`, {
      method: "POST",
      body: JSON.stringify({ baton: null, requests: [] }),
    });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: "UNAUTHORIZED" });
    await expect(clientFor(server, { authToken: "wrong" }).execute("SELECT 1")).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });

    const result = await clientFor(server, { authToken: "s3cret" }).execute("SELECT 1 AS one");
    expect(result.rows[0]?.one).toBe(1);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
