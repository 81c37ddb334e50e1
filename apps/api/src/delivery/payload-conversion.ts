// Webhook payload conversion. `json`: Alert Logic's `{{field_path}}` templates. A template is JSON text with
// placeholders; each placeholder takes a value from the notification document, JSON-escaped for where it stands, so
// data can never break out of a string or add members. Compiled once per template text. `jq`: a jq program, tenant
// code run in a sandbox with time, memory, stack and output limits (jq/sandbox.ts).
import { LRUCache } from "lru-cache";
import { JQ_LIMITS, type JqLimits, runJq } from "./jq/sandbox";

/** The longest template a webhook may store (characters). */
export const MAX_TEMPLATE_LENGTH = 65_536;
/** The largest converted body sent (UTF-8 bytes): larger fails the attempt permanently instead of sending it. */
export const MAX_CONVERTED_BYTES = 262_144;
const MAX_PLACEHOLDERS = 1_000;

// Dotted keys of the notification document; numeric segments index arrays (`payload.attackers.0`).
const FIELD_PATH = /^[A-Za-z0-9_$@-]+(\.[A-Za-z0-9_$@-]+)*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type Part = string | { path: readonly string[]; inString: boolean };

export type Conversion = { ok: true; body: string } | { ok: false; reason: string };

export interface JsonTemplate {
  /** The body for this notification document: valid JSON, or why none is sent (too large). */
  render(document: unknown): Conversion;
}

export class TemplateError extends Error {}

/** Own properties only: `constructor` or `__proto__` in a path never reaches the prototype chain. */
function lookup(document: unknown, path: readonly string[]): unknown {
  let value: unknown = document;
  for (const key of path) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * A value where a JSON value stands: its JSON (a missing field is `null`). Inside a JSON string: its text, escaped
 * as string content (strings as they are, numbers and booleans as written, objects and arrays as their JSON, a
 * missing field or null as nothing).
 */
function serialize(value: unknown, inString: boolean): string {
  if (!inString) return value === undefined ? "null" : JSON.stringify(value);
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  // JSON.stringify escapes quotes, backslashes, control characters and lone surrogates (as \uXXXX).
  return JSON.stringify(text).slice(1, -1);
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Splits a template into text and placeholders, noting whether each placeholder stands inside a JSON string. */
function parse(template: string): Part[] {
  const parts: Part[] = [];
  let text = "";
  let inString = false;
  for (let index = 0; index < template.length; ) {
    const char = template[index] as string;
    if (char === "{" && template[index + 1] === "{") {
      const end = template.indexOf("}}", index + 2);
      if (end === -1) throw new TemplateError(`the placeholder at character ${index} has no closing }}`);
      const path = template.slice(index + 2, end).trim();
      if (!FIELD_PATH.test(path))
        throw new TemplateError(
          `{{${template.slice(index + 2, end)}}} at character ${index} is not a field path (dotted names such as payload.incident_id)`,
        );
      parts.push(text, { path: path.split("."), inString });
      text = "";
      index = end + 2;
      continue;
    }
    if (inString && char === "\\") {
      text += template.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (char === '"') inString = !inString;
    text += char;
    index++;
  }
  parts.push(text);
  return parts;
}

// A notification whose every field is hostile: rendering it must still be one JSON document.
const PROBE = {
  id: 'probe "quoted" \\ }} {{id}}\n\u2028',
  account_id: "1",
  type: "incidents/alerts",
  notification_data: {},
  asset_data: {},
  payload: {},
};

function compile(template: string): JsonTemplate {
  if (template.length > MAX_TEMPLATE_LENGTH)
    throw new TemplateError(`is ${template.length} characters long, over ${MAX_TEMPLATE_LENGTH}`);
  if (LONE_SURROGATE.test(template))
    throw new TemplateError("contains a lone surrogate (text that is not valid Unicode)");
  const parts = parse(template);
  const placeholders = parts.filter((part) => typeof part !== "string").length;
  if (placeholders > MAX_PLACEHOLDERS)
    throw new TemplateError(`has ${placeholders} placeholders, over ${MAX_PLACEHOLDERS}`);

  const render = (document: unknown): Conversion => {
    // Each field is serialized once per rendering, and rendering stops as soon as the body is too large.
    const serialized = new Map<string, string>();
    let body = "";
    for (const part of parts) {
      if (typeof part === "string") body += part;
      else {
        const key = `${part.inString ? "s" : "v"}:${part.path.join(".")}`;
        let text = serialized.get(key);
        if (text === undefined) {
          text = serialize(lookup(document, part.path), part.inString);
          serialized.set(key, text);
        }
        body += text;
      }
      // UTF-16 units never outnumber UTF-8 bytes: past the cap in units is past it in bytes.
      if (body.length > MAX_CONVERTED_BYTES) break;
    }
    const bytes = body.length > MAX_CONVERTED_BYTES ? body.length : utf8Length(body);
    if (bytes > MAX_CONVERTED_BYTES)
      return {
        ok: false,
        reason: `payload_template: the converted body is over ${MAX_CONVERTED_BYTES} bytes (at least ${bytes}); not sent`,
      };
    return { ok: true, body };
  };

  for (const document of [PROBE, {}]) {
    const probe = render(document);
    if (!probe.ok) throw new TemplateError("produces a body over the size limit even for an empty notification");
    try {
      JSON.parse(probe.body);
    } catch (error) {
      throw new TemplateError(
        `is not valid JSON once its placeholders are filled (${(error as Error).message}); a placeholder ` +
          "stands either for a whole JSON value or inside a JSON string",
      );
    }
  }
  return { render };
}

const compiled = new LRUCache<string, JsonTemplate>({ max: 500 });

/** The compiled template, or a TemplateError saying what is wrong with it. Compiled once per template text. */
export function jsonTemplate(template: string): JsonTemplate {
  let found = compiled.get(template);
  if (!found) {
    found = compile(template);
    compiled.set(template, found);
  }
  return found;
}

/** Why a jq program cannot be stored (length, text that is not valid Unicode), before the sandbox compiles it. */
function jqTextProblem(program: string): string | undefined {
  if (program.trim() === "") return "is empty";
  if (program.length > MAX_TEMPLATE_LENGTH) return `is ${program.length} characters long, over ${MAX_TEMPLATE_LENGTH}`;
  if (LONE_SURROGATE.test(program)) return "contains a lone surrogate (text that is not valid Unicode)";
  return undefined;
}

// Programs seen to compile in this isolate or process: saving the same program again skips the sandbox.
const compiledJq = new LRUCache<string, true>({ max: 500 });

/**
 * Checks a jq program as saving does: the text, then a compile in the sandbox. Throws a TemplateError naming the
 * problem (the engine's parse error, with its line and column).
 */
export async function checkJqProgram(program: string, limits: JqLimits = JQ_LIMITS): Promise<void> {
  const problem = jqTextProblem(program);
  if (problem) throw new TemplateError(problem);
  if (compiledJq.has(program)) return;
  const compiled = await runJq(program, undefined, limits);
  if (!compiled.ok) throw new TemplateError(`does not compile: ${compiled.reason}`);
  compiledJq.set(program, true);
}

/** Runs in a row that reached a limit before an account's program is suspended, and for how long. */
export const JQ_STRIKES = { limit: 3, suspendMs: 60_000 };

// One hostile program costs up to its limit per leg; a batch of a hundred such legs would spend the invocation's CPU
// on it alone. So a program (per account) that reached a limit JQ_STRIKES.limit times in a row, in this isolate or
// process, is not run for JQ_STRIKES.suspendMs: its legs fail at once, saying so. A run that succeeds clears it.
const strikes = new LRUCache<string, { count: number; reason: string; until: number }>({ max: 1_000 });

/** The body the jq program makes of the notification document, or why there is none. */
export async function convertWithJq(
  program: string,
  document: unknown,
  limits: JqLimits = JQ_LIMITS,
  now: () => number = Date.now,
): Promise<Conversion> {
  const problem = jqTextProblem(program);
  if (problem) return { ok: false, reason: `payload_template: the jq program ${problem}` };
  const account = (document as { account_id?: unknown } | null)?.account_id;
  const key = `${typeof account === "string" ? account : ""}\n${program}`;
  const struck = strikes.get(key);
  if (struck && struck.count >= JQ_STRIKES.limit && now() < struck.until)
    return {
      ok: false,
      reason:
        `payload_template: not run: the jq program reached its limits ${struck.count} times in a row ` +
        `(last: ${struck.reason}); suspended for ${JQ_STRIKES.suspendMs / 1000} s`,
    };
  const run = await runJq(program, JSON.stringify(document), limits);
  if (run.ok) {
    strikes.delete(key);
    return { ok: true, body: run.body };
  }
  if (run.limit) {
    const count = struck && now() >= struck.until && struck.count >= JQ_STRIKES.limit ? 1 : (struck?.count ?? 0) + 1;
    strikes.set(key, { count, reason: run.reason, until: now() + JQ_STRIKES.suspendMs });
  }
  return { ok: false, reason: `payload_template: ${run.reason}` };
}

/** How a webhook integration's stored settings shape its body. */
export interface ConversionSettings {
  payload_conversion_type?: unknown;
  payload_template?: unknown;
}

/** The body a webhook sends: the notification document as it is, or converted by the integration's template. */
export async function convertPayload(
  settings: ConversionSettings,
  document: unknown,
  defaultBody: () => string,
): Promise<Conversion> {
  const type = settings.payload_conversion_type;
  if (type !== "json" && type !== "jq") return { ok: true, body: defaultBody() };
  if (typeof settings.payload_template !== "string")
    return { ok: false, reason: `payload_template: ${type} conversion without a template` };
  if (type === "jq") return convertWithJq(settings.payload_template, document);
  try {
    return jsonTemplate(settings.payload_template).render(document);
  } catch (error) {
    // Checked when saved: a stored template that no longer compiles is a permanent failure, said plainly.
    if (error instanceof TemplateError) return { ok: false, reason: `payload_template ${error.message}` };
    throw error;
  }
}
