// Each variable's parser: unset, its default, or its value checked and converted, with a message naming what is wrong.
import { decodeSecret } from "@herald/webhooks";
import { z } from "zod";
import { MAX_DELAY_SECONDS } from "../lib/queue-limits";
import { DEFAULTS } from "./defaults";

// A variable set to nothing (`FOO=` in .dev.vars, an empty secret) counts as unset.
export const text = z.unknown().transform((value) => {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
});

/** Shown after "got": the value itself, unless it is a secret. */
export const shown = (value: string) => JSON.stringify(value);

export function wholeNumber(unit: string, fallback: number) {
  return text.transform((value, ctx) => {
    if (value === undefined) return fallback;
    const trimmed = value.trim();
    const parsed = Number(trimmed);
    if (/^\d+$/.test(trimmed) && Number.isSafeInteger(parsed) && parsed > 0) return parsed;
    ctx.addIssue({ code: "custom", message: `expected a whole number of ${unit} > 0, got ${shown(value)}` });
    return z.NEVER;
  });
}

export const flag = (fallback: boolean) =>
  text.transform((value, ctx) => {
    if (value === undefined) return fallback;
    if (value.trim() === "true") return true;
    if (value.trim() === "false") return false;
    ctx.addIssue({ code: "custom", message: `expected "true" or "false", got ${shown(value)}` });
    return z.NEVER;
  });

export const retrySchedule = text.transform((value, ctx) => {
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

export const databaseUrl = text.transform((value, ctx) => {
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

export const httpUrl = (fallback: string) =>
  text.transform((value, ctx) => {
    const url = value ?? fallback;
    const protocol = protocolOf(url);
    if (protocol === "https:" || protocol === "http:") return url.replace(/\/+$/, "");
    ctx.addIssue({ code: "custom", message: `expected an http(s) URL, got ${shown(url)}` });
    return z.NEVER;
  });

export const requiredSecret = (what: string) =>
  text.transform((value, ctx) => {
    if (value !== undefined) return value;
    ctx.addIssue({ code: "custom", message: `required: ${what}` });
    return z.NEVER;
  });

export const emailTransport = text.transform((value, ctx) => {
  const choice = value?.trim() ?? DEFAULTS.EMAIL_TRANSPORT;
  if (choice === "capture" || choice === "resend") return choice;
  ctx.addIssue({ code: "custom", message: `expected "capture" or "resend", got ${shown(choice)}` });
  return z.NEVER;
});

// `notifications@example.com` or `Herald <notifications@example.com>`, as Resend takes it.
const SENDER = /^(?:[^<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;

export const sender = text.transform((value, ctx) => {
  if (value === undefined || SENDER.test(value.trim())) return value?.trim();
  ctx.addIssue({
    code: "custom",
    message: `expected an address or "Name <address>", got ${shown(value)}`,
  });
  return z.NEVER;
});

export const webhookSecret = text.transform((value, ctx) => {
  if (value === undefined || decodeSecret(value.trim()) !== undefined) return value?.trim();
  ctx.addIssue({ code: "custom", message: "expected whsec_ and base64 (as Resend shows it); the value is not logged" });
  return z.NEVER;
});

// Origins a page may be framed by, as Content-Security-Policy's frame-ancestors takes them: scheme and host (a
// leading `*.` for subdomains), an optional port, nothing else (a path or a quote would widen or break the policy).
const FRAME_ORIGIN = /^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/;

export const frameAncestors = text.transform((value, ctx) => {
  const origins = value?.split(/[\s,]+/).filter((origin) => origin !== "") ?? [];
  const bad = origins.find((origin) => !FRAME_ORIGIN.test(origin));
  if (bad === undefined) return origins;
  ctx.addIssue({
    code: "custom",
    message: `expected origins such as https://portal.example.com, separated by spaces, got ${shown(bad)}`,
  });
  return z.NEVER;
});

// Keys and their ids are trimmed: a secret pasted with its newline is the same secret.
export const trimmed = text.transform((value) => value?.trim());

export type Issues = z.core.$ZodRawIssue[];

export function issue(variable: string, message: string, input: unknown): z.core.$ZodRawIssue {
  return { code: "custom", path: [variable], message, input };
}
