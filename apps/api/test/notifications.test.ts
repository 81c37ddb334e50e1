import { sendNotificationRequest } from "@herald/contracts/alertlogic-examples";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_READER, ACME_WRITER, call, DORMANT, expectHeraldError, GLOBEX, login, PLATFORM } from "./helpers";
import {
  createNotificationType,
  expectStoredAs,
  idsOfType,
  listByType,
  notificationBody,
  sendNotification,
  UPPERCASE_UUID,
} from "./notification-factories";

const ACME_ID = ACME.accountId;
const GLOBEX_ID = GLOBEX.accountId;
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";
const nowSeconds = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let acme: string;
let globex: string;
let platform: string;
let reader: string;
let writer: string;
let dormant: string;

beforeAll(async () => {
  acme = await login(ACME);
  globex = await login(GLOBEX);
  platform = await login(PLATFORM);
  reader = await login(ACME_READER);
  writer = await login(ACME_WRITER);
  dormant = await login(DORMANT);
});

const freshType = () => createNotificationType(platform);

/** The send request example of Alert Logic's definition (§2.2.5), complete. */
const ALERT_LOGIC_EXAMPLE = sendNotificationRequest;

describe("POST /herald/v2/{account_id}/notifications (sent_notification)", () => {
  it("answers 202 with the stored notification, echoing every body and unknown key", async () => {
    const type = await freshType();
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
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, { token: acme, body });
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
    const stored = await call("GET", `/herald/v2/notifications/${result.body.id}`, { token: acme });
    expect(stored.status).toBe(200);
    expectStoredAs(stored.body, result.body);
  });

  it("records who sent it", async () => {
    const type = await freshType();
    const sent = await sendNotification(writer, ACME_ID, type);
    expect(sent.created.by).toBe("7E570000-0000-4000-8000-000000000002");
    expect(sent.modified).toEqual(sent.created);
  });

  it("accepts the Alert Logic example body from the definition", async () => {
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: ALERT_LOGIC_EXAMPLE,
    });
    expect(result.status).toBe(202);
    expect(result.body).toMatchObject({ ...ALERT_LOGIC_EXAMPLE, account_id: ACME_ID, status: "created" });
    expect(result.body.id).toMatch(UPPERCASE_UUID);
  });

  it("omits attachments when none were sent", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type);
    expect(sent).not.toHaveProperty("attachments");
  });

  it.each(["type", "notification_data", "asset_data", "payload"])(
    "answers 400 missing_required_property naming %s, and stores nothing",
    async (field) => {
      const type = await freshType();
      const body: Record<string, unknown> = notificationBody(type);
      delete body[field];
      const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, { token: acme, body });
      expectHeraldError(result, 400, "missing_required_property");
      expect(result.body.details).toBe(field);
      expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
    },
  );

  it.each([
    ["notification_data", "not an object", "notification_data"],
    ["asset_data", ["an", "array"], "asset_data"],
    ["payload", null, "payload"],
    ["payload", { cid: "68450188" }, "payload.cid"],
    ["notification_data", { attackers: "78.0.0.0" }, "notification_data.attackers"],
    ["attachments", { name: "x", url: "https://example.com/x" }, "attachments"],
  ])("answers 400 wrong_type when %s is %j", async (field, value, path) => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody(type, { [field]: value }),
    });
    expectHeraldError(result, 400, "wrong_type");
    expect(result.body.path).toBe(path);
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });

  it.each(["incidents", "incidents/alerts/extra", "/alerts", "incidents/", "", "incidents//alerts"])(
    "answers 400 for the type %j, which is not two segments",
    async (type) => {
      const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
        token: acme,
        body: notificationBody(type),
      });
      expectHeraldError(result, 400, "invalid_value");
      expect(result.body.path).toBe("type");
    },
  );

  it("answers 400 wrong_type for a type that is not a string", async () => {
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody(42 as unknown as string),
    });
    expectHeraldError(result, 400, "wrong_type");
    expect(result.body.path).toBe("type");
  });

  it("answers 400 unknown_notification_type for a type nobody registered", async () => {
    const type = await freshType();
    const unknown = `${type}-unregistered`;
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody(unknown),
    });
    expectHeraldError(result, 400, "unknown_notification_type");
    expect(result.body.path).toBe("type");
    expect(await idsOfType(acme, ACME_ID, unknown)).toEqual([]);
  });

  it("answers 400 account_not_active for an inactive account, and stores nothing", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${DORMANT.accountId}/notifications`, {
      token: dormant,
      body: notificationBody(type),
    });
    expectHeraldError(result, 400, "account_not_active");
    expect(await idsOfType(dormant, DORMANT.accountId, type)).toEqual([]);
  });

  it("answers 403 to a read-only token, and stores nothing", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: reader,
      body: notificationBody(type),
    });
    expectHeraldError(result, 403, "forbidden");
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });

  it("answers 403 for another account, and stores nothing there", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${GLOBEX_ID}/notifications`, {
      token: acme,
      body: notificationBody(type),
    });
    expectHeraldError(result, 403, "forbidden");
    expect(await idsOfType(globex, GLOBEX_ID, type)).toEqual([]);
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });

  it("answers 401 without a token", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, { body: notificationBody(type) });
    expectHeraldError(result, 401, "unauthorized");
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });

  it.each(["ftp://example.com/file.png", "javascript:alert(1)", "file:///etc/passwd", "not a url", "//example.com/x"])(
    "answers 400 for an attachment URL %j, and stores nothing",
    async (url) => {
      const type = await freshType();
      const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
        token: acme,
        body: notificationBody(type, { attachments: [{ name: "file.png", url }] }),
      });
      expectHeraldError(result, 400, "invalid_value");
      expect(result.body.path).toBe("attachments.0.url");
      expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
    },
  );

  it("answers 400 for an attachment without a name", async () => {
    const type = await freshType();
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody(type, { attachments: [{ url: "https://example.com/x" }] }),
    });
    expectHeraldError(result, 400, "missing_required_property");
    expect(result.body).toMatchObject({ details: "name", path: "attachments.0" });
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });

  it("answers 400 for more than 20 attachments", async () => {
    const type = await freshType();
    const attachments = Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, url: `https://example.com/${i}` }));
    const result = await call("POST", `/herald/v2/${ACME_ID}/notifications`, {
      token: acme,
      body: notificationBody(type, { attachments }),
    });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("attachments");
    expect(await idsOfType(acme, ACME_ID, type)).toEqual([]);
  });
});

describe("GET /herald/v2/notifications/{notification_id} (get_notification)", () => {
  it("answers the caller's own notification", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type, { payload: { threat: "Low" } });
    const result = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: acme });
    expect(result.status).toBe(200);
    expectStoredAs(result.body, sent);
  });

  it("lets any member of the account read it", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type);
    const result = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: reader });
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(sent.id);
  });

  it("finds it by its id in lower case", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type);
    const result = await call("GET", `/herald/v2/notifications/${sent.id.toLowerCase()}`, { token: acme });
    expect(result.status).toBe(200);
    expect(result.body.id).toBe(sent.id);
  });

  it("answers 404, not 403, for another account's notification", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type);
    const result = await call("GET", `/herald/v2/notifications/${sent.id}`, { token: globex });
    expectHeraldError(result, 404, "not_found");
    expect(result.body.payload).toBeUndefined();
  });

  it("answers 404 for an id nobody issued", async () => {
    const result = await call("GET", `/herald/v2/notifications/${crypto.randomUUID().toUpperCase()}`, {
      token: acme,
    });
    expectHeraldError(result, 404, "not_found");
  });

  it("answers 401 without a token", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type);
    expectHeraldError(await call("GET", `/herald/v2/notifications/${sent.id}`), 401, "unauthorized");
  });
});

describe("GET /herald/v2/{account_id}/notifications/{notification_id} (get_account_notification)", () => {
  it("answers the account's notification, by upper- or lower-case id", async () => {
    const type = await freshType();
    const sent = await sendNotification(acme, ACME_ID, type);
    for (const id of [sent.id, sent.id.toLowerCase()]) {
      const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${id}`, { token: acme });
      expect(result.status).toBe(200);
      expectStoredAs(result.body, sent);
    }
  });

  it("answers 403 on another account's path", async () => {
    const type = await freshType();
    const theirs = await sendNotification(globex, GLOBEX_ID, type);
    const result = await call("GET", `/herald/v2/${GLOBEX_ID}/notifications/${theirs.id}`, { token: acme });
    expectHeraldError(result, 403, "forbidden");
  });

  it("answers 404 on my path with another account's id", async () => {
    const type = await freshType();
    const theirs = await sendNotification(globex, GLOBEX_ID, type);
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${theirs.id}`, { token: acme });
    expectHeraldError(result, 404, "not_found");
    // The owner still reads it.
    expect((await call("GET", `/herald/v2/${GLOBEX_ID}/notifications/${theirs.id}`, { token: globex })).status).toBe(
      200,
    );
  });

  it("answers 404 for an id nobody issued", async () => {
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${crypto.randomUUID()}`, { token: acme });
    expectHeraldError(result, 404, "not_found");
  });
});

describe("GET /herald/v2/{account_id}/notifications/{type} (get_account_notification_by_type)", () => {
  async function sendMany(count: number, type: string, token = acme, accountId = ACME_ID) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await sendNotification(token, accountId, type, { payload: { i } })).id);
    return ids;
  }

  it("answers a page {notifications, total_count} of the account's notifications of the type", async () => {
    const type = await freshType();
    const ids = await sendMany(3, type);
    const result = await listByType(acme, ACME_ID, type);
    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(["notifications", "total_count"]);
    expect(result.body.total_count).toBe(3);
    expect(result.body.notifications.map((n: { id: string }) => n.id).sort()).toEqual([...ids].sort());
    for (const notification of result.body.notifications) {
      expect(notification).toMatchObject({ account_id: ACME_ID, type });
    }
  });

  it("gives identical answers for the raw two-segment type and the percent-encoded one", async () => {
    const type = await freshType();
    await sendMany(3, type);
    const raw = await call("GET", `/herald/v2/${ACME_ID}/notifications/${type}?limit=2`, { token: acme });
    const encoded = await call("GET", `/herald/v2/${ACME_ID}/notifications/${encodeURIComponent(type)}?limit=2`, {
      token: acme,
    });
    const lowerEncoded = await call(
      "GET",
      `/herald/v2/${ACME_ID}/notifications/${encodeURIComponent(type).replace("%2F", "%2f")}?limit=2`,
      { token: acme },
    );
    expect(encodeURIComponent(type)).toContain("%2F");
    expect(raw.status).toBe(200);
    expect(raw.body.notifications).toHaveLength(2);
    // Statuses move on as delivery runs; the page itself must be the same.
    const pageOf = (page: typeof raw) => ({
      ids: page.body.notifications.map((n: { id: string }) => n.id),
      total_count: page.body.total_count,
      continuation_id: page.body.continuation_id,
    });
    for (const other of [encoded, lowerEncoded]) {
      expect(other.status).toBe(200);
      expect(pageOf(other)).toEqual(pageOf(raw));
    }
    // A continuation id from one spelling continues the other.
    const next = await call(
      "GET",
      `/herald/v2/${ACME_ID}/notifications/${encodeURIComponent(type)}?limit=2&continuation_id=${raw.body.continuation_id}`,
      { token: acme },
    );
    expect(next.status).toBe(200);
    expect(next.body.notifications).toHaveLength(1);
  });

  it("answers an empty page for a type without notifications", async () => {
    const type = await freshType();
    const result = await listByType(acme, ACME_ID, type);
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ notifications: [], total_count: 0 });
  });

  it("sorts by creation, newest first by default; sort=asc reverses it", async () => {
    const type = await freshType();
    const older = await sendNotification(acme, ACME_ID, type);
    // Make the two creation times differ even in whole seconds, as the wire shows them.
    while (nowSeconds() <= older.created.at) await sleep(100);
    const middle = await sendNotification(acme, ACME_ID, type);
    const newer = await sendNotification(acme, ACME_ID, type);
    expect(middle.created.at).toBeGreaterThan(older.created.at);

    const byDefault = await idsOfType(acme, ACME_ID, type, "");
    expect(byDefault[0] === newer.id || byDefault[0] === middle.id).toBe(true);
    expect(byDefault.at(-1)).toBe(older.id);
    expect(await idsOfType(acme, ACME_ID, type, "sort=desc")).toEqual(byDefault);
    expect(await idsOfType(acme, ACME_ID, type, "sort=asc")).toEqual([...byDefault].reverse());

    const page = await listByType(acme, ACME_ID, type);
    const times = page.body.notifications.map((n: { created: { at: number } }) => n.created.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it.each([
    ['"asc"', "asc"],
    ['"desc"', "desc"],
  ])("tolerates sort=%s with the definition's literal quotes", async (quoted, bare) => {
    const type = await freshType();
    await sendMany(3, type);
    const expected = await idsOfType(acme, ACME_ID, type, `sort=${bare}`);
    expect(await idsOfType(acme, ACME_ID, type, `sort=${encodeURIComponent(quoted)}`)).toEqual(expected);
    expect(await idsOfType(acme, ACME_ID, type, `sort=${quoted}`)).toEqual(expected);
  });

  it.each(["up", "ASCENDING", "", "'asc'"])("answers 400 invalid_search_parameters for sort=%s", async (sort) => {
    const type = await freshType();
    const result = await listByType(acme, ACME_ID, type, `sort=${encodeURIComponent(sort)}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("sort");
  });

  it("pages 100 notifications by default", async () => {
    const type = await freshType();
    const ids = await sendMany(101, type);
    const first = await listByType(acme, ACME_ID, type);
    expect(first.status).toBe(200);
    expect(first.body.notifications).toHaveLength(100);
    expect(first.body.total_count).toBe(101);
    expect(typeof first.body.continuation_id).toBe("string");
    const rest = await listByType(acme, ACME_ID, type, `continuation_id=${first.body.continuation_id}`);
    expect(rest.body.notifications).toHaveLength(1);
    expect(rest.body.continuation_id).toBeUndefined();
    const seen = [...first.body.notifications, ...rest.body.notifications].map((n: { id: string }) => n.id);
    expect(seen.sort()).toEqual([...ids].sort());
  });

  it("accepts limit=1 and limit=1000", async () => {
    const type = await freshType();
    await sendMany(2, type);
    const one = await listByType(acme, ACME_ID, type, "limit=1");
    expect(one.status).toBe(200);
    expect(one.body.notifications).toHaveLength(1);
    expect(one.body.total_count).toBe(2);
    expect(one.body.continuation_id).toEqual(expect.any(String));
    const thousand = await listByType(acme, ACME_ID, type, "limit=1000");
    expect(thousand.status).toBe(200);
    expect(thousand.body.notifications).toHaveLength(2);
    expect(thousand.body.continuation_id).toBeUndefined();
  });

  it.each(["0", "1001", "x", "-1", "1.5", "", "10abc"])(
    "answers 400 invalid_search_parameters naming limit for limit=%j",
    async (limit) => {
      const type = await freshType();
      const result = await listByType(acme, ACME_ID, type, `limit=${limit}`);
      expectHeraldError(result, 400, "invalid_search_parameters");
      expect(result.body.path).toBe("limit");
    },
  );

  it("filters by since (inclusive) and until (exclusive), in epoch seconds", async () => {
    const type = await freshType();
    const a = await sendNotification(acme, ACME_ID, type);
    while (nowSeconds() <= a.created.at) await sleep(100);
    const b = await sendNotification(acme, ACME_ID, type);
    expect(b.created.at).toBeGreaterThan(a.created.at);
    const ids = (query: string) => idsOfType(acme, ACME_ID, type, query);

    expect(await ids(`since=${a.created.at}`)).toEqual([b.id, a.id]);
    expect(await ids(`since=${b.created.at}`)).toEqual([b.id]);
    expect(await ids(`since=${b.created.at + 1}`)).toEqual([]);
    expect(await ids(`until=${b.created.at}`)).toEqual([a.id]);
    expect(await ids(`until=${a.created.at}`)).toEqual([]);
    expect(await ids(`until=${b.created.at + 1}`)).toEqual([b.id, a.id]);
    expect(await ids(`since=${a.created.at}&until=${b.created.at}`)).toEqual([a.id]);
    expect(await ids(`since=${b.created.at}&until=${b.created.at + 1}&sort=asc`)).toEqual([b.id]);

    const counted = await listByType(acme, ACME_ID, type, `since=${b.created.at}`);
    expect(counted.body.total_count).toBe(1);
  });

  it.each([
    ["since=-1", "since"],
    ["since=yesterday", "since"],
    ["until=1.5", "until"],
    ["since=20&until=10", "until"],
  ])("answers 400 invalid_search_parameters for %s", async (query, path) => {
    const type = await freshType();
    const result = await listByType(acme, ACME_ID, type, query);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe(path);
  });

  it.each(["desc", "asc"] as const)(
    "walks continuation_id (sort %s) across pages: every notification once, in order, total_count constant",
    async (sort) => {
      const type = await freshType();
      const ids = await sendMany(7, type);
      const expected = await idsOfType(acme, ACME_ID, type, `sort=${sort}&limit=1000`);
      expect([...expected].sort()).toEqual([...ids].sort());

      const walked: string[] = [];
      const pageSizes: number[] = [];
      let continuation: string | undefined;
      do {
        const query = `sort=${sort}&limit=3${continuation ? `&continuation_id=${continuation}` : ""}`;
        const page = await listByType(acme, ACME_ID, type, query);
        expect(page.status).toBe(200);
        expect(page.body.total_count).toBe(7);
        walked.push(...page.body.notifications.map((n: { id: string }) => n.id));
        pageSizes.push(page.body.notifications.length);
        continuation = page.body.continuation_id;
      } while (continuation && pageSizes.length < 10);

      expect(pageSizes).toEqual([3, 3, 1]);
      expect(walked).toEqual(expected);
      expect(new Set(walked).size).toBe(7);
    },
  );

  it("a continuation id never repeats or skips notifications sent after it was issued", async () => {
    const type = await freshType();
    const first = await sendMany(4, type);
    const page = await listByType(acme, ACME_ID, type, "limit=2");
    const later = await sendNotification(acme, ACME_ID, type);
    const rest = await listByType(acme, ACME_ID, type, `limit=1000&continuation_id=${page.body.continuation_id}`);
    const walked = [...page.body.notifications, ...rest.body.notifications].map((n: { id: string }) => n.id);
    // Newest first: the later notification sorts before the first page, so the walk does not see it again.
    expect(walked.sort()).toEqual([...first].sort());
    expect(walked).not.toContain(later.id);
  });

  it.each([
    ["garbage", () => "garbage"],
    ["not base64", () => "!!!***"],
    ["JSON null", () => btoa("null")],
    ["a JSON array", () => btoa("[]")],
    ["an empty object", () => btoa("{}")],
    ["a number", () => btoa("42")],
  ])("answers 400 for a garbage continuation_id (%s)", async (_label, make) => {
    const type = await freshType();
    await sendMany(2, type);
    const result = await listByType(acme, ACME_ID, type, `continuation_id=${encodeURIComponent(make())}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it("answers 400 for an empty continuation_id", async () => {
    const type = await freshType();
    const result = await listByType(acme, ACME_ID, type, "continuation_id=");
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it.each([
    ["a time that is a string", (type: string) => ({ t: "1", i: "X", type, o: "desc" })],
    ["a time that is not an integer", (type: string) => ({ t: 1.5, i: "X", type, o: "desc" })],
    ["a time beyond any clock", (type: string) => ({ t: 1e300, i: "X", type, o: "desc" })],
    ["a negative time", (type: string) => ({ t: -1, i: "X", type, o: "desc" })],
    ["an id that is not a string", (type: string) => ({ t: 1, i: { $gt: "" }, type, o: "desc" })],
    ["no type", () => ({ t: 1, i: "X", o: "desc" })],
    ["no order", (type: string) => ({ t: 1, i: "X", type })],
  ])("answers 400 for a forged continuation_id with %s", async (_label, make) => {
    const type = await freshType();
    await sendMany(2, type);
    const forged = btoa(JSON.stringify(make(type)))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    const result = await listByType(acme, ACME_ID, type, `continuation_id=${forged}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it("answers 400 for a continuation id issued for another type", async () => {
    const [typeA, typeB] = [await freshType(), await freshType()];
    await sendMany(2, typeA);
    await sendMany(2, typeB);
    const page = await listByType(acme, ACME_ID, typeA, "limit=1");
    expect(page.body.continuation_id).toEqual(expect.any(String));
    const result = await listByType(acme, ACME_ID, typeB, `limit=1&continuation_id=${page.body.continuation_id}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it("answers 400 for a continuation id issued for the other sort order", async () => {
    const type = await freshType();
    await sendMany(3, type);
    const asc = await listByType(acme, ACME_ID, type, "limit=1&sort=asc");
    const desc = await listByType(acme, ACME_ID, type, "limit=1");
    for (const [cursor, query] of [
      [asc.body.continuation_id, "limit=1"],
      [asc.body.continuation_id, "limit=1&sort=desc"],
      [desc.body.continuation_id, "limit=1&sort=asc"],
    ]) {
      const result = await listByType(acme, ACME_ID, type, `${query}&continuation_id=${cursor}`);
      expectHeraldError(result, 400, "invalid_search_parameters");
      expect(result.body.path).toBe("continuation_id");
    }
  });

  it("never shows another account's notifications of the same type", async () => {
    const type = await freshType();
    const mine = await sendMany(2, type);
    const theirs = await sendMany(3, type, globex, GLOBEX_ID);

    const acmePage = await listByType(acme, ACME_ID, type);
    expect(acmePage.body.total_count).toBe(2);
    expect(acmePage.body.notifications.map((n: { id: string }) => n.id).sort()).toEqual([...mine].sort());

    const globexPage = await listByType(globex, GLOBEX_ID, type);
    expect(globexPage.body.total_count).toBe(3);
    expect(globexPage.body.notifications.map((n: { id: string }) => n.id).sort()).toEqual([...theirs].sort());
  });

  it("answers 403 for another account's listing", async () => {
    const type = await freshType();
    await sendMany(1, type, globex, GLOBEX_ID);
    const result = await listByType(acme, GLOBEX_ID, type);
    expectHeraldError(result, 403, "forbidden");
    expect(result.body.notifications).toBeUndefined();
  });

  it("lets a read-only member list", async () => {
    const type = await freshType();
    const ids = await sendMany(1, type);
    expect(await idsOfType(reader, ACME_ID, type)).toEqual(ids);
  });

  it("answers 404 for a type of three segments", async () => {
    const type = await freshType();
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${type}/extra`, { token: acme });
    expectHeraldError(result, 404, "not_found");
  });

  it("answers 400 for a percent-encoded type of three segments", async () => {
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/a%2Fb%2Fc`, { token: acme });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("type");
  });
});

describe("GET /herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}", () => {
  const path = (accountId: string, longIncidentId: string) =>
    `/herald/v2/${accountId}/notifications/type/incidents/alerts/${longIncidentId}`;

  it("answers {notifications: []} for an incident nothing was sent about", async () => {
    const longIncidentId = `long-${crypto.randomUUID()}`;
    for (const token of [acme, reader]) {
      const result = await call("GET", path(ACME_ID, longIncidentId), { token });
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ notifications: [] });
    }
  });

  it("answers the Incident-Notification shape once a notification names the incident", async () => {
    // What is listed depends on the account's subscriptions, which other tests change: check the shape only.
    const longIncidentId = `long-${crypto.randomUUID()}`;
    await sendNotification(acme, ACME_ID, "incidents/alerts", { payload: { long_incident_id: longIncidentId } });
    const result = await call("GET", path(ACME_ID, longIncidentId), { token: reader });
    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual(["notifications"]);
    for (const sent of result.body.notifications) {
      expect(sent).toMatchObject({ id: expect.any(String), type: "incidents/alerts", statuses: expect.any(Array) });
    }
  });

  it("never lists another account's sends for the same incident id", async () => {
    const longIncidentId = `long-${crypto.randomUUID()}`;
    await sendNotification(globex, GLOBEX_ID, "incidents/alerts", { payload: { long_incident_id: longIncidentId } });
    const result = await call("GET", path(ACME_ID, longIncidentId), { token: acme });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ notifications: [] });
  });

  it("answers 403 for another account", async () => {
    const result = await call("GET", path(GLOBEX_ID, "some-incident"), { token: acme });
    expectHeraldError(result, 403, "forbidden");
  });

  it("answers 401 without a token", async () => {
    expectHeraldError(await call("GET", path(ACME_ID, "some-incident")), 401, "unauthorized");
  });
});
