// The words "Why not delivered?" puts on each kind of decision and destination (the browser test sees a filtered-out
// notification and a delivered one; the other kinds are checked here, rendered to text without a browser).
import type { Schemas } from "@herald/client";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Router } from "wouter";
import { DestinationLine, Explanation, MismatchText } from "../src/components/WhyNotDelivered";

type Decision = Schemas["Fanout-Decision"];
type Destination = Schemas["Decision-Destination"];

/** The rendered text (tags dropped), with the markup's links kept as `[text](href)`. */
function text(node: ReactNode): string {
  return renderToStaticMarkup(<Router ssrPath="/">{node}</Router>)
    .replace(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g, "[$2]($1)")
    .replace(/<[^>]+>/g, "")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">");
}

const names: Record<string, string> = { "SUB-OLD": "SOC", "SUB-NEW": "Night shift" };
const subscriptionName = (id: string) => names[id];
const explain = (decision: Partial<Decision>) =>
  text(
    <Explanation
      decision={{ subscription_id: "SUB-NEW", decision: "delivered", ...decision } as Decision}
      subscriptionName={subscriptionName}
    />,
  );

describe("why not delivered, in words", () => {
  it("says which notification suppressed it, linked, and until when", () => {
    const until = Date.UTC(2026, 11, 6, 4, 0) / 1000;
    expect(explain({ decision: "suppressed", suppressed_by: "N-1", suppressed_until: until })).toBe(
      "An earlier notification of the same incident, [N-1](/notifications/N-1), opened this subscription's " +
        `suppression window: nothing more is sent for that incident until ${new Date(until * 1000).toLocaleString()}.`,
    );
  });

  it("names the older subscription a deduplicated one relied on", () => {
    expect(
      explain({
        decision: "deduplicated",
        destinations: [
          { subscriber_type: "connection", subscriber: "I", outcome: "deduplicated", deduplicated_by: "SUB-OLD" },
        ],
      }),
    ).toBe(
      "It matched, but the older subscription SOC already reaches every one of its destinations, so nothing was sent twice.",
    );
  });

  it("explains inactive and no-subscriber decisions", () => {
    expect(explain({ decision: "inactive" })).toMatch(/switched off \(not active\) when fan-out ran/);
    expect(explain({ decision: "no_subscribers" })).toMatch(/no users or integrations subscribed: nothing was sent/);
  });

  it("shows a failed clause's values, a negated one, a missing value, a source on the right and a malformed filter", () => {
    expect(
      text(
        <MismatchText
          mismatch={{
            clause: "and.1.in",
            operator: "in",
            left_source: "notification.severity",
            left: "low",
            right: ["high", "critical"],
          }}
        />,
      ),
    ).toBe('notification.severity is "low"; the clause wants it to be one of ["high","critical"]. (clause and.1.in)');
    expect(
      text(
        <MismatchText
          mismatch={{ clause: "not.=", operator: "=", left_source: "account.id", left: "2", right: "2", negated: true }}
        />,
      ),
    ).toBe('Under a not: account.id is "2"; the clause wants it not to equal "2". (clause not.=)');
    expect(
      text(
        <MismatchText
          mismatch={{
            clause: "=",
            operator: "=",
            left_source: "notification.site",
            right_source: "account.id",
            right: "7",
          }}
        />,
      ),
    ).toBe(
      'notification.site is no value (the notification does not have it); the clause wants it to equal account.id ("7"). (clause =)',
    );
    expect(text(<MismatchText mismatch={{ clause: "", operator: "malformed" }} />)).toMatch(/could not be read/);
  });

  it("says per destination: disabled (why, since when), paused, no e-mail address, gone, and the leg's status", () => {
    const line = (destination: Partial<Destination>, name = "integration Hook") =>
      text(
        <DestinationLine
          destination={
            { subscriber_type: "connection", subscriber: "I", outcome: "leg", ...destination } as Destination
          }
          name={name}
          subscriptionName={subscriptionName}
        />,
      );
    const since = Date.UTC(2026, 11, 5, 22, 0) / 1000;
    expect(line({ integration_disabled_at: since, integration_disabled_reason: "HTTP 410: gone" })).toBe(
      `integration Hook — no leg visible (Herald had disabled the integration since ${new Date(since * 1000).toLocaleString()} ` +
        "(HTTP 410: gone): delivery skips the leg until it is enabled again)",
    );
    expect(line({ integration_paused_at: since })).toMatch(/paused since .*: the leg waits until it is resumed/);
    expect(line({ subscriber_type: "user", user_without_email: true }, "user Ada")).toMatch(
      /^user Ada — no leg visible \(the user has no e-mail address, so the leg fails without sending\)$/,
    );
    expect(line({ subscriber_missing: true })).toMatch(/no longer existed when fan-out ran/);
    expect(line({ outcome: "deduplicated", deduplicated_by: "SUB-OLD" })).toBe(
      "integration Hook: already reached through subscription SOC's leg",
    );
    const failed = { id: "D", status: "FAILED", last_error: "HTTP 500" } as Destination["delivery"];
    expect(line({ delivery: failed })).toBe("integration Hook — leg failed: HTTP 500");
  });
});
