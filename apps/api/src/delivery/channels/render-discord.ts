// A notification as a Discord webhook message: one embed, coloured by severity. Nothing in the data can ping anyone:
// `allowed_mentions.parse` is empty whatever the text says. Limits from Discord's embed reference.

import { digest, displayTime, type Fact, type Link, summaryBeyondTitle } from "./digest";
import type { NotificationView, RenderOptions, Severity } from "./message";
import { ELLIPSIS, truncate } from "./truncate";

export const DISCORD_LIMITS = {
  content: 2_000,
  embeds: 10,
  title: 256,
  description: 4_096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1_024,
  footer: 2_048,
  /** The sum of every embed's title, description, field names and values, footer text and author name. */
  embedTotal: 6_000,
} as const;

// What the facts may take of the embed's 6,000 characters, so the description (the summary) keeps most of it.
const FIELDS_BUDGET = 2_000;
const FOOTER_MAX = 256;
const LINK_LABEL_MAX = 100;
// Values this short sit side by side.
const INLINE_MAX = 40;

export interface DiscordEmbed {
  title: string;
  description?: string;
  color: number;
  fields: Array<{ name: string; value: string; inline: boolean }>;
  timestamp?: string;
  footer: { text: string };
}

export interface DiscordMessage {
  content: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: [] };
}

// The colours of Herald's e-mails.
const SEVERITY_COLORS: Record<Severity, number> = {
  critical: 0xbf2600,
  high: 0xde350b,
  medium: 0xff8b00,
  low: 0x0065ff,
  info: 0x5e6c84,
};
const NEUTRAL_COLOR = 0x5e6c84;

export function renderDiscord(view: NotificationView, options: RenderOptions = {}): DiscordMessage {
  const seen = digest(view, options);
  const title = truncate(seen.title, DISCORD_LIMITS.title, escapeDiscordMarkdown);
  // The footer is plain text: Discord shows no markdown there.
  const footer = truncate(`Herald · ${view.accountName}`, FOOTER_MAX);
  const fields = embedFields(seen.facts, seen.links);
  const used =
    title.length + footer.length + fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  const summary = summaryBeyondTitle(seen, escapeDiscordMarkdown(seen.title).length <= DISCORD_LIMITS.title);
  const description = summary
    ? truncate(summary, Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - used), escapeDiscordMarkdown)
    : undefined;
  const timestamp = Number.isNaN(Date.parse(view.createdAt)) ? undefined : new Date(view.createdAt).toISOString();
  return {
    content: truncate(
      `${view.typeName} · ${view.accountName} · ${displayTime(view.createdAt)}`,
      DISCORD_LIMITS.content,
      escapeDiscordMarkdown,
    ),
    embeds: [
      {
        title,
        ...(description ? { description } : {}),
        color: seen.severity ? SEVERITY_COLORS[seen.severity] : NEUTRAL_COLOR,
        fields,
        ...(timestamp ? { timestamp } : {}),
        footer: { text: footer },
      },
    ],
    allowed_mentions: { parse: [] },
  };
}

function embedFields(facts: Fact[], links: Link[]): DiscordEmbed["fields"] {
  // Facts are cut before escaping; the attachment list is markdown already, cut by whole lines.
  const wanted: Array<{ name: string; render: (max: number) => string }> = facts.map(({ label, value }) => ({
    name: label,
    render: (max) => truncate(value, max, escapeDiscordMarkdown),
  }));
  if (links.length > 0) wanted.push({ name: "Attachments", render: (max) => attachmentList(links, max) });
  const fields: DiscordEmbed["fields"] = [];
  let budget = FIELDS_BUDGET;
  const shown = wanted.slice(0, DISCORD_LIMITS.fields);
  for (const [index, { name, render }] of shown.entries()) {
    // An equal share of what is left, so one long list does not crowd out the facts after it.
    const share = Math.min(DISCORD_LIMITS.fieldValue, Math.floor(budget / (shown.length - index)) - name.length);
    const value = render(share);
    if (value === "") continue;
    fields.push({ name, value, inline: value.length <= INLINE_MAX });
    budget -= name.length + value.length;
  }
  return fields;
}

function attachmentList(links: Link[], max: number): string {
  let text = "";
  for (const [index, link] of links.entries()) {
    const line = `${index > 0 ? "\n" : ""}[${truncate(link.label, LINK_LABEL_MAX, escapeDiscordMarkdown)}](${discordUrl(link.url)})`;
    const more = `${index > 0 ? "\n" : ""}${ELLIPSIS} and ${links.length - index} more`;
    if (text.length + line.length + (index === links.length - 1 ? 0 : more.length) > max) {
      return text.length + more.length <= max ? text + more : text;
    }
    text += line;
  }
  return text;
}

/** A normalised http(s) URL inside `[label](url)`: parentheses would end it early. */
function discordUrl(url: string): string {
  return url.replace(/\(/g, "%28").replace(/\)/g, "%29");
}

/**
 * Data as literal text in Discord markdown: a backslash before each character that starts inline markup or a
 * mention, channel, emoji or timestamp tag (`<@id>`, `<#id>`, `<t:...>`), and before block markers at the start of a
 * line (`#`, `>`, and `-`, `+`, `1.` before a space, `-#`).
 */
export function escapeDiscordMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~|<[\]()]/g, "\\$&")
    .replace(/^(\s*)([#>]|[-+](?=[\s#]))/gm, "$1\\$2")
    .replace(/^(\s*\d+)\.(?=\s|$)/gm, "$1\\.");
}
