import type { SubscriptionRow } from "@herald/db";
import { describe, expect, it } from "vitest";
import { FanoutDecisionLog } from "../../src/delivery/fanout-decisions";

function subscription(id: string, createdAt: number, active = true): SubscriptionRow {
  return {
    id,
    accountId: "1",
    name: id,
    class: "event",
    notificationType: "a/b",
    externalId: null,
    active,
    options: null,
    filters: null,
    template: null,
    suppressionInterval: null,
    createdAt,
    createdBy: "u",
    modifiedAt: createdAt,
    modifiedBy: "u",
  };
}

describe("FanoutDecisionLog", () => {
  const oldest = subscription("S1", 1);
  const inactive = subscription("S2", 2, false);
  const newest = subscription("S3", 3);
  const log = () =>
    new FanoutDecisionLog({
      subscriptions: [oldest, newest],
      inactiveSubscriptions: [inactive],
      integrations: [
        { id: "I-ok", disabledAt: null, disabledReason: null, pausedAt: null },
        { id: "I-off", disabledAt: 5_000, disabledReason: "HTTP 410", pausedAt: 6_000 },
      ],
      users: [
        { id: "U-mail", email: "a@example.com" },
        { id: "U-none", email: null },
      ],
    });

  it("keeps decisions oldest subscription first, whatever order fan-out reached them in", () => {
    const decisions = log();
    decisions.matched("N", newest, [{ channel: "webhook", id: "I-ok" }]);
    decisions.inactive("N", inactive);
    decisions.filtered("N", oldest, [{ clause: "=", operator: "=", left: 1, right: 2 }]);
    const [record] = decisions
      .records([
        { id: "N", accountId: "1" },
        { id: "M", accountId: "1" },
      ])
      .slice(0, 1);
    expect(record!.decisions.map((d) => d.s)).toEqual(["S1", "S2", "S3"]);
    expect(decisions.records([{ id: "M", accountId: "1" }])).toEqual([
      { notificationId: "M", accountId: "1", decisions: [] },
    ]);
  });

  it("keeps only destinations with something to say, and names the verdict from all of them", () => {
    const decisions = log();
    decisions.matched("N", oldest, [
      { channel: "webhook", id: "I-ok" },
      { channel: "webhook", id: "I-off" },
      { channel: "email", id: "U-mail" },
      { channel: "email", id: "U-none" },
      { channel: "email", id: "U-gone" },
    ]);
    decisions.matched("N", newest, [{ channel: "webhook", id: "I-ok", dupOf: "S1" }]);
    const [record] = decisions.records([{ id: "N", accountId: "1" }]);
    expect(record!.decisions).toEqual([
      {
        s: "S1",
        d: "delivered",
        to: [
          { c: "webhook", id: "I-off", off: 5_000, why: "HTTP 410", pause: 6_000 },
          { c: "email", id: "U-none", noEmail: 1 },
          { c: "email", id: "U-gone", gone: 1 },
        ],
      },
      { s: "S3", d: "deduplicated", to: [{ c: "webhook", id: "I-ok", dup: "S1" }] },
    ]);
  });

  it("cuts a long compared value and says when a subscription reached nobody", () => {
    const decisions = log();
    decisions.filtered("N", oldest, [{ clause: "in", operator: "in", left: "x".repeat(1000), right: ["y"] }]);
    decisions.matched("N", newest, []);
    const [record] = decisions.records([{ id: "N", accountId: "1" }]);
    const [filtered, nobody] = record!.decisions;
    expect(filtered).toMatchObject({ s: "S1", d: "filtered", f: [{ p: "in", o: "in", r: ["y"] }] });
    const left = (filtered as { f: Array<{ l: string }> }).f[0]!.l;
    expect(left).toHaveLength(257);
    expect(left.endsWith("…")).toBe(true);
    expect(nobody).toEqual({ s: "S3", d: "no_subscribers", to: [] });
  });
});
