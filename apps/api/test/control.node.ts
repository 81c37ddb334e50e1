// Runs in Node (from vitest.config.ts): switches tests flip through https://control.test, and what they read back.
// One control per test file (each file has its own miniflare and database), so files can run side by side.
//
// faulty-libsql.test is the test database behind a switch: the same libSQL server as libsql.test, which stays up for
// every other test, while a test that points LIBSQL_URL at faulty-libsql.test takes it down and brings it back.
//   POST /libsql/up                     serve every request
//   POST /libsql/http-503               answer HTTP 503 (a server or proxy in trouble)
//   POST /libsql/busy                   answer every statement with SQLITE_BUSY, as a server whose lock is held
//   POST /libsql/hung                   accept every request and answer none in time (a 503 after HUNG_HOLD_MS,
//                                       long past the Worker's LIBSQL_TIMEOUT_MS, so nothing is left hanging)
//   POST /libsql/<mode>?after=N         serve N more requests, then behave as <mode>
//   GET  /libsql                        {mode, served, refused}
// (A refused or reset connection cannot be made here: miniflare turns an error thrown by the outbound service into an
// HTTP 500. test/database-faults.test.ts makes those inside the Worker's isolate, at its fetch.)
// counted-libsql.test is the test database again, counting what reaches it, so a test can hold a consumer to a number
// of round trips (HTTP pipeline requests) and statements (what the requests execute, transaction control aside).
//   GET  /database-calls                {requests, statements}
//   POST /database-calls/reset
// Outbound requests to hosts no fake serves are refused with 599 and recorded here, so a test can prove that Herald
// made no call to an address it must not reach.
//   GET  /outbound                      [{method, url, at}]

export const CONTROL_HOST = "control.test";
export const FAULTY_LIBSQL_HOST = "faulty-libsql.test";
export const COUNTED_LIBSQL_HOST = "counted-libsql.test";

type Mode = "up" | "http-503" | "busy" | "hung";
const MODES: Mode[] = ["up", "http-503", "busy", "hung"];
const HUNG_HOLD_MS = 2_000;

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|END)\b/i;

interface Statement {
  sql?: string;
  sql_id?: number;
}

interface PipelineBody {
  requests?: Array<{
    type: string;
    sql?: string;
    sql_id?: number;
    stmt?: Statement;
    batch?: { steps?: Array<{ stmt?: Statement }> };
  }>;
}

export type TestControl = ReturnType<typeof createControl>;

/** The switches and counters of one test file. */
export function createControl() {
  const libsql = { mode: "up" as Mode, servedBeforeFault: Number.POSITIVE_INFINITY, served: 0, refused: 0 };
  const blocked: Array<{ method: string; url: string; at: number }> = [];
  const databaseCalls = { requests: 0, statements: 0 };

  async function control(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const [, area, mode] = url.pathname.split("/");
    if (area === "outbound" && request.method === "GET") return json(blocked);
    if (area === "libsql" && request.method === "GET") return json(libsql);
    if (area === "database-calls" && request.method === "GET") return json(databaseCalls);
    if (area === "database-calls" && request.method === "POST" && mode === "reset") {
      databaseCalls.requests = 0;
      databaseCalls.statements = 0;
      return json(databaseCalls);
    }
    if (area === "libsql" && request.method === "POST" && MODES.includes(mode as Mode)) {
      libsql.mode = mode as Mode;
      const after = Number(url.searchParams.get("after") ?? "0");
      libsql.servedBeforeFault = Number.isInteger(after) && after > 0 ? after : 0;
      libsql.served = 0;
      libsql.refused = 0;
      return json(libsql);
    }
    return json({ error: `unknown control ${request.method} ${url.pathname}` }, 404);
  }

  /** What faulty-libsql.test does with `request` right now: undefined to pass it to the real server, or its answer. */
  async function libsqlFault(request: Request): Promise<Response | undefined> {
    if (libsql.mode === "up") return undefined;
    // The busy server still answers its version probe (GET); only statements meet the held lock.
    if (libsql.mode === "busy" && request.method !== "POST") return undefined;
    if (libsql.servedBeforeFault > 0) {
      libsql.servedBeforeFault--;
      libsql.served++;
      return undefined;
    }
    libsql.refused++;
    if (libsql.mode === "http-503") return new Response("upstream unavailable", { status: 503 });
    if (libsql.mode === "hung") {
      await new Promise((resolve) => setTimeout(resolve, HUNG_HOLD_MS));
      return new Response("held past the caller's deadline", { status: 503 });
    }
    // busy: a Hrana pipeline answer whose every step failed with SQLITE_BUSY.
    const body = request.method === "POST" ? ((await request.json()) as { requests?: unknown[] }) : {};
    const error = { message: "database is locked", code: "SQLITE_BUSY" };
    return json({
      baton: null,
      base_url: null,
      results: (body.requests ?? []).map(() => ({ type: "error", error })),
    });
  }

  /** Counts one request to counted-libsql.test: a pipeline POST is one round trip. */
  async function countDatabaseCall(request: Request): Promise<void> {
    if (request.method !== "POST") return;
    databaseCalls.requests += 1;
    const body = (await request.json()) as PipelineBody;
    // The client sends each SQL text once per stream (store_sql) and refers to it by id.
    const stored = new Map<number, string>();
    for (const step of body.requests ?? []) {
      if (step.type === "store_sql" && step.sql_id !== undefined && step.sql !== undefined)
        stored.set(step.sql_id, step.sql);
      const statements =
        step.type === "execute"
          ? [step.stmt]
          : step.type === "batch"
            ? (step.batch?.steps ?? []).map((s) => s.stmt)
            : [];
      for (const statement of statements) {
        if (!statement) continue;
        const sql = statement.sql ?? (statement.sql_id === undefined ? undefined : stored.get(statement.sql_id));
        if (!TRANSACTION_CONTROL.test(sql ?? "")) databaseCalls.statements += 1;
      }
    }
  }

  function recordBlocked(request: Request): void {
    blocked.push({ method: request.method, url: request.url, at: Date.now() });
  }

  return { control, libsqlFault, countDatabaseCall, recordBlocked };
}
