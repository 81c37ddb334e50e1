// Discord webhooks at discord.com (and discordapp.com): POST /api[/v<n>]/webhooks/<id>/<token>[?wait=true]
// (discord.com/developers/docs/resources/webhook#execute-webhook). 204, or 200 with the message when wait=true;
// 400 {"message","code"} with Invalid Form Body (50035) and its nested `errors` for limits broken
// (resources/message#embed-object-embed-limits), 50006 for an empty message, 50109 for bad JSON; 404 Unknown
// Webhook (10015) for a malformed id and, by script, for a deleted webhook; 401 Invalid Webhook Token (50027) by
// script. Rate limit: 5 calls per 2 s per webhook, the bucket Discord's webhook answers advertise (X-RateLimit-Limit 5,
// X-RateLimit-Reset-After 2); beyond it 429 {"message","retry_after" (float seconds),"global":false} with Retry-After.
// Key: the webhook id.
import type { Step } from "../scenarios/scripted-receiver";
import {
  type Clock,
  FixedWindows,
  isJsonContentType,
  isRecord,
  jsonVerdict,
  parseJson,
  type VendorFake,
  type Verdict,
} from "./vendor-kit";

export const DISCORD_HOST = "discord.com";
export const DISCORD_HOSTS = new Set(["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com"]);
export const DISCORD_RATE_LIMIT = { limit: 5, windowMs: 2000 };

/** Scriptable answers for webhooks that stopped working. */
export const DISCORD_ANSWERS = {
  deleted: {
    status: 404,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "Unknown Webhook", code: 10015 }),
  },
  tokenReset: {
    status: 401,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ message: "Invalid Webhook Token", code: 50027 }),
  },
} satisfies Record<string, Step>;

const WEBHOOK_PATH = /^\/api(?:\/v\d+)?\/webhooks\/(\d{15,21})\/([A-Za-z0-9_-]{1,100})\/?$/;

// Embed limits (resources/message#embed-object-embed-limits).
const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  username: 80,
};

type FieldErrors = Record<string, unknown>;

export class DiscordFake implements VendorFake {
  private readonly windows = new FixedWindows(DISCORD_RATE_LIMIT.limit, DISCORD_RATE_LIMIT.windowMs);
  private nextId = 1_180_000_000_000_000_000n;

  constructor(private readonly now: Clock) {}

  keyOf(_call: unknown, url: URL): string {
    return WEBHOOK_PATH.exec(url.pathname)?.[1] ?? "";
  }

  answer(call: { method: string; headers: Record<string, string>; body: string }, url: URL, key: string): Verdict {
    if (key === "") return jsonVerdict({ message: "Unknown Webhook", code: 10015 }, 404);
    if (call.method !== "POST") return jsonVerdict({ message: "405: Method Not Allowed", code: 0 }, 405);
    const nowMs = this.now();
    const window = this.windows.take(key, nowMs);
    const rateHeaders = {
      "x-ratelimit-limit": String(this.windows.limit),
      "x-ratelimit-remaining": String(window.remaining),
      "x-ratelimit-reset": (window.resetAt / 1000).toFixed(3),
      "x-ratelimit-reset-after": (window.resetAfterMs / 1000).toFixed(3),
      "x-ratelimit-bucket": `webhook-${key}`,
    };
    if (!window.ok) {
      const retryAfter = window.resetAfterMs / 1000;
      return jsonVerdict({ message: "You are being rate limited.", retry_after: retryAfter, global: false }, 429, {
        headers: { ...rateHeaders, "retry-after": String(Math.ceil(retryAfter)), "x-ratelimit-scope": "shared" },
      });
    }
    const refused = (value: { message: string; code: number; errors?: FieldErrors }) =>
      jsonVerdict(value, 400, { headers: rateHeaders, reason: value.message });
    if (!isJsonContentType(call.headers)) return refused({ message: "Cannot send an empty message", code: 50006 });
    const parsed = parseJson(call.body);
    if (!parsed.ok || !isRecord(parsed.value)) {
      return refused({ message: "The request body contains invalid JSON.", code: 50109 });
    }
    const message = parsed.value;
    const errors = formErrors(message);
    if (errors) return refused({ message: "Invalid Form Body", code: 50035, errors });
    const hasContent = typeof message.content === "string" && message.content.trim() !== "";
    const hasEmbeds = Array.isArray(message.embeds) && message.embeds.length > 0;
    if (!hasContent && !hasEmbeds) return refused({ message: "Cannot send an empty message", code: 50006 });
    if (url.searchParams.get("wait") !== "true") return { status: 204, headers: rateHeaders, accepted: true };
    this.nextId += 1n;
    return jsonVerdict(
      {
        id: String(this.nextId),
        type: 0,
        content: message.content ?? "",
        embeds: message.embeds ?? [],
        channel_id: "1180000000000000001",
        webhook_id: key,
        author: { id: key, username: typeof message.username === "string" ? message.username : "Herald", bot: true },
        timestamp: new Date(nowMs).toISOString(),
      },
      200,
      { headers: rateHeaders },
    );
  }
}

const tooLong = (max: number) => ({
  _errors: [{ code: "BASE_TYPE_MAX_LENGTH", message: `Must be ${max} or fewer in length.` }],
});
const required = () => ({ _errors: [{ code: "BASE_TYPE_REQUIRED", message: "This field is required" }] });

/** Discord's nested `errors` for the first limits a message breaks, or undefined when it keeps them all. */
function formErrors(message: Record<string, unknown>): FieldErrors | undefined {
  const errors: FieldErrors = {};
  if (typeof message.content === "string" && message.content.length > LIMITS.content) {
    errors.content = tooLong(LIMITS.content);
  }
  if (typeof message.username === "string" && message.username.length > LIMITS.username) {
    errors.username = tooLong(LIMITS.username);
  }
  const embeds = message.embeds;
  if (embeds !== undefined) {
    if (!Array.isArray(embeds)) {
      errors.embeds = { _errors: [{ code: "BASE_TYPE_ARRAY", message: "Must be an array." }] };
    } else if (embeds.length > LIMITS.embeds) {
      errors.embeds = tooLong(LIMITS.embeds);
    } else {
      const perEmbed: FieldErrors = {};
      let total = 0;
      embeds.forEach((embed, index) => {
        const { errors: embedErrors, size } = embedErrorsAndSize(embed);
        total += size;
        if (embedErrors) perEmbed[String(index)] = embedErrors;
      });
      if (Object.keys(perEmbed).length > 0) errors.embeds = perEmbed;
      else if (total > LIMITS.total) {
        errors.embeds = {
          _errors: [{ code: "MAX_EMBED_SIZE_EXCEEDED", message: `Embed size exceeds maximum size of ${LIMITS.total}` }],
        };
      }
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

function embedErrorsAndSize(embed: unknown): { errors?: FieldErrors; size: number } {
  if (!isRecord(embed))
    return { errors: { _errors: [{ code: "MODEL_TYPE_CONVERT", message: "Must be an object." }] }, size: 0 };
  const errors: FieldErrors = {};
  let size = 0;
  const text = (value: unknown, max: number, name: string, into: FieldErrors = errors) => {
    if (typeof value !== "string") return;
    size += value.length;
    if (value.length > max) into[name] = tooLong(max);
  };
  text(embed.title, LIMITS.title, "title");
  text(embed.description, LIMITS.description, "description");
  if (isRecord(embed.footer)) {
    const footer: FieldErrors = {};
    text(embed.footer.text, LIMITS.footer, "text", footer);
    if (Object.keys(footer).length > 0) errors.footer = footer;
  }
  if (isRecord(embed.author)) {
    const author: FieldErrors = {};
    text(embed.author.name, LIMITS.author, "name", author);
    if (Object.keys(author).length > 0) errors.author = author;
  }
  if (Array.isArray(embed.fields)) {
    if (embed.fields.length > LIMITS.fields) errors.fields = tooLong(LIMITS.fields);
    const fields: FieldErrors = {};
    embed.fields.forEach((field, index) => {
      const fieldErrors: FieldErrors = {};
      if (!isRecord(field) || typeof field.name !== "string") fieldErrors.name = required();
      if (!isRecord(field) || typeof field.value !== "string") fieldErrors.value = required();
      if (isRecord(field)) {
        text(field.name, LIMITS.fieldName, "name", fieldErrors);
        text(field.value, LIMITS.fieldValue, "value", fieldErrors);
      }
      if (Object.keys(fieldErrors).length > 0) fields[String(index)] = fieldErrors;
    });
    if (!errors.fields && Object.keys(fields).length > 0) errors.fields = fields;
  }
  return Object.keys(errors).length > 0 ? { errors, size } : { size };
}
