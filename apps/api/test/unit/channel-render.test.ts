import { describe, expect, it } from "vitest";
import type { NotificationView } from "../../src/delivery/channels/message";
import { DISCORD_LIMITS, type DiscordMessage, renderDiscord } from "../../src/delivery/channels/render-discord";
import {
  PAGERDUTY_LIMITS,
  type PagerDutyConfig,
  type PagerDutyEvent,
  renderPagerDuty,
} from "../../src/delivery/channels/render-pagerduty";
import { renderSlack, SLACK_LIMITS, type SlackMessage } from "../../src/delivery/channels/render-slack";
import {
  renderSplunkHec,
  SPLUNK_HEC_MAX_BYTES,
  type SplunkHecEvent,
} from "../../src/delivery/channels/render-splunk-hec";
import {
  renderTeams,
  TEAMS_LIMITS,
  TEAMS_MAX_BYTES,
  type TeamsMessage,
} from "../../src/delivery/channels/render-teams";
import { jsonSize } from "../../src/delivery/channels/truncate";
import { CASES, documentOf, incidentView, longView, wideView } from "./channel-views";

// Golden files show what each vendor receives for the seed notification types and for hostile data; the structural
// checks below hold the vendor limits and the escaping, so a regression fails even when the goldens are re-recorded.

const PAGERDUTY: PagerDutyConfig = { routingKey: "R0UT1NGKEY0123456789abcdef012345" };
const SPLUNK = { index: "security" };

const RENDERERS = {
  slack: (view: NotificationView) => renderSlack(view),
  msteams: (view: NotificationView) => renderTeams(view),
  discord: (view: NotificationView) => renderDiscord(view),
  pagerduty: (view: NotificationView) => renderPagerDuty(view, PAGERDUTY),
  splunk_hec: (view: NotificationView) => renderSplunkHec(view, SPLUNK),
} as const;

const CASE_NAMES = Object.keys(CASES) as Array<keyof typeof CASES>;
const TYPES = Object.keys(RENDERERS) as Array<keyof typeof RENDERERS>;
const GOLDEN_CASES = TYPES.flatMap((type) => CASE_NAMES.map((name) => [type, name] as const));

function golden(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

describe("golden renderings", () => {
  it.each(GOLDEN_CASES)("%s: %s", async (type, name) => {
    const rendered = RENDERERS[type](CASES[name]());
    await expect(golden(rendered)).toMatchFileSnapshot(`./__golden__/${type}/${name}.json`);
  });

  it("pagerduty: a closed incident resolves", async () => {
    const view = incidentView();
    view.notificationData.status = "Closed";
    await expect(golden(renderPagerDuty(view, PAGERDUTY))).toMatchFileSnapshot(
      "./__golden__/pagerduty/incident-closed.json",
    );
  });

  it("slack, msteams, discord, pagerduty: the subscription's message text replaces the summary", async () => {
    const options = { messageText: "Medium threat from 13.13.13.13 <!channel>\nSee the console." };
    const view = incidentView();
    const rendered = {
      slack: renderSlack(view, options),
      msteams: renderTeams(view, options),
      discord: renderDiscord(view, options),
      pagerduty: renderPagerDuty(view, PAGERDUTY, options),
    };
    await expect(golden(rendered)).toMatchFileSnapshot("./__golden__/message-text.json");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Limits and escaping, for every case

const ALL_VIEWS = [...CASE_NAMES.map((name) => [name, CASES[name]] as const), ["wide", wideView] as const];

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function expectWholeCodePoints(value: unknown) {
  const strings: string[] = [];
  JSON.stringify(value, (_key, member) => {
    if (typeof member === "string") strings.push(member);
    return member;
  });
  for (const text of strings) expect(LONE_SURROGATE.test(text), text.slice(0, 80)).toBe(false);
}

function expectHttpUrl(url: string) {
  expect(new URL(url).protocol).toMatch(/^https?:$/);
}

describe.each(ALL_VIEWS)("%s notification", (_name, makeView) => {
  it("slack: within Block Kit's limits, every mrkdwn text inert but for Herald's own http(s) links", () => {
    const message: SlackMessage = renderSlack(makeView());
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.text.length).toBeLessThanOrEqual(40_000);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    const mrkdwnTexts = [message.text];
    for (const block of message.blocks) {
      if (block.type === "header") {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      } else if (block.type === "section" && "fields" in block) {
        expect(block.fields.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
        mrkdwnTexts.push(...block.fields.map((field) => field.text));
      } else if (block.type === "section") {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        mrkdwnTexts.push(block.text.text);
      } else {
        expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
        mrkdwnTexts.push(...block.elements.map((element) => element.text));
      }
    }
    for (const text of mrkdwnTexts) {
      expect(text).not.toContain("<!");
      expect(text).not.toMatch(/@(channel|here|everyone)\b/i);
      // Every `<` opens one of Herald's links, `<http(s)://...|label>`, and nothing else.
      for (const [, url] of text.matchAll(/<([^>|]*)/g)) expectHttpUrl((url ?? "").replace(/&amp;/g, "&"));
    }
    expectWholeCodePoints(message);
  });

  it("msteams: under the byte budget, data escaped in card markdown, buttons only to http(s)", () => {
    const message: TeamsMessage = renderTeams(makeView());
    expect(jsonSize(message)).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
    const card = message.attachments[0].content;
    const texts = card.body.flatMap((block) =>
      block.type === "TextBlock" ? [block.text] : block.facts.map((fact) => fact.value),
    );
    for (const text of texts) {
      // Each markup character is preceded by a backslash (an escaped backslash counts as two).
      expect(text.replace(/\\[\s\S]/g, "")).not.toMatch(/[[\]()<>*_`~]/);
    }
    expect(card.actions.length).toBeLessThanOrEqual(TEAMS_LIMITS.actions);
    for (const action of card.actions) expectHttpUrl(action.url);
    expectWholeCodePoints(message);
  });

  it("discord: within embed limits, the 6,000 total, no mentions, data escaped", () => {
    const message: DiscordMessage = renderDiscord(makeView());
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(message.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embeds);
    let total = 0;
    for (const embed of message.embeds) {
      expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
      const description = embed.description ?? "";
      expect(description.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      expect(embed.fields.length).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
      expect(embed.footer.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
      total += embed.title.length + description.length + embed.footer.text.length;
      for (const field of embed.fields) {
        expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
        expect(field.value.length).toBeGreaterThan(0);
        expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
        total += field.name.length + field.value.length;
      }
      const texts = [message.content, embed.title, description, ...embed.fields.map((field) => field.value)];
      for (const text of texts) {
        // Herald's own links are the only markup: `[label](http...)`.
        const withoutLinks = text.replace(/\\[\s\S]/g, "").replace(/\[[^\]]*\]\((https?:\/\/[^)]*)\)/g, "");
        expect(withoutLinks).not.toMatch(/[[\]()<*_`~|]/);
        for (const [, url] of text.matchAll(/(?<!\\)\]\(([^)]*)\)/g)) expectHttpUrl(url ?? "");
      }
    }
    expect(total).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expectWholeCodePoints(message);
  });

  it("pagerduty: a valid Events v2 event, far under 512 KB", () => {
    const event: PagerDutyEvent = renderPagerDuty(makeView(), PAGERDUTY);
    expect(event.routing_key).toBe(PAGERDUTY.routingKey);
    expect(event.dedup_key.length).toBeGreaterThan(0);
    expect(event.dedup_key.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.dedupKey);
    expect(jsonSize(event)).toBeLessThan(512 * 1024);
    if (event.event_action === "resolve") {
      expect(Object.keys(event).sort()).toEqual(["dedup_key", "event_action", "routing_key"]);
      return;
    }
    expect(event.event_action).toBe("trigger");
    expect(event.payload.summary.length).toBeGreaterThan(0);
    expect(event.payload.summary.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.summary);
    expect(event.payload.source.trim().length).toBeGreaterThan(0);
    expect(["critical", "error", "warning", "info"]).toContain(event.payload.severity);
    expect(jsonSize(event.payload.custom_details)).toBeLessThanOrEqual(PAGERDUTY_LIMITS.customDetailsBytes);
    expect(event.links.length).toBeLessThanOrEqual(PAGERDUTY_LIMITS.links);
    for (const link of event.links) expectHttpUrl(link.href);
    expect(event.client).toBe("Herald");
    expectWholeCodePoints(event);
  });

  it("splunk_hec: the whole notification, within HEC's default content length", () => {
    const view = makeView();
    const event: SplunkHecEvent = renderSplunkHec(view, SPLUNK);
    expect(jsonSize(event)).toBeLessThanOrEqual(SPLUNK_HEC_MAX_BYTES);
    expect(event).toMatchObject({
      host: "herald",
      source: "herald",
      sourcetype: "herald:notification",
      index: "security",
    });
    expect(event.time).toBe(Date.parse(view.createdAt) / 1000);
    // Under the limit nothing is cut: the event is the notification as stored (a webhook's document without its
    // status and stamps), with the account's and the type's names and the time it was created.
    const { status: _status, created: _created, modified: _modified, ...stored } = documentOf(view);
    expect(event.event).toEqual({
      ...stored,
      account_name: view.accountName,
      type_name: view.typeName,
      created_at: view.createdAt,
    });
  });
});

describe("the summary beside the title", () => {
  it("is left out when the title already says it", () => {
    const slack = renderSlack(incidentView());
    expect(slack.text).toBe("High threat incident: Web server recon attack from 13.13.13.13");
    expect(slack.blocks.filter((block) => block.type === "section" && "text" in block)).toHaveLength(1); // links
    expect(renderDiscord(incidentView()).embeds[0]?.description).toBeUndefined();
  });

  it("shows, cut visibly at the vendor's limit, when the title had to be cut", () => {
    const view = longView();
    const [, summary] = renderSlack(view).blocks;
    expect(summary).toMatchObject({ type: "section", text: { type: "mrkdwn" } });
    const text = summary?.type === "section" && "text" in summary ? summary.text.text : "";
    expect(text.startsWith("Web server recon attack attack")).toBe(true);
    // Up to the limit, less a space trimmed before the ellipsis.
    expect(text.length).toBeGreaterThanOrEqual(SLACK_LIMITS.sectionText - 1);
    expect(text.endsWith("…")).toBe(true);
    const description = renderDiscord(view).embeds[0]?.description ?? "";
    expect(description.length).toBeGreaterThan(3_000);
    expect(description.endsWith("…")).toBe(true);
    const card = renderTeams(view).attachments[0].content;
    expect(card.body[1]).toMatchObject({ type: "TextBlock", text: expect.stringMatching(/^Web server recon.*…$/) });
  });
});
