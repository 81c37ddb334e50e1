// Slack incoming webhooks at hooks.slack.com: POST /services/T…/B…/<secret>, a JSON message with `text` or `blocks`.
// Answers are one plain word (api.slack.com/messaging/webhooks, "Handling errors"): 200 ok; 400 invalid_payload,
// no_text, invalid_blocks, invalid_blocks_format, too_many_attachments; 404 no_service (a webhook that does not
// exist); and, by script, 404 channel_not_found, 410 channel_is_archived, 403 action_prohibited (SLACK_ANSWERS).
// Rate limit (api.slack.com/docs/rate-limits: "1 per second, short bursts >1 allowed"): a token bucket per webhook
// holding SLACK_BURST calls, refilled at one a second; beyond it, 429 rate_limited with Retry-After in seconds.
// Key: the path after /services/, "T…/B…/<secret>".
import type { Step } from "../scenarios/scripted-receiver";
import {
  type Clock,
  isJsonContentType,
  isRecord,
  parseJson,
  TokenBuckets,
  textVerdict,
  type VendorFake,
  type Verdict,
} from "./vendor-kit";

export const SLACK_HOST = "hooks.slack.com";
export const SLACK_BURST = 3;

/** Scriptable answers Slack gives for webhooks that stopped working. */
export const SLACK_ANSWERS = {
  deleted: { status: 404, body: "no_service" },
  channelNotFound: { status: 404, body: "channel_not_found" },
  archived: { status: 410, body: "channel_is_archived" },
  prohibited: { status: 403, body: "action_prohibited" },
  serverError: { status: 500, body: "rollup_error" },
} satisfies Record<string, Step>;

const WEBHOOK_PATH = /^\/services\/(T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+)$/;

// Block Kit limits (api.slack.com/reference/block-kit/blocks).
const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_FIELDS = 10;
const MAX_FIELD_TEXT = 2000;
const MAX_HEADER_TEXT = 150;
const MAX_CONTEXT_ELEMENTS = 10;
const MAX_ACTIONS_ELEMENTS = 25;
const MAX_BLOCK_ID = 255;
const MAX_ATTACHMENTS = 100;

export class SlackFake implements VendorFake {
  private readonly buckets = new TokenBuckets(SLACK_BURST, 1);

  constructor(private readonly now: Clock) {}

  keyOf(_call: unknown, url: URL): string {
    return WEBHOOK_PATH.exec(url.pathname)?.[1] ?? "";
  }

  answer(call: { method: string; headers: Record<string, string>; body: string }, _url: URL, key: string): Verdict {
    if (key === "") return textVerdict("no_service", 404);
    if (call.method !== "POST") return textVerdict("invalid_method", 405);
    const taken = this.buckets.take(key, this.now());
    if (!taken.ok) return textVerdict("rate_limited", 429, { "retry-after": String(Math.ceil(taken.waitMs / 1000)) });
    if (!isJsonContentType(call.headers)) return textVerdict("invalid_payload", 400);
    const parsed = parseJson(call.body);
    if (!parsed.ok || !isRecord(parsed.value)) return textVerdict("invalid_payload", 400);
    const refusal = messageRefusal(parsed.value);
    return refusal ? textVerdict(refusal, 400) : textVerdict("ok", 200);
  }
}

function messageRefusal(message: Record<string, unknown>): string | undefined {
  const { text, blocks, attachments } = message;
  if (text !== undefined && typeof text !== "string") return "invalid_payload";
  if (blocks !== undefined && !Array.isArray(blocks)) return "invalid_blocks_format";
  if (attachments !== undefined && (!Array.isArray(attachments) || attachments.length > MAX_ATTACHMENTS)) {
    return "too_many_attachments";
  }
  const hasText = typeof text === "string" && text.trim() !== "";
  const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
  const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
  if (!hasText && !hasBlocks && !hasAttachments) return "no_text";
  if (Array.isArray(blocks) && !blocksAreValid(blocks)) return "invalid_blocks";
  return undefined;
}

function blocksAreValid(blocks: unknown[]): boolean {
  return blocks.length <= MAX_BLOCKS && blocks.every(blockIsValid);
}

function blockIsValid(block: unknown): boolean {
  if (!isRecord(block) || typeof block.type !== "string") return false;
  if (block.block_id !== undefined && (typeof block.block_id !== "string" || block.block_id.length > MAX_BLOCK_ID)) {
    return false;
  }
  switch (block.type) {
    case "section": {
      const { text, fields } = block;
      if (text === undefined && fields === undefined) return false;
      if (text !== undefined && !textObjectIsValid(text, MAX_SECTION_TEXT)) return false;
      if (fields === undefined) return true;
      return (
        Array.isArray(fields) &&
        fields.length <= MAX_FIELDS &&
        fields.every((field) => textObjectIsValid(field, MAX_FIELD_TEXT))
      );
    }
    case "header":
      return textObjectIsValid(block.text, MAX_HEADER_TEXT, "plain_text");
    case "context":
      return nonEmptyList(block.elements, MAX_CONTEXT_ELEMENTS);
    case "actions":
      return nonEmptyList(block.elements, MAX_ACTIONS_ELEMENTS);
    case "divider":
      return true;
    case "image":
      return (typeof block.image_url === "string" || isRecord(block.slack_file)) && typeof block.alt_text === "string";
    case "rich_text":
      return Array.isArray(block.elements);
    case "input":
    case "file":
    case "video":
    case "markdown":
      return true;
    default:
      return false;
  }
}

function textObjectIsValid(value: unknown, maxLength: number, only?: "plain_text"): boolean {
  if (!isRecord(value) || typeof value.text !== "string") return false;
  const typeOk = only ? value.type === only : value.type === "plain_text" || value.type === "mrkdwn";
  return typeOk && value.text.length >= 1 && value.text.length <= maxLength;
}

function nonEmptyList(value: unknown, max: number): boolean {
  return Array.isArray(value) && value.length >= 1 && value.length <= max;
}
