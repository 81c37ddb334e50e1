import type { ErrorCode, FailedSubscriber } from "@herald/contracts";
import { DatabaseUnreachableError, errorChain } from "@herald/db";
import { DrizzleQueryError } from "drizzle-orm";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import type { AppEnv } from "./env";
import { SecretBoxUnavailableError } from "./security/secret-box";
import { SettingsError } from "./settings";

export interface ApiErrorInit {
  status: ContentfulStatusCode;
  code: ErrorCode;
  details?: string | string[] | undefined;
  path?: string | undefined;
  /** Extra top-level fields of the error body, e.g. `subscribers_failed` or `unprocessed_items`. */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** An error with Herald's wire shape `{error, details?, path?}`; thrown by services, formatted once in `onError`. */
export class ApiError extends HTTPException {
  readonly code: ErrorCode;
  readonly details: string | string[] | undefined;
  readonly path: string | undefined;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(init: ApiErrorInit) {
    super(init.status, { message: init.code });
    this.code = init.code;
    this.details = init.details;
    this.path = init.path;
    this.extra = init.extra ?? {};
    this.headers = init.headers ?? {};
  }

  static notFound(what: string) {
    return new ApiError({ status: 404, code: "not_found", details: what });
  }

  static forbidden(details: string) {
    return new ApiError({ status: 403, code: "forbidden", details });
  }

  static unauthorized(details: string) {
    return new ApiError({ status: 401, code: "unauthorized", details });
  }

  static conflict(details: string) {
    return new ApiError({ status: 409, code: "conflict", details });
  }

  static invalid(path: string, details: string) {
    return new ApiError({ status: 400, code: "invalid_value", path, details });
  }

  static subscribersFailed(status: 400 | 403, failed: FailedSubscriber[]) {
    return new ApiError({
      status,
      code: "invalid_value",
      details: "some subscribers were rejected",
      extra: { subscribers_failed: failed },
    });
  }
}

export type ValidationTarget = "json" | "query" | "param" | "header" | "form" | "cookie";

const MISSING_CODES = new Set<string>(["invalid_type", "invalid_value", "invalid_union"]);

/** Herald's validation error for the first problem zod found: it names the field, as the definition's examples do. */
export function validationError(error: ZodError, input: unknown, target: ValidationTarget): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError({ status: 400, code: "invalid_json_schema" });
  const path = issue.path.map(String);
  const field = path.join(".");
  if (target === "query") {
    return new ApiError({ status: 400, code: "invalid_search_parameters", path: field, details: issue.message });
  }
  // A property that is absent: zod reports it as invalid_type, or as invalid_value for an enum (subscriber_type, action).
  const absent = MISSING_CODES.has(issue.code) && valueAt(input, issue.path) === undefined;
  if (absent) {
    // Shape of the definition's example: {path: "subscribers.0", error: "missing_required_property", details: "subscriber"}
    return new ApiError({
      status: 400,
      code: "missing_required_property",
      details: path.at(-1) ?? "body",
      path: path.length > 1 ? path.slice(0, -1).join(".") : undefined,
    });
  }
  const code: ErrorCode =
    issue.code === "invalid_type"
      ? "wrong_type"
      : issue.code === "unrecognized_keys"
        ? "unknown_property"
        : "invalid_value";
  return new ApiError({ status: 400, code, path: field || undefined, details: issue.message });
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Hono's own exceptions (bad JSON, wrong media type, ...) mapped to Herald codes. */
function fromHttpException(error: HTTPException): ApiError {
  const status = error.status;
  if (status === 400)
    return new ApiError({ status, code: "invalid_json", details: "the request body is not valid JSON" });
  if (status === 413) return new ApiError({ status, code: "payload_too_large" });
  if (status === 415) {
    return new ApiError({ status, code: "unsupported_media_type", details: "send the body as application/json" });
  }
  if (status === 401) return new ApiError({ status, code: "unauthorized" });
  return new ApiError({ status: status as ContentfulStatusCode, code: "invalid_value", details: error.message });
}

export function errorBody(error: ApiError, requestId: string | undefined) {
  return {
    error: error.code,
    ...(error.details !== undefined ? { details: error.details } : {}),
    ...(error.path !== undefined ? { path: error.path } : {}),
    ...error.extra,
    ...(requestId ? { request_id: requestId } : {}),
  };
}

export function respondWithError(c: Context<AppEnv>, error: ApiError) {
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(error, c.get("requestId")), error.status);
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return respondWithError(c, error);
  if (error instanceof HTTPException) return respondWithError(c, fromHttpException(error));
  if (error instanceof SecretBoxUnavailableError) {
    // A deployment without its encryption key: loud in the logs, 503 to the caller, and nothing stored in clear.
    console.error(
      JSON.stringify({
        level: "error",
        request_id: c.get("requestId"),
        error: "configuration",
        message: error.message,
      }),
    );
    return respondWithError(
      c,
      new ApiError({ status: 503, code: "service_unavailable", details: "Herald is not configured to store secrets" }),
    );
  }
  if (error instanceof SettingsError) {
    // A variable is missing or malformed: every request answers this, and logs the one line naming it, until the
    // deployment is fixed (Workers have no start hook to refuse to start instead).
    console.error(
      JSON.stringify({ level: "error", request_id: c.get("requestId"), error: "settings", message: error.message }),
    );
    return respondWithError(
      c,
      new ApiError({
        status: 503,
        code: "service_unavailable",
        details: "Herald's settings are invalid: its log names the variable",
      }),
    );
  }
  const unavailable = databaseUnavailable(error);
  if (unavailable) {
    console.warn(JSON.stringify({ level: "warn", request_id: c.get("requestId"), error: "database_unavailable" }));
    return respondWithError(c, unavailable);
  }
  // Unexpected: log the cause with the request id, answer without internals.
  console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), ...loggable(error) }));
  return respondWithError(c, new ApiError({ status: 500, code: "internal_error", details: "unexpected error" }));
};

// @libsql/client error codes that say the database is busy or out of reach, not that the statement is wrong:
// SQLite's lock errors relayed by the server, and streams the HTTP or WebSocket transport closed under us.
const UNAVAILABLE_CODES = new Set(["SQLITE_BUSY", "SQLITE_LOCKED", "HRANA_CLOSED_ERROR", "HRANA_WEBSOCKET_ERROR"]);

/**
 * True when `error` (or an error it wraps: drizzle puts the driver's error in `cause`) says the database is busy or
 * unreachable: worth retrying later, unlike a failing statement.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const current of errorChain(error)) {
    if (current instanceof DatabaseUnreachableError) return true;
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code !== "string") continue;
    if (UNAVAILABLE_CODES.has(code) || code.startsWith("SQLITE_BUSY_")) return true;
    // The server answered with an HTTP error: 5xx and 429 pass, 4xx (a revoked token, a bad URL) do not.
    if (code === "SERVER_ERROR") {
      const status = (cause as { status?: unknown } | undefined)?.status;
      return typeof status !== "number" || status >= 500 || status === 429;
    }
  }
  return false;
}

/** A busy or unreachable database is worth retrying: 503 with Retry-After, not a 500. */
function databaseUnavailable(error: Error): ApiError | undefined {
  if (!isDatabaseUnavailable(error)) return undefined;
  return new ApiError({
    status: 503,
    code: "service_unavailable",
    details: "the database is unavailable, retry later",
    headers: { "Retry-After": "5" },
  });
}

/**
 * An error as it may be logged. drizzle's query errors repeat every parameter of the statement in their message and
 * stack: notification data, e-mail addresses, sealed secrets. The statement and the cause say enough.
 */
export function loggable(error: unknown): { message: string; stack?: string | undefined } {
  if (!(error instanceof Error)) return { message: String(error) };
  if (!(error instanceof DrizzleQueryError)) return { message: String(error), stack: error.stack };
  const redact = (text: string) => text.replace(/\nparams: [\s\S]*?(?=\n\s+at |$)/, "\nparams: [not logged]");
  return {
    message: `${redact(String(error))} (cause: ${String(error.cause)})`,
    stack: error.stack === undefined ? undefined : redact(error.stack),
  };
}
