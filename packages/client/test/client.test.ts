import { describe, expect, it } from "vitest";
import {
  createHeraldClient,
  HeraldError,
  isHeraldError,
  isPartialDeletion,
  isSubscribersFailed,
  isValidationError,
  serializePath,
} from "../src/index";
import { fakeFetch, json, login } from "./fake-fetch";

const BASE = "https://herald.test";
const HOUR = 3600;

describe("login with an access key", () => {
  it("logs in with HTTP Basic, sends the token and defaults to the login's account", async () => {
    const fake = fakeFetch([login("T1", 2_000_000_000, "87654321"), json({ subscriptions: [] })]);
    const herald = createHeraldClient({ baseUrl: BASE, accessKeyId: "key", secretKey: "sécret", fetch: fake.fetch });
    await herald.getAccountSubscriptions();
    const [authenticate, list] = fake.requests;
    expect(authenticate).toMatchObject({ method: "POST", url: `${BASE}/aims/v1/authenticate` });
    const credentials = new TextDecoder().decode(
      Uint8Array.from(atob(authenticate!.headers.authorization!.replace("Basic ", "")), (c) => c.charCodeAt(0)),
    );
    expect(credentials).toBe("key:sécret");
    expect(authenticate!.headers["x-aims-auth-token"]).toBeUndefined();
    expect(list).toMatchObject({ method: "GET", url: `${BASE}/herald/v2/87654321/subscriptions` });
    expect(list!.headers["x-aims-auth-token"]).toBe("T1");
    expect(await herald.getAccountId()).toBe("87654321");
  });

  it("renews the token shortly before token_expiration, and only then", async () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const start = now / 1000;
    let logins = 0;
    const fake = fakeFetch([
      (request) => {
        if (!request.url.endsWith("/aims/v1/authenticate")) return json({ notification_types: [] });
        logins += 1;
        return login(`T${logins}`, now / 1000 + HOUR);
      },
    ]);
    const herald = createHeraldClient({
      baseUrl: BASE,
      accessKeyId: "key",
      secretKey: "secret",
      fetch: fake.fetch,
      now: () => now,
      renewBeforeSeconds: 120,
    });
    const tokensSent = () =>
      fake.requests.filter((r) => !r.url.includes("/aims/")).map((r) => r.headers["x-aims-auth-token"]);

    await Promise.all([herald.getNotificationTypes(), herald.getNotificationTypes()]);
    expect(logins).toBe(1);
    now = (start + HOUR - 121) * 1000;
    await herald.getNotificationTypes();
    expect(logins).toBe(1);
    now = (start + HOUR - 119) * 1000;
    await herald.getNotificationTypes();
    expect(logins).toBe(2);
    expect(tokensSent()).toEqual(["T1", "T1", "T1", "T2"]);
  });

  it("logs in again once when Herald answers 401 (a revoked token), then resends", async () => {
    const fake = fakeFetch([
      login("OLD", 2_000_000_000),
      json({ error: "unauthorized" }, 401),
      login("NEW", 2_000_000_000),
      json({ notification_types: [] }),
    ]);
    const herald = createHeraldClient({ baseUrl: BASE, accessKeyId: "k", secretKey: "s", fetch: fake.fetch });
    await expect(herald.getNotificationTypes()).resolves.toEqual({ notification_types: [] });
    expect(fake.requests.map((r) => r.headers["x-aims-auth-token"] ?? "login")).toEqual([
      "login",
      "OLD",
      "login",
      "NEW",
    ]);
  });

  it("throws the login's error as a HeraldError of `authenticate`", async () => {
    const fake = fakeFetch([json({ error: "unauthorized", details: "invalid access key id or secret" }, 401)]);
    const herald = createHeraldClient({ baseUrl: BASE, accessKeyId: "k", secretKey: "wrong", fetch: fake.fetch });
    await expect(herald.getNotificationTypes()).rejects.toMatchObject({
      name: "HeraldError",
      status: 401,
      operation: "authenticate",
      body: { error: "unauthorized" },
    });
  });

  it("needs a token or an access key", () => {
    expect(() => createHeraldClient({ baseUrl: BASE } as never)).toThrow(TypeError);
  });
});

describe("a token client", () => {
  it("finds its account with token_info when none is given, once", async () => {
    const fake = fakeFetch([
      json({ account: { id: "555", name: "A" }, user: { id: "U", name: "U" }, token_expiration: 2_000_000_000 }),
      json({ integrations: [] }),
    ]);
    const herald = createHeraldClient({ baseUrl: BASE, token: "T", fetch: fake.fetch });
    await herald.getAccountIntegrations();
    await herald.getAccountIntegrations();
    expect(fake.requests.map((r) => new URL(r.url).pathname)).toEqual([
      "/aims/v1/token_info",
      "/herald/v2/555/integrations",
      "/herald/v2/555/integrations",
    ]);
  });

  it("acts on another account when a call says so", async () => {
    const fake = fakeFetch([json({ users: [] })]);
    const herald = createHeraldClient({ baseUrl: BASE, token: "T", accountId: "1", fetch: fake.fetch });
    await herald.getAccountUsers({ accountId: "2" });
    expect(fake.requests[0]!.url).toBe(`${BASE}/herald/v2/2/users`);
  });
});

describe("paths and queries", () => {
  it("puts a notification type's slash into the path raw, and encodes everything else", async () => {
    const fake = fakeFetch([json({ notifications: [], total_count: 0 })]);
    const herald = createHeraldClient({ baseUrl: `${BASE}/`, token: "T", accountId: "12345678", fetch: fake.fetch });
    await herald.getAccountNotificationByType("incidents/alerts", { limit: 10, sort: "asc", since: 1 });
    await herald.updateNotificationType("my team/alerts", { name: "x" });
    await herald.getAccountSubscription("A B/C", { include_subscribers: true });
    expect(fake.requests.map((r) => r.url)).toEqual([
      `${BASE}/herald/v2/12345678/notifications/incidents/alerts?limit=10&sort=asc&since=1`,
      `${BASE}/herald/v2/notification_types/my%20team/alerts`,
      `${BASE}/herald/v2/12345678/subscriptions/A%20B%2FC?include_subscribers=true`,
    ]);
  });

  it("refuses an empty path parameter before any request", () => {
    expect(() => serializePath("/x/{id}", { id: "" })).toThrow("'id' is required");
  });

  it("sends JSON bodies and answers void for 204", async () => {
    const fake = fakeFetch([new Response(null, { status: 204 })]);
    const herald = createHeraldClient({ baseUrl: BASE, token: "T", accountId: "1", fetch: fake.fetch });
    await expect(herald.batchDeleteSubscriptions({ ids: ["A", "B"] })).resolves.toBeUndefined();
    expect(fake.requests[0]).toMatchObject({
      method: "POST",
      url: `${BASE}/herald/v2/1/subscriptions/batch/delete`,
      body: '{"ids":["A","B"]}',
      headers: { "content-type": "application/json" },
    });
  });
});

describe("notificationsByType", () => {
  it("follows continuation_id across every page", async () => {
    const fake = fakeFetch([
      json({ notifications: [{ id: "1" }, { id: "2" }], continuation_id: "c1", total_count: 5 }),
      json({ notifications: [{ id: "3" }, { id: "4" }], continuation_id: "c2", total_count: 5 }),
      json({ notifications: [{ id: "5" }], total_count: 5 }),
    ]);
    const herald = createHeraldClient({ baseUrl: BASE, token: "T", accountId: "1", fetch: fake.fetch });
    const ids: string[] = [];
    for await (const notification of herald.notificationsByType({ type: "a/b", limit: 2, sort: "asc" })) {
      ids.push(notification.id);
    }
    expect(ids).toEqual(["1", "2", "3", "4", "5"]);
    expect(fake.requests.map((r) => new URL(r.url).search)).toEqual([
      "?limit=2&sort=asc",
      "?limit=2&sort=asc&continuation_id=c1",
      "?limit=2&sort=asc&continuation_id=c2",
    ]);
  });
});

describe("errors", () => {
  const failing = (response: Response) =>
    createHeraldClient({ baseUrl: BASE, token: "T", accountId: "1", fetch: fakeFetch([response]).fetch });

  it("throws a HeraldError carrying the status, Herald's body and the operation", async () => {
    const body = { error: "missing_required_property", details: "class", request_id: "R1" };
    const error = await failing(json(body, 400))
      .createSubscription({ name: "n", notification_type: "a/b" } as never)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toBeInstanceOf(Error);
    expect(isHeraldError(error) && error.body).toEqual(body);
    expect(error).toMatchObject({ status: 400, operation: "create_subscription", code: "missing_required_property" });
    expect(isHeraldError(error) && error.requestId).toBe("R1");
    expect((error as Error).message).toBe("create_subscription answered 400 missing_required_property: class");
    expect(isValidationError(error)).toBe(true);
    expect(isSubscribersFailed(error)).toBe(false);
  });

  it("recognises rejected subscribers and partial deletions", async () => {
    const rejected = await failing(
      json(
        {
          error: "invalid_value",
          subscribers_failed: [{ subscriber: "X", subscriber_type: "user", error: "forbidden" }],
        },
        400,
      ),
    )
      .batchUpdateSubscribers("S", { subscribers: [{ subscriber: "X", subscriber_type: "user", action: "add" }] })
      .catch((caught: unknown) => caught);
    expect(isSubscribersFailed(rejected) && rejected.body.subscribers_failed[0]!.subscriber).toBe("X");

    const partial = await failing(
      json({ error: "delete_failed", unprocessed_items: [{ id: "A", error: "not_found" }] }, 400),
    )
      .batchDeleteSubscriptions({ ids: ["A"] })
      .catch((caught: unknown) => caught);
    expect(isPartialDeletion(partial) && partial.body.unprocessed_items).toEqual([{ id: "A", error: "not_found" }]);
    expect(isValidationError(partial)).toBe(false);
  });

  it("keeps an answer that is not Herald's shape readable", async () => {
    const error = await failing(new Response("<html>Bad gateway</html>", { status: 500 }))
      .getNotificationTypes()
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      status: 500,
      body: { error: "unexpected_response", details: "<html>Bad gateway</html>" },
    });
    expect(isHeraldError(new Error("x"))).toBe(false);
    expect(isValidationError("missing_required_property")).toBe(false);
  });
});
