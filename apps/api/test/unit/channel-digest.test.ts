import { describe, expect, it } from "vitest";
import { digest, MAX_LIST_ITEMS } from "../../src/delivery/channels/digest";
import { renderPagerDuty } from "../../src/delivery/channels/render-pagerduty";
import { renderSplunkHec, SPLUNK_HEC_MAX_BYTES } from "../../src/delivery/channels/render-splunk-hec";
import { capJson, ELLIPSIS, jsonSize, truncate } from "../../src/delivery/channels/truncate";
import { emptyView, healthView, incidentView, injectionView, longView, reportView } from "./channel-views";

describe("truncate", () => {
  it("leaves a text that fits alone", () => {
    expect(truncate("abc", 3)).toBe("abc");
  });

  it("cuts visibly, within the limit", () => {
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(truncate("abc   def", 6)).toBe("abc…"); // no dangling space before the ellipsis
  });

  it("never splits a surrogate pair", () => {
    const cut = truncate("😀😀😀", 4); // 6 code units: two whole emoji do not leave room for "…"
    expect(cut).toBe("😀…");
    expect(cut.length).toBeLessThanOrEqual(4);
  });

  it("cuts before escaping, so an escape sequence is never split and the escaped text fits", () => {
    const escapeAmpersands = (text: string) => text.replace(/&/g, "&amp;");
    const cut = truncate("a&&&&&&&&", 10, escapeAmpersands);
    expect(cut).toBe("a&amp;…");
    expect(cut.length).toBeLessThanOrEqual(10);
  });

  it("fits a 100 KB text to a small limit", () => {
    const cut = truncate("x".repeat(100_000), 3_000);
    expect(cut).toHaveLength(3_000);
    expect(cut.endsWith(ELLIPSIS)).toBe(true);
  });
});

describe("capJson", () => {
  it("returns a value that fits unchanged", () => {
    const value = { a: [1, 2], b: "text" };
    expect(capJson(value, 1_000)).toBe(value);
  });

  it("cuts the largest members and keeps the small ones whole", () => {
    const capped = capJson(
      { id: "A1", big: "y".repeat(10_000), list: Array.from({ length: 500 }, (_, i) => i) },
      1_000,
    );
    expect(jsonSize(capped)).toBeLessThanOrEqual(1_000);
    expect(capped).toMatchObject({ id: "A1" });
    const { big, list } = capped as { big: string; list: unknown[] };
    expect(big.endsWith(ELLIPSIS)).toBe(true);
    expect(list.at(-1)).toMatch(/^… \d+ more items$/);
  });

  it("says how much it cut when nothing smaller can stand in", () => {
    expect(capJson({ a: 1, b: 2, c: 3 }, 10)).toBe(`${ELLIPSIS} (19 bytes cut)`);
  });
});

describe("digest", () => {
  it("titles each seed type and finds the incident's key", () => {
    expect(digest(incidentView())).toMatchObject({
      title: "High threat incident: Web server recon attack from 13.13.13.13",
      severity: "high",
      summary: "Web server recon attack from 13.13.13.13",
      incidentKey: "longeyeisid",
    });
    expect(digest(reportView()).title).toBe("Scheduled report: Weekly threat summary");
    expect(digest(healthView()).title).toBe("Health alert: offline");
    const empty = digest(emptyView());
    expect(empty).toMatchObject({ title: "custom/thing", severity: undefined, incidentKey: undefined, links: [] });
    expect(empty.summary).toBe("custom/thing notification for 87654321");
    expect(empty.facts).toEqual([
      { label: "Account", value: "87654321" },
      { label: "Type", value: "custom/thing" },
    ]);
  });

  it.each([
    ["CRITICAL", "critical"],
    ["High", "high"],
    ["moderate", "medium"],
    [" low ", "low"],
    ["Informational", "info"],
    ["info", "info"],
  ])("reads threat level %j as %s", (level, severity) => {
    const view = incidentView();
    view.notificationData.threat_level = level;
    expect(digest(view).severity).toBe(severity);
  });

  it("falls back to payload.threat, and shows a level it cannot read as sent", () => {
    const view = incidentView();
    delete view.notificationData.threat_level;
    expect(digest(view).severity).toBe("medium"); // payload.threat: "Medium"
    view.notificationData.threat_level = "bananas";
    view.payload.threat = "also bananas";
    const seen = digest(view);
    expect(seen.severity).toBeUndefined();
    expect(seen.title).toBe("Incident: Web server recon attack from 13.13.13.13");
    expect(seen.facts).toContainEqual({ label: "Threat level", value: "bananas" });
  });

  it("caps lists, saying how many more there are", () => {
    const attackers = digest(longView()).facts.find((fact) => fact.label === "Attackers");
    expect(attackers?.value.split(", ")).toHaveLength(MAX_LIST_ITEMS);
    expect(attackers?.value.endsWith(`… (+${1_000 - MAX_LIST_ITEMS} more)`)).toBe(true);
  });

  it("links only http(s) attachments", () => {
    expect(digest(injectionView()).links).toEqual([
      { label: "ok <!channel> [x](y)", url: "https://example.com/a%20b?x=1&y=%3C2%3E|z(3)" },
    ]);
  });

  it("uses the subscription's message text as the summary", () => {
    expect(digest(incidentView(), { messageText: "  Look at this\nnow  " }).summary).toBe("Look at this\nnow");
    expect(digest(incidentView(), { messageText: "   " }).summary).toBe("Web server recon attack from 13.13.13.13");
  });
});

describe("renderPagerDuty", () => {
  const config = { routingKey: "R0UT1NGKEY0123456789abcdef012345" };

  it("maps severity by default and by the integration's map", () => {
    const view = incidentView();
    const severity = (event: ReturnType<typeof renderPagerDuty>) =>
      event.event_action === "trigger" ? event.payload.severity : undefined;
    expect(severity(renderPagerDuty(view, config))).toBe("error");
    expect(severity(renderPagerDuty(view, { ...config, severityMap: { high: "critical" } }))).toBe("critical");
    view.notificationData.threat_level = "bananas";
    view.payload.threat = "bananas";
    expect(severity(renderPagerDuty(view, config))).toBe("warning");
  });

  it("resolves by a configured field, and by default only when notification_data.status closes the incident", () => {
    const view = incidentView(); // notification_data.status "open", payload.status "closed"
    expect(renderPagerDuty(view, config).event_action).toBe("trigger");
    const byPayload = { ...config, resolveWhen: { field: "payload.status", values: ["CLOSED"] } };
    expect(renderPagerDuty(view, byPayload)).toEqual({
      routing_key: config.routingKey,
      event_action: "resolve",
      dedup_key: "longeyeisid",
    });
    expect(
      renderPagerDuty(view, { ...config, resolveWhen: { field: "payload.nothing", values: [""] } }).event_action,
    ).toBe("trigger");
  });

  it("deduplicates by the notification's id when it names no incident", () => {
    expect(renderPagerDuty(emptyView(), config)).toMatchObject({
      dedup_key: emptyView().id,
      payload: { source: "87654321", severity: "warning", group: "custom/thing" },
    });
  });
});

describe("renderSplunkHec", () => {
  it("cuts only a notification larger than HEC's default content length, visibly", () => {
    const view = incidentView();
    view.payload.investigation_report = "r".repeat(1_500_000);
    const event = renderSplunkHec(view);
    expect(jsonSize(event)).toBeLessThanOrEqual(SPLUNK_HEC_MAX_BYTES);
    const { payload } = event.event as { payload: Record<string, unknown> };
    expect(String(payload.investigation_report).endsWith(ELLIPSIS)).toBe(true);
    expect(payload.incident_id).toBe("eyeisid");
    expect(event).toMatchObject({ source: "herald", sourcetype: "herald:notification" });
    expect(event).not.toHaveProperty("index");
  });
});
