// The variables' defaults, apart so that the parsers and the settings both read them.
import { DEFAULT_DB_TIMEOUT_MS } from "@herald/db";

/** The defaults of the variables that have one (README "Settings" lists them with the rest). */
export const DEFAULTS = Object.freeze({
  LIBSQL_TIMEOUT_MS: DEFAULT_DB_TIMEOUT_MS,
  /** AIMS tokens live six hours. */
  AUTH_TOKEN_TTL_SECONDS: 6 * 60 * 60,
  ALLOW_LOOPBACK_TARGETS: false,
  /**
   * Svix's schedule after the immediate first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (about 27.6 h in
   * all).
   */
  DELIVERY_RETRY_SCHEDULE: Object.freeze([5, 300, 1800, 7200, 18000, 36000, 36000]) as readonly number[],
  /** A Worker holds at most six connections open; a call queued behind them would spend its timeout waiting. */
  DELIVERY_CONCURRENCY: 6,
  WEBHOOK_TIMEOUT_MS: 15_000,
  /** Long enough that the sweeper rarely duplicates a message still waiting in a busy queue. */
  SWEEP_GRACE_SECONDS: 120,
  SIGNING_SECRET_OVERLAP_SECONDS: 86_400,
  EMAIL_TRANSPORT: "capture",
  RESEND_API_URL: "https://api.resend.com",
});
