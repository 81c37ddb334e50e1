// A notification as a Slack incoming-webhook message: Block Kit blocks, with a plain `text` for notifications and
// clients that cannot show blocks. Limits from Slack's Block Kit reference (docs.slack.dev/reference/block-kit).

import { type Digest, digest, displayTime, type Link, summaryBeyondTitle } from "./digest";
import type { NotificationView, RenderOptions } from "./message";
import { ELLIPSIS, truncate } from "./truncate";

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3_000,
  sectionFields: 10,
  fieldText: 2_000,
  contextElements: 10,
  /** Slack cuts a message's `text` beyond 40,000 characters; a notification preview needs far less. */
  fallbackText: 3_000,
} as const;

export type SlackText = { type: "plain_text"; text: string; emoji: boolean } | { type: "mrkdwn"; text: string };

export type SlackBlock =
  | { type: "header"; text: { type: "plain_text"; text: string; emoji: boolean } }
  | { type: "section"; text: SlackText }
  | { type: "section"; fields: SlackText[] }
  | { type: "context"; elements: SlackText[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

// Longest an attachment's name may be in the list of links.
const LINK_LABEL_MAX = 200;
const ACCOUNT_MAX = 500;

export function renderSlack(view: NotificationView, options: RenderOptions = {}): SlackMessage {
  const seen = digest(view, options);
  const summary = summaryBeyondTitle(seen, seen.title.length <= SLACK_LIMITS.headerText);
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: truncate(seen.title, SLACK_LIMITS.headerText), emoji: false } },
    ...(summary
      ? [{ type: "section", text: mrkdwn(truncate(summary, SLACK_LIMITS.sectionText, escapeMrkdwn)) } as const]
      : []),
    ...factSections(seen),
    ...linkSections(seen.links),
    {
      type: "context",
      elements: [
        mrkdwn(truncate(`${view.accountName} · ${displayTime(view.createdAt)}`, ACCOUNT_MAX, escapeMrkdwn)),
        mrkdwn("Sent by Herald"),
      ],
    },
  ];
  return {
    text: truncate(summary ? `${seen.title}\n${summary}` : seen.title, SLACK_LIMITS.fallbackText, escapeMrkdwn),
    // The digest's facts are few, so this never cuts today; it keeps a longer digest valid.
    blocks: blocks.slice(0, SLACK_LIMITS.blocks),
  };
}

function factSections(seen: Digest): SlackBlock[] {
  const fields = seen.facts.map(({ label, value }) => {
    const heading = `*${escapeMrkdwn(label)}*\n`;
    return mrkdwn(heading + truncate(value, SLACK_LIMITS.fieldText - heading.length, escapeMrkdwn));
  });
  const sections: SlackBlock[] = [];
  for (let start = 0; start < fields.length; start += SLACK_LIMITS.sectionFields) {
    sections.push({ type: "section", fields: fields.slice(start, start + SLACK_LIMITS.sectionFields) });
  }
  return sections;
}

function linkSections(links: Link[]): SlackBlock[] {
  if (links.length === 0) return [];
  let text = "*Attachments*";
  for (const [index, link] of links.entries()) {
    const line = `\n• <${slackUrl(link.url)}|${truncate(link.label, LINK_LABEL_MAX, escapeMrkdwn)}>`;
    const more = `\n${ELLIPSIS} and ${links.length - index} more`;
    const isLast = index === links.length - 1;
    // Stop while the "and N more" line still fits after this one.
    if (text.length + line.length + (isLast ? 0 : more.length) > SLACK_LIMITS.sectionText) {
      text += more;
      break;
    }
    text += line;
  }
  return [{ type: "section", text: mrkdwn(text) }];
}

function mrkdwn(text: string): SlackText {
  return { type: "mrkdwn", text };
}

/**
 * Data as inert mrkdwn text. Slack reads `<...>` as links and mentions (`<!channel>`, `<@U123>`, `<http://x|click>`)
 * and `&` as the start of an entity, and asks for these three to be escaped; `@channel`, `@here` and `@everyone`
 * become mentions when a webhook has `link_names` on, so a word joiner keeps them words.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/@(channel|here|everyone)\b/gi, "@\u2060$1");
}

/** A normalised http(s) URL inside `<url|label>`: `|` would end the URL, `&` starts an entity. */
function slackUrl(url: string): string {
  return url.replace(/&/g, "&amp;").replace(/\|/g, "%7C").replace(/</g, "%3C").replace(/>/g, "%3E");
}
