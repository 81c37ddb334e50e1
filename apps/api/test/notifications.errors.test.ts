import { describe, expect, it } from "vitest";
import { ACME, call, expectHeraldError } from "./helpers";
import * as notifications from "./setup/notifications";
import { notificationBody } from "./setup/notifications";
import { signedIn } from "./setup/sessions";

// Notification requests Herald refuses for what they carry: invalid bodies, types and attachments, an inactive
// account, unknown ids, and bad sort, limit, time and continuation parameters (contract §2.2.1–2.2.5). A refused send
// stores nothing.

const ACME_ID = ACME.accountId;

const { acme, dormant, platform } = signedIn("acme", "dormant", "platform");

describe("POST /herald/v2/{account_id}/notifications (sent_notification)", () => {
  it.each(["type", "notification_data", "asset_data", "payload"])(
    "answers 400 missing_required_property naming %s, and stores nothing",
    async (field) => {
      const type = await notifications.freshType(platform);
      const body: Record<string, unknown> = notificationBody(type);
      delete body[field];
      const result = await notifications.post(acme, body);
      expectHeraldError(result, 400, "missing_required_property");
      expect(result.body.details).toBe(field);
      expect(await notifications.ids(acme, type)).toEqual([]);
    },
  );

  it.each([
    ["notification_data", "not an object", "notification_data"],
    ["asset_data", ["an", "array"], "asset_data"],
    ["payload", null, "payload"],
    ["payload", { cid: true }, "payload.cid"],
    ["notification_data", { attackers: "78.0.0.0" }, "notification_data.attackers"],
    ["attachments", { name: "x", url: "https://example.com/x" }, "attachments"],
  ])("answers 400 wrong_type when %s is %j", async (field, value, path) => {
    const type = await notifications.freshType(platform);
    const result = await notifications.post(acme, notificationBody(type, { [field]: value }));
    expectHeraldError(result, 400, "wrong_type");
    expect(result.body.path).toBe(path);
    expect(await notifications.ids(acme, type)).toEqual([]);
  });

  it.each(["incidents", "incidents/alerts/extra", "/alerts", "incidents/", "", "incidents//alerts"])(
    "answers 400 for the type %j, which is not two segments",
    async (type) => {
      const result = await notifications.post(acme, notificationBody(type));
      expectHeraldError(result, 400, "invalid_value");
      expect(result.body.path).toBe("type");
    },
  );

  it("answers 400 wrong_type for a type that is not a string", async () => {
    const result = await notifications.post(acme, notificationBody(42 as unknown as string));
    expectHeraldError(result, 400, "wrong_type");
    expect(result.body.path).toBe("type");
  });

  it("answers 400 unknown_notification_type for a type nobody registered", async () => {
    const type = await notifications.freshType(platform);
    const unknown = `${type}-unregistered`;
    const result = await notifications.post(acme, notificationBody(unknown));
    expectHeraldError(result, 400, "unknown_notification_type");
    expect(result.body.path).toBe("type");
    expect(await notifications.ids(acme, unknown)).toEqual([]);
  });

  it("answers 400 account_not_active for an inactive account, and stores nothing", async () => {
    const type = await notifications.freshType(platform);
    const result = await notifications.post(dormant, notificationBody(type));
    expectHeraldError(result, 400, "account_not_active");
    expect(await notifications.ids(dormant, type)).toEqual([]);
  });

  it.each(["ftp://example.com/file.png", "javascript:alert(1)", "file:///etc/passwd", "not a url", "//example.com/x"])(
    "answers 400 for an attachment URL %j, and stores nothing",
    async (url) => {
      const type = await notifications.freshType(platform);
      const result = await notifications.post(
        acme,
        notificationBody(type, { attachments: [{ name: "file.png", url }] }),
      );
      expectHeraldError(result, 400, "invalid_value");
      expect(result.body.path).toBe("attachments.0.url");
      expect(await notifications.ids(acme, type)).toEqual([]);
    },
  );

  it("answers 400 for an attachment without a name", async () => {
    const type = await notifications.freshType(platform);
    const result = await notifications.post(
      acme,
      notificationBody(type, { attachments: [{ url: "https://example.com/x" }] }),
    );
    expectHeraldError(result, 400, "missing_required_property");
    expect(result.body).toMatchObject({ details: "name", path: "attachments.0" });
    expect(await notifications.ids(acme, type)).toEqual([]);
  });

  it("answers 400 for more than 20 attachments", async () => {
    const type = await notifications.freshType(platform);
    const attachments = Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, url: `https://example.com/${i}` }));
    const result = await notifications.post(acme, notificationBody(type, { attachments }));
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("attachments");
    expect(await notifications.ids(acme, type)).toEqual([]);
  });
});

describe("GET /herald/v2/notifications/{notification_id} (get_notification)", () => {
  it("answers 404 for an id nobody issued", async () => {
    const result = await call("GET", `/herald/v2/notifications/${crypto.randomUUID().toUpperCase()}`, {
      token: acme.token,
    });
    expectHeraldError(result, 404, "not_found");
  });
});

describe("GET /herald/v2/{account_id}/notifications/{notification_id} (get_account_notification)", () => {
  it("answers 404 for an id nobody issued", async () => {
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${crypto.randomUUID()}`, {
      token: acme.token,
    });
    expectHeraldError(result, 404, "not_found");
  });
});

describe("GET /herald/v2/{account_id}/notifications/{type} (get_account_notification_by_type)", () => {
  it.each(["up", "ASCENDING", "", "'asc'"])("answers 400 invalid_search_parameters for sort=%s", async (sort) => {
    const type = await notifications.freshType(platform);
    const result = await notifications.pageAt(acme, type, `sort=${encodeURIComponent(sort)}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("sort");
  });

  it.each(["0", "1001", "x", "-1", "1.5", "", "10abc"])(
    "answers 400 invalid_search_parameters naming limit for limit=%j",
    async (limit) => {
      const type = await notifications.freshType(platform);
      const result = await notifications.pageAt(acme, type, `limit=${limit}`);
      expectHeraldError(result, 400, "invalid_search_parameters");
      expect(result.body.path).toBe("limit");
    },
  );

  it.each([
    ["since=-1", "since"],
    ["since=yesterday", "since"],
    ["until=1.5", "until"],
    ["since=20&until=10", "until"],
  ])("answers 400 invalid_search_parameters for %s", async (query, path) => {
    const type = await notifications.freshType(platform);
    const result = await notifications.pageAt(acme, type, query);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe(path);
  });

  it.each([
    ["garbage", () => "garbage"],
    ["not base64", () => "!!!***"],
    ["JSON null", () => btoa("null")],
    ["a JSON array", () => btoa("[]")],
    ["an empty object", () => btoa("{}")],
    ["a number", () => btoa("42")],
  ])("answers 400 for a garbage continuation_id (%s)", async (_label, make) => {
    const type = await notifications.freshType(platform);
    await notifications.sendMany(acme, 2, type);
    const result = await notifications.pageAt(acme, type, `continuation_id=${encodeURIComponent(make())}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it("answers 400 for an empty continuation_id", async () => {
    const type = await notifications.freshType(platform);
    const result = await notifications.pageAt(acme, type, "continuation_id=");
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
    const type = await notifications.freshType(platform);
    await notifications.sendMany(acme, 2, type);
    const forged = btoa(JSON.stringify(make(type)))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    const result = await notifications.pageAt(acme, type, `continuation_id=${forged}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it("answers 400 for a continuation id issued for another type", async () => {
    const [typeA, typeB] = [await notifications.freshType(platform), await notifications.freshType(platform)];
    await notifications.sendMany(acme, 2, typeA);
    await notifications.sendMany(acme, 2, typeB);
    const page = await notifications.page(acme, typeA, { limit: 1 });
    expect(page.continuation_id).toEqual(expect.any(String));
    const result = await notifications.pageAt(acme, typeB, `limit=1&continuation_id=${page.continuation_id}`);
    expectHeraldError(result, 400, "invalid_search_parameters");
    expect(result.body.path).toBe("continuation_id");
  });

  it("answers 400 for a continuation id issued for the other sort order", async () => {
    const type = await notifications.freshType(platform);
    await notifications.sendMany(acme, 3, type);
    const asc = await notifications.page(acme, type, { limit: 1, sort: "asc" });
    const desc = await notifications.page(acme, type, { limit: 1 });
    for (const [cursor, query] of [
      [asc.continuation_id, "limit=1"],
      [asc.continuation_id, "limit=1&sort=desc"],
      [desc.continuation_id, "limit=1&sort=asc"],
    ]) {
      const result = await notifications.pageAt(acme, type, `${query}&continuation_id=${cursor}`);
      expectHeraldError(result, 400, "invalid_search_parameters");
      expect(result.body.path).toBe("continuation_id");
    }
  });

  it("answers 404 for a type of three segments", async () => {
    const type = await notifications.freshType(platform);
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/${type}/extra`, { token: acme.token });
    expectHeraldError(result, 404, "not_found");
  });

  it("answers 400 for a percent-encoded type of three segments", async () => {
    const result = await call("GET", `/herald/v2/${ACME_ID}/notifications/a%2Fb%2Fc`, { token: acme.token });
    expectHeraldError(result, 400, "invalid_value");
    expect(result.body.path).toBe("type");
  });
});
