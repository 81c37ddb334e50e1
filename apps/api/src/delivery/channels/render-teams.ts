// A notification as a Microsoft Teams message for a Workflows webhook: one Adaptive Card (1.4, which Teams renders).
// Teams refuses messages over about 28 KB; the limits below keep the text under 16 KB even when every character takes
// three bytes of UTF-8, and link buttons are added only while the message stays under TEAMS_MAX_BYTES.

import { digest, displayTime, summaryBeyondTitle } from "./digest";
import type { NotificationView, RenderOptions, Severity } from "./message";
import { jsonSize, truncate } from "./truncate";

export const TEAMS_LIMITS = {
  title: 200,
  summary: 1_500,
  factValue: 200,
  context: 300,
  actions: 5,
  actionTitle: 100,
  /** Herald accepts attachment URLs up to 2,048 characters; a longer one (after normalising) is left out, not cut. */
  actionUrl: 2_048,
} as const;

/** The most a rendered message weighs (UTF-8 JSON), well under Teams' ~28 KB. */
export const TEAMS_MAX_BYTES = 24 * 1024;

type TextBlock = {
  type: "TextBlock";
  text: string;
  wrap: true;
  size?: "Small" | "Large";
  weight?: "Bolder";
  color?: TextColor;
  isSubtle?: boolean;
};
type FactSet = { type: "FactSet"; facts: Array<{ title: string; value: string }> };
type OpenUrl = { type: "Action.OpenUrl"; title: string; url: string };
type TextColor = "Default" | "Accent" | "Warning" | "Attention";

export interface TeamsMessage {
  type: "message";
  attachments: [
    {
      contentType: "application/vnd.microsoft.card.adaptive";
      contentUrl: null;
      content: {
        $schema: "http://adaptivecards.io/schemas/adaptive-card.json";
        type: "AdaptiveCard";
        version: "1.4";
        msteams: { width: "Full" };
        body: Array<TextBlock | FactSet>;
        actions: OpenUrl[];
      };
    },
  ];
}

const SEVERITY_COLORS: Record<Severity, TextColor> = {
  critical: "Attention",
  high: "Attention",
  medium: "Warning",
  low: "Accent",
  info: "Default",
};

export function renderTeams(view: NotificationView, options: RenderOptions = {}): TeamsMessage {
  const seen = digest(view, options);
  const body: Array<TextBlock | FactSet> = [
    {
      type: "TextBlock",
      text: truncate(seen.title, TEAMS_LIMITS.title, escapeCardMarkdown),
      wrap: true,
      size: "Large",
      weight: "Bolder",
      color: seen.severity ? SEVERITY_COLORS[seen.severity] : "Default",
    },
  ];
  const summary = summaryBeyondTitle(seen, escapeCardMarkdown(seen.title).length <= TEAMS_LIMITS.title);
  if (summary) {
    // Card markdown needs a blank line for a line break.
    const text = truncate(summary.replace(/\n+/g, "\n\n"), TEAMS_LIMITS.summary, escapeCardMarkdown);
    body.push({ type: "TextBlock", text, wrap: true });
  }
  if (seen.facts.length > 0) {
    body.push({
      type: "FactSet",
      facts: seen.facts.map(({ label, value }) => ({
        title: label,
        value: truncate(value, TEAMS_LIMITS.factValue, escapeCardMarkdown),
      })),
    });
  }
  body.push(subtleText(`${view.accountName} · ${displayTime(view.createdAt)}`));
  const message = cardMessage(body);
  const { actions } = message.attachments[0].content;
  // Links are buttons while they fit: a URL cannot be cut, so one that does not fit is counted instead.
  const links = seen.links.filter((link) => link.url.length <= TEAMS_LIMITS.actionUrl);
  for (const link of links.slice(0, TEAMS_LIMITS.actions)) {
    // An action's title is plain text, not markdown.
    actions.push({ type: "Action.OpenUrl", title: truncate(link.label, TEAMS_LIMITS.actionTitle), url: link.url });
    if (jsonSize(message) > TEAMS_MAX_BYTES - MORE_LINKS_RESERVE) {
      actions.pop();
      break;
    }
  }
  const unshown = seen.links.length - actions.length;
  if (unshown > 0) body.push(subtleText(`${unshown} more attachments not shown`));
  return message;
}

// Room kept for the line that counts the attachments left out.
const MORE_LINKS_RESERVE = 200;

function subtleText(text: string): TextBlock {
  return {
    type: "TextBlock",
    text: truncate(text, TEAMS_LIMITS.context, escapeCardMarkdown),
    wrap: true,
    size: "Small",
    isSubtle: true,
  };
}

function cardMessage(body: Array<TextBlock | FactSet>): TeamsMessage {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          msteams: { width: "Full" },
          body,
          actions: [],
        },
      },
    ],
  };
}

/**
 * Data as literal text in a card's markdown (bold, italic, lists, links): a backslash before each character that
 * could start markup, so `[x](javascript:...)`, `**` and `<b>` read as typed. Block markers (`#`, and `-`, `+`, `1.`
 * before a space) only count at the start of a line.
 */
export function escapeCardMarkdown(text: string): string {
  return text
    .replace(/[\\`*_~[\]()<>&|]/g, "\\$&")
    .replace(/^(\s*)(#|[-+](?=\s))/gm, "$1\\$2")
    .replace(/^(\s*\d+)\.(?=\s|$)/gm, "$1\\.");
}
