// Every variable Herald reads, parsed once into one typed object: what each means, its default, and what makes it
// wrong are written here and nowhere else. A bad value stops the deployment with one line naming it, instead of a
// silent fallback or a failure deep in some request.
import { DEFAULT_DB_TIMEOUT_MS } from "@herald/db";
import { decodeSecret } from "@herald/webhooks";
import { z } from "zod";
import type { TokenKeys } from "./auth/tokens";
import { fromBase64 } from "./lib/base64";
import { MAX_DELAY_SECONDS } from "./lib/queue-limits";

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

export interface DeliverySettings {
  /** Seconds before the 2nd, 3rd, ... attempt; the first is immediate. */
  retryScheduleSeconds: number[];
  webhookTimeoutMs: number;
  signingSecretOverlapMs: number;
  /** Target calls one consumer invocation makes at once. */
  concurrency: number;
}

export interface EncryptionKeys {
  current: { id: string; key: string };
  previous?: { id: string; key: string } | undefined;
}

export interface ResendSettings {
  apiKey: string;
  from: string;
  /** Without a trailing slash. */
  apiUrl: string;
}

export type EmailSettings = { transport: "capture" } | { transport: "resend"; resend: ResendSettings };

export interface Settings {
  database: { url: string; authToken: string | undefined; timeoutMs: number };
  tokens: { keys: TokenKeys; ttlSeconds: number };
  /** Undefined when ENCRYPTION_KEY is not set: Herald serves, and answers 503 to what needs a stored secret. */
  encryption: EncryptionKeys | undefined;
  /** Only in local development: integrations may target loopback addresses. */
  allowLoopbackTargets: boolean;
  delivery: DeliverySettings;
  sweepGraceMs: number;
  email: EmailSettings;
  /** Undefined when not set: POST /hooks/resend answers 503. */
  resendWebhookSecret: string | undefined;
  /** Origins whose pages may show the console in a frame (an embedded portal); none by default. */
  consoleFrameAncestors: string[];
}

/** The variables as the runtime hands them over (strings; numbers too, when wrangler.jsonc writes one unquoted). */
export type SettingsSource = Readonly<Record<string, unknown>>;

/** A setting is missing or malformed; the message is one line naming every variable at fault. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

// ---- One variable at a time ----

// A variable set to nothing (`FOO=` in .dev.vars, an empty secret) counts as unset.
const text = z.unknown().transform((value) => {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
});

/** Shown after "got": the value itself, unless it is a secret. */
const shown = (value: string) => JSON.stringify(value);

function wholeNumber(unit: string, fallback: number) {
  return text.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const trimmed = value.trim();
    const parsed = Number(trimmed);
    if (/^\d+$/.test(trimmed) && Number.isSafeInteger(parsed) && parsed > 0) return parsed;
    ctx.addIssue({ code: "custom", message: `expected a whole number of ${unit} > 0, got ${shown(value)}` });
    return z.NEVER;
  });
}

const flag = (fallback: boolean) =>
  text.transform((value, ctx) => {
    if (value === undefined) return fallback;
    if (value.trim() === "true") return true;
    if (value.trim() === "false") return false;
    ctx.addIssue({ code: "custom", message: `expected "true" or "false", got ${shown(value)}` });
    return z.NEVER;
  });

const retrySchedule = text.transform((value, ctx) => {
  if (value === undefined) return [...DEFAULTS.DELIVERY_RETRY_SCHEDULE];
  const entries = value.split(",").map((entry) => entry.trim());
  const bad = entries.find((entry) => !/^\d+$/.test(entry) || Number(entry) > MAX_DELAY_SECONDS);
  if (bad === undefined) return entries.map(Number);
  ctx.addIssue({
    code: "custom",
    message:
      `expected comma-separated whole numbers of seconds from 0 to ${MAX_DELAY_SECONDS} (Cloudflare Queues delays a ` +
      `message by at most 24 h), got ${shown(value)}, where ${shown(bad)} is not one`,
  });
  return z.NEVER;
});

function protocolOf(value: string): string | undefined {
  try {
    return new URL(value).protocol;
  } catch {
    return undefined;
  }
}

const DATABASE_SCHEMES = new Set(["libsql:", "http:", "https:", "ws:", "wss:", "file:"]);

const databaseUrl = text.transform((value, ctx) => {
  if (value === undefined) {
    ctx.addIssue({ code: "custom", message: "required: the database URL (libsql://..., http(s)://... or file:...)" });
    return z.NEVER;
  }
  // :memory: is what the Node host's native driver calls a database that lives only in the process.
  if (value === ":memory:" || DATABASE_SCHEMES.has(protocolOf(value) ?? "")) return value;
  ctx.addIssue({
    code: "custom",
    message: `expected a libsql:, http(s):, ws(s): or file: URL, got ${shown(value)}`,
  });
  return z.NEVER;
});

const httpUrl = (fallback: string) =>
  text.transform((value, ctx) => {
    const url = value ?? fallback;
    const protocol = protocolOf(url);
    if (protocol === "https:" || protocol === "http:") return url.replace(/\/+$/, "");
    ctx.addIssue({ code: "custom", message: `expected an http(s) URL, got ${shown(url)}` });
    return z.NEVER;
  });

const requiredSecret = (what: string) =>
  text.transform((value, ctx) => {
    if (value !== undefined) return value;
    ctx.addIssue({ code: "custom", message: `required: ${what}` });
    return z.NEVER;
  });

const emailTransport = text.transform((value, ctx) => {
  const choice = value?.trim() ?? DEFAULTS.EMAIL_TRANSPORT;
  if (choice === "capture" || choice === "resend") return choice;
  ctx.addIssue({ code: "custom", message: `expected "capture" or "resend", got ${shown(choice)}` });
  return z.NEVER;
});

// `notifications@example.com` or `Herald <notifications@example.com>`, as Resend takes it.
const SENDER = /^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

const sender = text.transform((value, ctx) => {
  if (value === undefined || SENDER.test(value.trim())) return value?.trim();
  ctx.addIssue({
    code: "custom",
    message: `expected an address or "Name <address>", got ${shown(value)}`,
  });
  return z.NEVER;
});

const webhookSecret = text.transform((value, ctx) => {
  if (value === undefined || decodeSecret(value.trim()) !== undefined) return value?.trim();
  ctx.addIssue({ code: "custom", message: "expected whsec_ and base64 (as Resend shows it); the value is not logged" });
  return z.NEVER;
});

// Origins a page may be framed by, as Content-Security-Policy's frame-ancestors takes them: scheme and host (a
// leading `*.` for subdomains), an optional port, nothing else (a path or a quote would widen or break the policy).
const FRAME_ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;

const frameAncestors = text.transform((value, ctx) => {
  const origins = value?.split(/[\s,]+/).filter((origin) => origin !== "") ?? [];
  const bad = origins.find((origin) => !FRAME_ORIGIN.test(origin));
  if (bad === undefined) return origins;
  ctx.addIssue({
    code: "custom",
    message: `expected origins such as https://portal.example.com, separated by spaces, got ${shown(bad)}`,
  });
  return z.NEVER;
});

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_BYTES = 32;

// Keys and their ids are trimmed: a secret pasted with its newline is the same secret.
const trimmed = text.transform((value) => value?.trim());

// ---- The whole set ----

const encryptionShape = {
  ENCRYPTION_KEY: trimmed,
  ENCRYPTION_KEY_ID: trimmed,
  ENCRYPTION_PREVIOUS_KEY: trimmed,
  ENCRYPTION_PREVIOUS_KEY_ID: trimmed,
};

type EncryptionVariables = { [Name in keyof typeof encryptionShape]: string | undefined };

const encryptionSchema = z.object(encryptionShape).check((ctx) => checkEncryption(ctx.value, ctx.issues));

/** One key and its id: both or neither, the id well-formed, the key the base64 of 32 bytes. */
function checkKeyPair(
  key: string | undefined,
  id: string | undefined,
  name: "ENCRYPTION_KEY" | "ENCRYPTION_PREVIOUS_KEY",
  issues: Issues,
): void {
  if (key === undefined && id === undefined) return;
  if (key === undefined) {
    issues.push(issue(name, `required with ${name}_ID`, { key, id }));
    return;
  }
  if (id === undefined || !KEY_ID.test(id)) {
    const got = id === undefined ? "it is not set" : `got ${shown(id)}`;
    issues.push(issue(`${name}_ID`, `expected 1-64 letters, digits, '-' or '_' naming ${name}; ${got}`, { key, id }));
  }
  const bytes = fromBase64(key);
  if (bytes?.length !== KEY_BYTES) {
    const got = bytes === undefined ? "it is not base64" : `it decodes to ${bytes.length} bytes`;
    issues.push(
      issue(name, `expected the base64 of ${KEY_BYTES} bytes (openssl rand -base64 32); ${got}`, { key, id }),
    );
  }
}

function checkEncryption(value: EncryptionVariables, issues: Issues): void {
  checkKeyPair(value.ENCRYPTION_KEY, value.ENCRYPTION_KEY_ID, "ENCRYPTION_KEY", issues);
  checkKeyPair(value.ENCRYPTION_PREVIOUS_KEY, value.ENCRYPTION_PREVIOUS_KEY_ID, "ENCRYPTION_PREVIOUS_KEY", issues);
  const previousSet = value.ENCRYPTION_PREVIOUS_KEY !== undefined || value.ENCRYPTION_PREVIOUS_KEY_ID !== undefined;
  if (previousSet && value.ENCRYPTION_KEY === undefined) {
    issues.push(issue("ENCRYPTION_KEY", "required with ENCRYPTION_PREVIOUS_KEY: the key that replaces it", value));
  }
  if (value.ENCRYPTION_KEY_ID !== undefined && value.ENCRYPTION_PREVIOUS_KEY_ID === value.ENCRYPTION_KEY_ID) {
    issues.push(issue("ENCRYPTION_PREVIOUS_KEY_ID", "must differ from ENCRYPTION_KEY_ID", value));
  }
}

const variables = {
  LIBSQL_URL: databaseUrl,
  LIBSQL_AUTH_TOKEN: text,
  LIBSQL_TIMEOUT_MS: wholeNumber("milliseconds", DEFAULTS.LIBSQL_TIMEOUT_MS),
  AUTH_TOKEN_SECRET: requiredSecret("the HMAC key for issued tokens (32+ random bytes)"),
  AUTH_TOKEN_PREVIOUS_SECRET: text,
  AUTH_TOKEN_TTL_SECONDS: wholeNumber("seconds", DEFAULTS.AUTH_TOKEN_TTL_SECONDS),
  ...encryptionShape,
  ALLOW_LOOPBACK_TARGETS: flag(DEFAULTS.ALLOW_LOOPBACK_TARGETS),
  DELIVERY_RETRY_SCHEDULE: retrySchedule,
  DELIVERY_CONCURRENCY: wholeNumber("calls", DEFAULTS.DELIVERY_CONCURRENCY),
  WEBHOOK_TIMEOUT_MS: wholeNumber("milliseconds", DEFAULTS.WEBHOOK_TIMEOUT_MS),
  SWEEP_GRACE_SECONDS: wholeNumber("seconds", DEFAULTS.SWEEP_GRACE_SECONDS),
  SIGNING_SECRET_OVERLAP_SECONDS: wholeNumber("seconds", DEFAULTS.SIGNING_SECRET_OVERLAP_SECONDS),
  EMAIL_TRANSPORT: emailTransport,
  EMAIL_FROM: sender,
  RESEND_API_KEY: text,
  RESEND_API_URL: httpUrl(DEFAULTS.RESEND_API_URL),
  RESEND_WEBHOOK_SECRET: webhookSecret,
  CONSOLE_FRAME_ANCESTORS: frameAncestors,
};

const schema = z
  .object(variables)
  .check((ctx) => {
    checkEncryption(ctx.value, ctx.issues);
    if (ctx.value.EMAIL_TRANSPORT !== "resend") return;
    if (ctx.value.RESEND_API_KEY === undefined) {
      ctx.issues.push(issue("RESEND_API_KEY", "required with EMAIL_TRANSPORT=resend", ctx.value));
    }
    if (ctx.value.EMAIL_FROM === undefined) {
      ctx.issues.push(issue("EMAIL_FROM", "required with EMAIL_TRANSPORT=resend: the sender address", ctx.value));
    }
  })
  .transform(
    (vars): Settings => ({
      database: { url: vars.LIBSQL_URL, authToken: vars.LIBSQL_AUTH_TOKEN, timeoutMs: vars.LIBSQL_TIMEOUT_MS },
      tokens: {
        keys: { current: vars.AUTH_TOKEN_SECRET, previous: vars.AUTH_TOKEN_PREVIOUS_SECRET },
        ttlSeconds: vars.AUTH_TOKEN_TTL_SECONDS,
      },
      encryption: encryptionKeys(vars),
      allowLoopbackTargets: vars.ALLOW_LOOPBACK_TARGETS,
      delivery: {
        retryScheduleSeconds: vars.DELIVERY_RETRY_SCHEDULE,
        webhookTimeoutMs: vars.WEBHOOK_TIMEOUT_MS,
        signingSecretOverlapMs: vars.SIGNING_SECRET_OVERLAP_SECONDS * 1000,
        concurrency: vars.DELIVERY_CONCURRENCY,
      },
      sweepGraceMs: vars.SWEEP_GRACE_SECONDS * 1000,
      email:
        vars.EMAIL_TRANSPORT === "resend"
          ? {
              transport: "resend",
              // Both present: the check above refused the set otherwise.
              resend: { apiKey: vars.RESEND_API_KEY ?? "", from: vars.EMAIL_FROM ?? "", apiUrl: vars.RESEND_API_URL },
            }
          : { transport: "capture" },
      resendWebhookSecret: vars.RESEND_WEBHOOK_SECRET,
      consoleFrameAncestors: vars.CONSOLE_FRAME_ANCESTORS,
    }),
  );

function encryptionKeys(vars: EncryptionVariables): EncryptionKeys | undefined {
  const { ENCRYPTION_KEY: key, ENCRYPTION_KEY_ID: id } = vars;
  if (key === undefined || id === undefined) return undefined;
  const previous =
    vars.ENCRYPTION_PREVIOUS_KEY !== undefined && vars.ENCRYPTION_PREVIOUS_KEY_ID !== undefined
      ? { id: vars.ENCRYPTION_PREVIOUS_KEY_ID, key: vars.ENCRYPTION_PREVIOUS_KEY }
      : undefined;
  return { current: { id, key }, previous };
}

type Issues = z.core.$ZodRawIssue[];

function issue(variable: string, message: string, input: unknown): z.core.$ZodRawIssue {
  return { code: "custom", path: [variable], message, input };
}

// Every variable as a key, unset ones as undefined: zod runs a field's transform (and so gives its default) only for
// a key that is there.
function variablesOf(env: SettingsSource, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.map((name) => [name, env[name]]));
}

function settingsError(error: z.ZodError): SettingsError {
  const problems = error.issues.map((problem) => `${problem.path.join(".")}: ${problem.message}`);
  const [only] = problems;
  // One line, whatever a value held.
  const line =
    problems.length === 1 && only !== undefined
      ? `invalid setting ${only}`
      : `invalid settings: ${problems.join("; ")}`;
  return new SettingsError(line.replace(/\s+/g, " "));
}

/** The settings `env` describes; throws one SettingsError naming every variable that is missing or malformed. */
export function parseSettings(env: SettingsSource): Settings {
  const parsed = schema.safeParse(variablesOf(env, Object.keys(variables)));
  if (!parsed.success) throw settingsError(parsed.error);
  return parsed.data;
}

/**
 * One whole-number variable a host reads for itself (the Node host's QUEUE_BATCH_TIMEOUT_MS), by the same rule as
 * Herald's own: `fallback` when unset, SettingsError naming it when it is anything but a whole number > 0.
 */
export function parseWholeNumber(env: SettingsSource, name: string, unit: string, fallback: number): number {
  const parsed = z.object({ [name]: wholeNumber(unit, fallback) }).safeParse(variablesOf(env, [name]));
  if (!parsed.success) throw settingsError(parsed.error);
  return parsed.data[name] as number;
}

/**
 * Only the encryption keys (scripts/admin.ts re-seals secrets with nothing else configured); undefined when
 * ENCRYPTION_KEY is not set. Throws SettingsError like parseSettings.
 */
export function parseEncryptionKeys(env: SettingsSource): EncryptionKeys | undefined {
  const parsed = encryptionSchema.safeParse(variablesOf(env, Object.keys(encryptionShape)));
  if (!parsed.success) throw settingsError(parsed.error);
  return encryptionKeys(parsed.data);
}
