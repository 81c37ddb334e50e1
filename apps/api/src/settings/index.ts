// Every variable Herald reads, parsed once into one typed object: what each means, its default, and what makes it
// wrong are written in this folder and nowhere else. A bad value stops the deployment with one line naming it,
// instead of a silent fallback or a failure deep in some request.
import { z } from "zod";
import { DEFAULTS } from "./defaults";
import { checkEncryption, type EncryptionKeys, encryptionKeys, encryptionSchema, encryptionShape } from "./encryption";
import {
  databaseUrl,
  emailTransport,
  flag,
  frameAncestors,
  httpUrl,
  issue,
  requiredSecret,
  retrySchedule,
  sender,
  text,
  webhookSecret,
  wholeNumber,
} from "./variables";

export { DEFAULTS } from "./defaults";
export type { EncryptionKeys } from "./encryption";

import type { TokenKeys } from "../auth/tokens";

export interface DeliverySettings {
  /** Seconds before the 2nd, 3rd, ... attempt; the first is immediate. */
  retryScheduleSeconds: number[];
  webhookTimeoutMs: number;
  signingSecretOverlapMs: number;
  /** Target calls one consumer invocation makes at once. */
  concurrency: number;
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
