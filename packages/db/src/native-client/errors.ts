import { LibsqlBatchError, LibsqlError } from "@libsql/client";
import Database from "libsql";

export function clientClosed(): LibsqlError {
  return new LibsqlError("The client is closed", "CLIENT_CLOSED");
}

/** The driver's SqliteError as @libsql/client reports it: the base code, the extended one, the original as cause. */
export function libsqlError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const { code: extendedCode, rawCode } = error as unknown as { code: string; rawCode?: number };
  return new LibsqlError(error.message, baseCode(rawCode), extendedCode, rawCode, error);
}

export function batchError(error: unknown, index: number): unknown {
  if (error instanceof LibsqlBatchError || !(error instanceof LibsqlError)) return error;
  const cause = error.cause instanceof Error ? error.cause : undefined;
  return new LibsqlBatchError(error.message, index, error.code, error.extendedCode, error.rawCode, cause);
}

const BASE_CODES = [
  "SQLITE_OK",
  "SQLITE_ERROR",
  "SQLITE_INTERNAL",
  "SQLITE_PERM",
  "SQLITE_ABORT",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_NOMEM",
  "SQLITE_READONLY",
  "SQLITE_INTERRUPT",
  "SQLITE_IOERR",
  "SQLITE_CORRUPT",
  "SQLITE_NOTFOUND",
  "SQLITE_FULL",
  "SQLITE_CANTOPEN",
  "SQLITE_PROTOCOL",
  "SQLITE_EMPTY",
  "SQLITE_SCHEMA",
  "SQLITE_TOOBIG",
  "SQLITE_CONSTRAINT",
  "SQLITE_MISMATCH",
  "SQLITE_MISUSE",
  "SQLITE_NOLFS",
  "SQLITE_AUTH",
  "SQLITE_FORMAT",
  "SQLITE_RANGE",
  "SQLITE_NOTADB",
  "SQLITE_NOTICE",
  "SQLITE_WARNING",
];

/** Extended codes are base | (extended << 8). */
function baseCode(rawCode: number | undefined): string {
  if (rawCode === undefined) return "SQLITE_UNKNOWN";
  const base = rawCode & 0xff;
  return (base > 0 ? BASE_CODES[base] : undefined) ?? `SQLITE_UNKNOWN_${base}`;
}
