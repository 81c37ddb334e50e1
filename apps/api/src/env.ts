import type { DeliveryMessage, FanoutMessage } from "@herald/contracts";
import type { Db } from "@herald/db";
import type { AuthContext } from "./auth/auth-context";
import type { EmailTransport, HotReads, Telemetry } from "./ports";
import type { SecretBox } from "./security/secret-box";
import type { DeliverySettings, Settings } from "./settings";

/**
 * Bindings from wrangler.jsonc (vars), `wrangler secret put` (secrets) or `.dev.vars` (local development). Only
 * src/settings/ reads the variables (defaults and rules are there) and src/services/container.ts the bindings.
 */
export interface Env {
  /** Turso / sqld URL in production; the local libsql-dev-server in development. */
  LIBSQL_URL: string;
  LIBSQL_AUTH_TOKEN?: string;
  /** How long one database call may take before it answers 503, in milliseconds. */
  LIBSQL_TIMEOUT_MS?: string;
  /** HMAC key for the tokens this service issues. */
  AUTH_TOKEN_SECRET: string;
  /** The key being rotated out: tokens it signed stay valid until they expire. */
  AUTH_TOKEN_PREVIOUS_SECRET?: string;
  /** Token lifetime in seconds. */
  AUTH_TOKEN_TTL_SECONDS?: string;
  /**
   * Seals integration secrets at rest: the base64 of 32 random bytes (`openssl rand -base64 32`). Without it, what
   * needs a stored secret answers 503.
   */
  ENCRYPTION_KEY?: string;
  /** Names ENCRYPTION_KEY in every value it seals, e.g. `2026-05`: letters, digits, `-`, `_`. Required with it. */
  ENCRYPTION_KEY_ID?: string;
  /** The key being rotated out, and its id: values it sealed still open until they are sealed again. */
  ENCRYPTION_PREVIOUS_KEY?: string;
  ENCRYPTION_PREVIOUS_KEY_ID?: string;
  /** "true" only in local development: lets integrations target loopback addresses. */
  ALLOW_LOOPBACK_TARGETS?: string;
  /** A notification's fan-out: one message per sent notification. */
  FANOUT_QUEUE: Queue<FanoutMessage>;
  /** One message per leg (notification × destination). */
  DELIVERY_QUEUE: Queue<DeliveryMessage>;
  /** Seconds between delivery attempts, comma-separated. */
  DELIVERY_RETRY_SCHEDULE?: string;
  /**
   * Makes every call to a customer's target (webhooks, webhook tests); the runtime's `fetch` when unbound. The Node
   * runtime binds one that checks the address it actually connects to, so a name that resolves to a private address
   * (DNS rebinding) is refused at connect time. On Workers, fetch cannot reach private addresses at all.
   */
  TARGET_FETCHER?: TargetFetcher;
  /** Target calls one delivery invocation makes at once. */
  DELIVERY_CONCURRENCY?: string;
  /** How long a webhook target may take to answer, in milliseconds. */
  WEBHOOK_TIMEOUT_MS?: string;
  /**
   * How long unfinished work may go without progress before the sweeper queues it again, in seconds:
   * long enough that it rarely duplicates a message still waiting in a busy queue.
   */
  SWEEP_GRACE_SECONDS?: string;
  /** How long a rotated signing secret keeps signing, in seconds. */
  SIGNING_SECRET_OVERLAP_SECONDS?: string;
  /** `capture` (e-mails are stored and readable through the API) or `resend`. */
  EMAIL_TRANSPORT?: string;
  /** Sender address, e.g. `Herald <notifications@example.com>`. */
  EMAIL_FROM?: string;
  RESEND_API_KEY?: string;
  /**
   * Where Herald's metrics and traces go: the Node runtime binds Prometheus and OpenTelemetry (node/telemetry.ts);
   * unbound (Workers), structured log lines and ANALYTICS.
   */
  TELEMETRY?: Telemetry;
  /**
   * The console's files (wrangler.jsonc `assets`, apps/console/dist); the Node runtime binds its own reader of the
   * same directory (node/static-assets.ts). Unbound: the console is not served.
   */
  ASSETS?: { fetch(request: Request): Promise<Response> };
  /** Workers Analytics Engine dataset for Herald's events (wrangler.jsonc `analytics_engine_datasets`); optional. */
  ANALYTICS?: AnalyticsEngineDataset;
  /** Resend's API base URL; tests point it at a local fake. */
  RESEND_API_URL?: string;
  /** `whsec_...` secret of the Resend webhook that reports delivery events. */
  RESEND_WEBHOOK_SECRET?: string;
}

/** The part of a service binding (`Fetcher`) that target calls use. */
export interface TargetFetcher {
  fetch(url: string, init: RequestInit): Promise<Response>;
}

export interface Services {
  db: Db;
  /** Epoch milliseconds; one clock for every timestamp a request writes. */
  now: () => number;
  newId: () => string;
  allowLoopbackTargets: boolean;
  /** Calls customers' targets (see Env.TARGET_FETCHER). */
  targetFetch: (url: string, init: RequestInit) => Promise<Response>;
  queues: { fanout: Queue<FanoutMessage>; delivery: Queue<DeliveryMessage> };
  delivery: DeliverySettings;
  /** Signs and checks the tokens this service issues. */
  tokens: Settings["tokens"];
  /** How long unfinished work may go without progress before the sweeper queues it again. */
  sweepGraceMs: number;
  /** Verifies Resend's delivery events; undefined when RESEND_WEBHOOK_SECRET is not set. */
  resendWebhookSecret: string | undefined;
  /** Origins allowed to frame the console (CONSOLE_FRAME_ANCESTORS); empty: no page may. */
  consoleFrameAncestors: readonly string[];
  email: EmailTransport;
  /** Seals and opens integration secrets (src/security/secret-box.ts). */
  secrets: SecretBox;
  /** The account and notification type every send reads, cached briefly (src/services/hot-reads.ts). */
  hotReads: HotReads;
  /** Counts what Herald does and carries traces (ports.ts Telemetry). */
  telemetry: Telemetry;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    services: Services;
    auth: AuthContext;
    requestId: string;
    /** The W3C traceparent of the request's span: what a send stores, to carry on to the targets. */
    traceparent: string;
    /** Set by middleware/portal.ts: a portal `write` session may call this admin-only integration operation. */
    portalIntegrationAdmin?: boolean;
  };
}
