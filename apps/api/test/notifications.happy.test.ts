import { sendNotificationRequest } from "@herald/contracts/alertlogic-examples";
import { describe, expect, it } from "vitest";
import { ACME, typedCall } from "./helpers";
import { expectStoredAs, UPPERCASE_UUID } from "./notification-factories";
import * as notifications from "./setup/notifications";
import { signedIn } from "./setup/sessions";

// Notifications as they should work: sending, reading back, and listing by type with sorting, time windows and
// continuation ids (contract §2.2.1–2.2.5). Refusals are in notifications.errors.test.ts, roles and other accounts in
// notifications.security.test.ts.

const ACME_ID = ACME.accountId;
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const { acme, reader, writer, platform } = signedIn("acme", "reader", "writer", "platform");

/** The send request example of Alert Logic's definition (§2.2.5), complete. */
const ALERT_LOGIC_EXAMPLE = sendNotificationRequest;

describe("POST /herald/v2/{account_id}/notifications (sent_notification)", () => {
  it("answers 202 with the stored notification, echoing every body and unknown key", async () => {
    const type = await notifications.freshType(platform);
    const body = {
      type,
      notification_data: {
        class: "web_attack_recon",
        threat_level: "high",
        escalated: true,
        correlation_id: "C0FFEE",
        nested: { list: [1, "two", { three: null }] },
      },
      asset_data: { deployment_id: "D1", tags: [{ env: "prod" }], custom_asset: { rack: 7 } },
      payload: { cid: 42, threat: "High", report_name: "weekly", extra: ["x", { y: false }] },
      attachments: [
        { name: "report.pdf", url: "https://example.com/report.pdf" },
        { name: "info.png", description: "screenshot", url: "http://example.com/info.png" },
      ],
    };
    const before = nowSeconds();
    const result = await typedCall(acme, (herald) => herald.sentNotification(body));
    const after = nowSeconds();

    expect(result.status).toBe(202);
    expect(result.body).toEqual({
      id: expect.stringMatching(UPPERCASE_UUID),
      account_id: ACME_ID,
      ...body,
      status: "created",
      created: { at: expect.any(Number), by: ACME_ADMIN_USER },
      modified: { at: expect.any(Number), by: ACME_ADMIN_USER },
    });
    expect(Number.isInteger(result.body.created.at)).toBe(true);
    expect(result.body.created.at).toBeGreaterThanOrEqual(before - 1);
    expect(result.body.created.at).toBeLessThanOrEqual(after + 1);
    expect(result.body.modified).toEqual(result.body.created);

    // What was stored is what was answered.
    const stored = await typedCall(acme, (herald) => herald.getNotification(result.body.id));
    expect(stored.status).toBe(200);
    expectStoredAs(stored.body, result.body);
  });

  it("records who sent it", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(writer, type);
    expect(sent.created.by).toBe("7E570000-0000-4000-8000-000000000002");
    expect(sent.modified).toEqual(sent.created);
  });

  it("accepts the Alert Logic example body from the definition", async () => {
    const result = await typedCall(acme, (herald) => herald.sentNotification(ALERT_LOGIC_EXAMPLE));
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({ ...ALERT_LOGIC_EXAMPLE, account_id: ACME_ID, status: "created" });
    expect(result.body.id).toMatch(UPPERCASE_UUID);
  });

  it("omits attachments when none were sent", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type);
    expect(sent).not.toHaveProperty("attachments");
  });
});

describe("GET /herald/v2/notifications/{notification_id} (get_notification)", () => {
  it("answers the caller's own notification", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type, { payload: { threat: "Low" } });
    const result = await typedCall(acme, (herald) => herald.getNotification(sent.id));
    expect(result.status).toBe(200);
    expectStoredAs(result.body, sent);
  });

  it("finds it by its id in lower case", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type);
    const result = await typedCall(acme, (herald) => herald.getNotification(sent.id.toLowerCase()));
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(sent.id);
  });
});

describe("GET /herald/v2/{account_id}/notifications/{notification_id} (get_account_notification)", () => {
  it("answers the account's notification, by upper- or lower-case id", async () => {
    const type = await notifications.freshType(platform);
    const sent = await notifications.send(acme, type);
    for (const id of [sent.id, sent.id.toLowerCase()]) {
      const result = await typedCall(acme, (herald) => herald.getAccountNotification(id));
      expect(result.status).toBe(200);
      expectStoredAs(result.body, sent);
    }
  });
});

describe("GET /herald/v2/{account_id}/notifications/{type} (get_account_notification_by_type)", () => {
  it("answers a page {notifications, total_count} of the account's notifications of the type", async () => {
    const type = await notifications.freshType(platform);
    const ids = await notifications.sendMany(acme, 3, type);
    const result = await typedCall(acme, (herald) => herald.getAccountNotificationByType(type));
    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(["notifications", "total_count"]);
    expect(result.body.total_count).toBe(3);
    expect(result.body.notifications.map((n) => n.id).sort()).toEqual([...ids].sort());
    for (const notification of result.body.notifications) {
      expect(notification).toMatchObject({ account_id: ACME_ID, type });
    }
  });

  it("gives identical answers for the raw two-segment type and the percent-encoded one", async () => {
    const type = await notifications.freshType(platform);
    await notifications.sendMany(acme, 3, type);
    const raw = await notifications.pageAt(acme, type, "limit=2");
    // The encoded spellings are not the typed client's (it sends the slash raw): they go out as written.
    const encoded = await notifications.pageAt(acme, encodeURIComponent(type), "limit=2");
    const lowerEncoded = await notifications.pageAt(acme, encodeURIComponent(type).replace("%2F", "%2f"), "limit=2");
    expect(encodeURIComponent(type)).toContain("%2F");
    expect(raw.status).toBe(200);
    expect(raw.body.notifications).toHaveLength(2);
    // Statuses move on as delivery runs; the page itself must be the same.
    const pageOf = (page: typeof raw) => ({
      ids: page.body.notifications.map((n) => n.id),
      total_count: page.body.total_count,
      continuation_id: page.body.continuation_id,
    });
    for (const other of [encoded, lowerEncoded]) {
      expect(other.status).toBe(200);
      expect(pageOf(other)).toEqual(pageOf(raw));
    }
    // A continuation id from one spelling continues the other.
    const next = await notifications.pageAt(
      acme,
      encodeURIComponent(type),
      `limit=2&continuation_id=${raw.body.continuation_id}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.notifications).toHaveLength(1);
  });

  it("answers an empty page for a type without notifications", async () => {
    const type = await notifications.freshType(platform);
    expect(await notifications.page(acme, type)).toEqual({ notifications: [], total_count: 0 });
  });

  it("sorts by creation, newest first by default; sort=asc reverses it", async () => {
    const type = await notifications.freshType(platform);
    const older = await notifications.send(acme, type);
    // Make the two creation times differ even in whole seconds, as the wire shows them.
    while (nowSeconds() <= older.created.at) await sleep(100);
    const middle = await notifications.send(acme, type);
    const newer = await notifications.send(acme, type);
    expect(middle.created.at).toBeGreaterThan(older.created.at);

    const byDefault = await notifications.ids(acme, type, {});
    expect(byDefault[0] === newer.id || byDefault[0] === middle.id).toBe(true);
    expect(byDefault.at(-1)).toBe(older.id);
    expect(await notifications.ids(acme, type, { sort: "desc" })).toEqual(byDefault);
    expect(await notifications.ids(acme, type, { sort: "asc" })).toEqual([...byDefault].reverse());

    const page = await notifications.page(acme, type);
    const times = page.notifications.map((n) => n.created.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it.each([
    ['"asc"', "asc"],
    ['"desc"', "desc"],
  ] as const)("tolerates sort=%s with the definition's literal quotes", async (quoted, bare) => {
    const type = await notifications.freshType(platform);
    await notifications.sendMany(acme, 3, type);
    const expected = await notifications.ids(acme, type, { sort: bare });
    // The quoted spellings are not the typed client's: they go out as written.
    const idsAt = async (query: string) => {
      const result = await notifications.pageAt(acme, type, query);
      expect(result.status).toBe(200);
      return result.body.notifications.map((n) => n.id);
    };
    expect(await idsAt(`sort=${encodeURIComponent(quoted)}`)).toEqual(expected);
    expect(await idsAt(`sort=${quoted}`)).toEqual(expected);
  });

  it("pages 100 notifications by default", async () => {
    const type = await notifications.freshType(platform);
    const ids = await notifications.sendMany(acme, 101, type);
    const first = await notifications.page(acme, type);
    expect(first.notifications).toHaveLength(100);
    expect(first.total_count).toBe(101);
    expect(typeof first.continuation_id).toBe("string");
    const rest = await notifications.page(acme, type, { continuation_id: first.continuation_id });
    expect(rest.notifications).toHaveLength(1);
    expect(rest.continuation_id).toBeUndefined();
    const seen = [...first.notifications, ...rest.notifications].map((n) => n.id);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it("accepts limit=1 and limit=1000", async () => {
    const type = await notifications.freshType(platform);
    await notifications.sendMany(acme, 2, type);
    const one = await notifications.page(acme, type, { limit: 1 });
    expect(one.notifications).toHaveLength(1);
    expect(one.total_count).toBe(2);
    expect(one.continuation_id).toEqual(expect.any(String));
    const thousand = await notifications.page(acme, type, { limit: 1000 });
    expect(thousand.notifications).toHaveLength(2);
    expect(thousand.continuation_id).toBeUndefined();
  });

  it("filters by since (inclusive) and until (exclusive), in epoch seconds", async () => {
    const type = await notifications.freshType(platform);
    const a = await notifications.send(acme, type);
    while (nowSeconds() <= a.created.at) await sleep(100);
    const b = await notifications.send(acme, type);
    expect(b.created.at).toBeGreaterThan(a.created.at);
    const ids = (query: { since?: number; until?: number; sort?: "asc" }) =>
      notifications.ids(acme, type, { limit: 1000, ...query });

    expect(await ids({ since: a.created.at })).toEqual([b.id, a.id]);
    expect(await ids({ since: b.created.at })).toEqual([b.id]);
    expect(await ids({ since: b.created.at + 1 })).toEqual([]);
    expect(await ids({ until: b.created.at })).toEqual([a.id]);
    expect(await ids({ until: a.created.at })).toEqual([]);
    expect(await ids({ until: b.created.at + 1 })).toEqual([b.id, a.id]);
    expect(await ids({ since: a.created.at, until: b.created.at })).toEqual([a.id]);
    expect(await ids({ since: b.created.at, until: b.created.at + 1, sort: "asc" })).toEqual([b.id]);

    const counted = await notifications.page(acme, type, { since: b.created.at });
    expect(counted.total_count).toBe(1);
  });

  it.each(["desc", "asc"] as const)(
    "walks continuation_id (sort %s) across pages: every notification once, in order, total_count constant",
    async (sort) => {
      const type = await notifications.freshType(platform);
      const ids = await notifications.sendMany(acme, 7, type);
      const expected = await notifications.ids(acme, type, { sort, limit: 1000 });
      expect([...expected].sort()).toEqual([...ids].sort());

      const walked: string[] = [];
      const pageSizes: number[] = [];
      let continuation: string | undefined;
      do {
        const page = await notifications.page(acme, type, {
          sort,
          limit: 3,
          ...(continuation ? { continuation_id: continuation } : {}),
        });
        expect(page.total_count).toBe(7);
        walked.push(...page.notifications.map((n) => n.id));
        pageSizes.push(page.notifications.length);
        continuation = page.continuation_id;
      } while (continuation && pageSizes.length < 10);

      expect(pageSizes).toEqual([3, 3, 1]);
      expect(walked).toEqual(expected);
      expect(new Set(walked).size).toBe(7);
    },
  );

  it("a continuation id never repeats or skips notifications sent after it was issued", async () => {
    const type = await notifications.freshType(platform);
    const first = await notifications.sendMany(acme, 4, type);
    const page = await notifications.page(acme, type, { limit: 2 });
    const later = await notifications.send(acme, type);
    const rest = await notifications.page(acme, type, { limit: 1000, continuation_id: page.continuation_id });
    const walked = [...page.notifications, ...rest.notifications].map((n) => n.id);
    // Newest first: the later notification sorts before the first page, so the walk does not see it again.
    expect(walked.sort()).toEqual([...first].sort());
    expect(walked).not.toContain(later.id);
  });
});

describe("GET /herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}", () => {
  it("answers {notifications: []} for an incident nothing was sent about", async () => {
    const longIncidentId = `long-${crypto.randomUUID()}`;
    for (const who of [acme, reader]) {
      const result = await typedCall(who, (herald) => herald.getSentIncidentNotifications(longIncidentId));
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ notifications: [] });
    }
  });

  it("answers the Incident-Notification shape once a notification names the incident", async () => {
    // What is listed depends on the account's subscriptions, which other tests change: check the shape only.
    const longIncidentId = `long-${crypto.randomUUID()}`;
    await notifications.send(acme, "incidents/alerts", { payload: { long_incident_id: longIncidentId } });
    const result = await typedCall(reader, (herald) => herald.getSentIncidentNotifications(longIncidentId));
    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual(["notifications"]);
    for (const sent of result.body.notifications) {
      expect(sent).toMatchObject({ id: expect.any(String), type: "incidents/alerts", statuses: expect.any(Array) });
    }
  });
});
