import type { Db } from "@herald/db";
import type { AuthContext } from "./auth/auth-context";

/** Bindings from wrangler.jsonc (vars), `wrangler secret put` (secrets) or `.dev.vars` (local development). */
export interface Env {
  /** Turso / sqld URL in production; the local libsql-dev-server in development. */
  LIBSQL_URL: string;
  LIBSQL_AUTH_TOKEN?: string;
  /** HMAC key for the tokens this service issues. */
  AUTH_TOKEN_SECRET: string;
  /** The key being rotated out: tokens it signed stay valid until they expire. */
  AUTH_TOKEN_PREVIOUS_SECRET?: string;
  /** Token lifetime in seconds; AIMS tokens live six hours. */
  AUTH_TOKEN_TTL_SECONDS?: string;
  /** "true" only in local development: lets integrations target loopback addresses. */
  ALLOW_LOOPBACK_TARGETS?: string;
}

export interface Services {
  db: Db;
  /** Epoch milliseconds; one clock for every timestamp a request writes. */
  now: () => number;
  newId: () => string;
  allowLoopbackTargets: boolean;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    services: Services;
    auth: AuthContext;
    requestId: string;
  };
}
