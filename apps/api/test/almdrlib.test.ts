// Replays every request of contract §6.5 the way almdrlib (alertlogic-sdk-python) sends it, and checks the answers a
// Python caller gets: the status `raise_for_status()` sees and the JSON `.json()` returns.
//
// How almdrlib builds requests (§6.2, §6.3): it logs in with POST /aims/v1/authenticate (HTTP Basic), resolves the
// Herald host through the Endpoints service, then calls `"https://" + host + path` with path parameters substituted
// unencoded (a notification type spans two segments), query values as strings ("true"/"false" for booleans), the
// body's properties flattened into one object sent as `json.dumps(obj)` with `content-type: application/json`, and the
// token in a lowercase `x-aims-auth-token` header. python-requests adds its usual headers.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, BASE, login, PLATFORM, unique } from "./helpers";
import { createNotificationType, expectStoredAs, UPPERCASE_UUID } from "./notification-factories";

const SESSION_ACCOUNT = ACME.accountId; // "12345678", the account of the recorded requests
const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";

const PYTHON_REQUESTS_HEADERS = {
  "user-agent": "python-requests/2.31.0",
  "accept-encoding": "gzip, deflate",
  accept: "*/*",
};

/** Python's `json.dumps(obj)`: ", " and ": " separators, non-ASCII escaped as \uXXXX (ensure_ascii). */
function pythonJsonDumps(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const members = Object.entries(value).map(([key, item]) => `${pythonString(key)}: ${pythonJsonDumps(item)}`);
    return `{${members.join(", ")}}`;
  }
  return typeof value === "string" ? pythonString(value) : JSON.stringify(value);
}

function pythonString(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Query values as almdrlib passes them to requests: booleans become "true"/"false", numbers decimal strings. */
type QueryValue = string | number | boolean;

interface PythonResponse {
  status: number;
  headers: Headers;
  text: string;
  /** `response.json()`; throws on a 204, as requests does. */
  json(): any;
}

class AlmdrlibSession {
  private constructor(
    readonly token: string,
    readonly accountId: string,
    readonly baseUrl: string,
  ) {}

  /** `Session._authenticate` with an access key, then `Session.get_url('herald', account_id)`. */
  static async login(who: { keyId: string; secret: string }): Promise<AlmdrlibSession> {
    const auth = await SELF.fetch(`${BASE}/aims/v1/authenticate`, {
      method: "POST",
      headers: { ...PYTHON_REQUESTS_HEADERS, authorization: `Basic ${btoa(`${who.keyId}:${who.secret}`)}` },
    });
    expect(auth.status).toBe(200);
    const { authentication } = (await auth.json()) as {
      authentication: { token: string; account: { id: string }; user: { id: string } };
    };
    const endpoint = await SELF.fetch(
      `${BASE}/endpoints/v1/${authentication.account.id}/residency/default/services/herald/endpoint`,
      { headers: { ...PYTHON_REQUESTS_HEADERS, "x-aims-auth-token": authentication.token } },
    );
    expect(endpoint.status).toBe(200);
    const { herald } = (await endpoint.json()) as { herald: string };
    return new AlmdrlibSession(authentication.token, authentication.account.id, `https://${herald}`);
  }

  /** One operation: `server.url + path.format(**path_params)`, query only when passed, flattened JSON body. */
  async call(
    method: string,
    path: string,
    options: { query?: Record<string, QueryValue>; body?: Record<string, unknown> } = {},
  ): Promise<PythonResponse> {
    let url = `${this.baseUrl}${path}`;
    if (options.query) {
      const params = new URLSearchParams(
        Object.entries(options.query).map(([key, value]): [string, string] => [key, String(value)]),
      );
      url += `?${params}`;
    }
    const headers: Record<string, string> = { ...PYTHON_REQUESTS_HEADERS, "x-aims-auth-token": this.token };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      body = pythonJsonDumps(options.body);
    }
    const response = await SELF.fetch(url, { method, headers, body });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: () => JSON.parse(text),
    };
  }
}

let herald: AlmdrlibSession;
let platformToken: string;

beforeAll(async () => {
  herald = await AlmdrlibSession.login(ACME);
  platformToken = await login(PLATFORM);
});

describe("almdrlib's session set-up", () => {
  it("logs in with the access key and resolves this deployment as the Herald host", () => {
    expect(herald.accountId).toBe(SESSION_ACCOUNT);
    expect(herald.baseUrl).toBe(`https://${new URL(BASE).host}`);
  });

  it("checks an existing token with GET /aims/v1/token_info", async () => {
    const response = await SELF.fetch(`${BASE}/aims/v1/token_info`, {
      headers: { ...PYTHON_REQUESTS_HEADERS, "x-aims-auth-token": herald.token },
    });
    expect(response.status).toBe(200);
    const info = (await response.json()) as { account: { id: string }; user: { id: string } };
    expect(info.account.id).toBe(SESSION_ACCOUNT);
    expect(info.user.id).toBe(ACME_ADMIN_USER);
  });

  it("formats bodies like Python's json.dumps", () => {
    expect(pythonJsonDumps({ active: false, ids: ["a", "b"], name: "Zürich" })).toBe(
      '{"active": false, "ids": ["a", "b"], "name": "Z\\u00fcrich"}',
    );
  });
});

describe("§6.5 requests, replayed", () => {
  it("GET /herald/v2/notification_types", async () => {
    const response = await herald.call("GET", "/herald/v2/notification_types");
    expect(response.status).toBe(200);
    const { notification_types } = response.json();
    expect(Array.isArray(notification_types)).toBe(true);
    expect(notification_types).toContainEqual(
      expect.objectContaining({ notification_type: "incidents/alerts", name: "Incidents" }),
    );
  });

  it("GET /herald/v2/12345678/subscriptions?external_id=X&include_subscribers=true", async () => {
    const externalId = unique("schedule");
    const created = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/subscriptions`, {
      body: {
        name: unique("report"),
        class: "schedule",
        notification_type: "report/scheduled",
        external_id: externalId,
        subscribers: [{ subscriber: ACME_ADMIN_USER, subscriber_type: "user" }],
      },
    });
    expect(created.status).toBe(201);

    const response = await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/subscriptions`, {
      query: { external_id: externalId, include_subscribers: true },
    });
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({
      subscriptions: [
        expect.objectContaining({
          id: created.json().id,
          external_id: externalId,
          class: "schedule",
          subscriber_count: 1,
          subscribers: [expect.objectContaining({ subscriber: ACME_ADMIN_USER, subscriber_type: "user" })],
        }),
      ],
    });

    const without = await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/subscriptions`, {
      query: { external_id: externalId, include_subscribers: false },
    });
    expect(without.status).toBe(200);
    expect(without.json().subscriptions).toHaveLength(1);
    expect(without.json().subscriptions[0]).not.toHaveProperty("subscribers");
  });

  it("GET /herald/v2/12345678/notifications/incidents/alerts?sort=asc&continuation_id=abc&since=1&until=2&limit=10", async () => {
    // Exactly as recorded: "abc" was never issued, so raise_for_status() raises on a 400.
    const response = await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/notifications/incidents/alerts`, {
      query: { sort: "asc", continuation_id: "abc", since: 1, until: 2, limit: 10 },
    });
    expect(response.status).toBe(400);
    expect(response.json()).toMatchObject({ error: "invalid_search_parameters", path: "continuation_id" });

    // The same call without the made-up continuation id: an empty page (nothing was sent in 1970).
    const first = await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/notifications/incidents/alerts`, {
      query: { sort: "asc", since: 1, until: 2, limit: 10 },
    });
    expect(first.status).toBe(200);
    expect(first.json()).toEqual({ notifications: [], total_count: 0 });
  });

  it("pages notifications by type the way a Python loop follows continuation_id", async () => {
    const type = await createNotificationType(platformToken);
    const sent: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/notifications`, {
        body: { type, notification_data: {}, asset_data: {}, payload: { i } },
      });
      expect(response.status).toBe(202);
      sent.push(response.json().id);
    }

    const seen: string[] = [];
    let continuationId: string | undefined;
    let pages = 0;
    do {
      const query: Record<string, QueryValue> = { sort: "asc", limit: 2 };
      if (continuationId) query.continuation_id = continuationId;
      const response = await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/notifications/${type}`, { query });
      expect(response.status).toBe(200);
      const page = response.json();
      for (const key of Object.keys(page)) expect(["notifications", "total_count", "continuation_id"]).toContain(key);
      expect(page.total_count).toBe(3);
      seen.push(...page.notifications.map((n: { id: string }) => n.id));
      continuationId = page.continuation_id;
      pages++;
    } while (continuationId && pages < 5);

    expect(pages).toBe(2);
    expect(seen.sort()).toEqual([...sent].sort());
  });

  it("GET /herald/v2/notifications/N1", async () => {
    const sent = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/notifications`, {
      body: { type: "incidents/alerts", notification_data: {}, asset_data: {}, payload: {} },
    });
    const id = sent.json().id;
    const response = await herald.call("GET", `/herald/v2/notifications/${id}`);
    expect(response.status).toBe(200);
    expectStoredAs(response.json(), sent.json());

    const unknown = await herald.call("GET", "/herald/v2/notifications/N1");
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: "not_found" });
  });

  it("GET /herald/v2/999/notifications/N1 (explicit account_id)", async () => {
    // almdrlib first resolves the Herald host for account 999, which this token may not do...
    const lookup = await SELF.fetch(`${BASE}/endpoints/v1/999/residency/default/services/herald/endpoint`, {
      headers: { ...PYTHON_REQUESTS_HEADERS, "x-aims-auth-token": herald.token },
    });
    expect(lookup.status).toBe(403);
    // ...and the Herald call itself is refused too.
    const response = await herald.call("GET", "/herald/v2/999/notifications/N1");
    expect(response.status).toBe(403);
    expect(response.json()).toMatchObject({ error: "forbidden" });
  });

  it("GET /herald/v2/12345678/notifications/type/incidents/alerts/L1", async () => {
    const response = await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/notifications/type/incidents/alerts/L1`);
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ notifications: [] });
  });

  it("POST /herald/v2/12345678/notifications", async () => {
    const response = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/notifications`, {
      body: { type: "incidents/alerts", notification_data: {}, asset_data: {}, payload: {} },
    });
    expect(response.status).toBe(202);
    expect(response.json()).toEqual({
      id: expect.stringMatching(UPPERCASE_UUID),
      account_id: SESSION_ACCOUNT,
      type: "incidents/alerts",
      notification_data: {},
      asset_data: {},
      payload: {},
      status: "created",
      created: { at: expect.any(Number), by: ACME_ADMIN_USER },
      modified: { at: expect.any(Number), by: ACME_ADMIN_USER },
    });
  });

  it("POST a notification whose json.dumps body escapes non-ASCII text", async () => {
    const response = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/notifications`, {
      body: {
        type: "incidents/alerts",
        notification_data: {},
        asset_data: {},
        payload: { customer_name: "Zürich Büro ✓", attack_summary: "🚨" },
      },
    });
    expect(response.status).toBe(202);
    expect(response.json().payload).toEqual({ customer_name: "Zürich Büro ✓", attack_summary: "🚨" });
  });

  describe("the subscription life cycle", () => {
    // The recorded body, byte for byte apart from the subscriber: "U" stands for an AIMS user id.
    const createBody = (subscriber: string) => ({
      name: "n",
      class: "event",
      notification_type: "incidents/alerts",
      subscribers: [{ subscriber, subscriber_type: "user" }],
      suppression_interval: 10,
    });

    async function createSubscription(subscriber = unique("U")) {
      const response = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/subscriptions`, {
        body: createBody(subscriber),
      });
      expect(response.status).toBe(201);
      return { subscription: response.json(), subscriber };
    }

    it("POST /herald/v2/12345678/subscriptions", async () => {
      const subscriber = unique("U");
      const response = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/subscriptions`, {
        body: createBody(subscriber),
      });
      expect(response.status).toBe(201);
      expect(response.json()).toMatchObject({
        id: expect.stringMatching(UPPERCASE_UUID),
        account_id: SESSION_ACCOUNT,
        name: "n",
        class: "event",
        notification_type: "incidents/alerts",
        active: true,
        suppression_interval: 10,
        created: { at: expect.any(Number), by: ACME_ADMIN_USER },
        subscribers: [expect.objectContaining({ subscriber, subscriber_type: "user" })],
      });
    });

    it('POST /herald/v2/12345678/subscriptions/S1 with {"active": false}, and with {}', async () => {
      const { subscription } = await createSubscription();
      const path = `/herald/v2/${SESSION_ACCOUNT}/subscriptions/${subscription.id}`;
      const deactivated = await herald.call("POST", path, { body: { active: false } });
      expect(deactivated.status).toBe(200);
      expect(deactivated.json()).toMatchObject({ id: subscription.id, active: false, name: "n" });

      const unchanged = await herald.call("POST", path, { body: {} });
      expect(unchanged.status).toBe(200);
      expect(unchanged.json()).toMatchObject({ id: subscription.id, active: false, name: "n" });
    });

    it("GET /herald/v2/12345678/subscriptions/S1?include_subscribers=false (and =true)", async () => {
      const { subscription, subscriber } = await createSubscription();
      const path = `/herald/v2/${SESSION_ACCOUNT}/subscriptions/${subscription.id}`;
      const without = await herald.call("GET", path, { query: { include_subscribers: false } });
      expect(without.status).toBe(200);
      expect(without.json()).toMatchObject({ id: subscription.id, name: "n" });
      expect(without.json()).not.toHaveProperty("subscribers");

      const withSubscribers = await herald.call("GET", path, { query: { include_subscribers: true } });
      expect(withSubscribers.status).toBe(200);
      expect(withSubscribers.json()).toMatchObject({
        subscriber_count: 1,
        subscribers: [expect.objectContaining({ subscriber, subscriber_type: "user" })],
      });
    });

    it("GET /herald/v2/12345678/subscriptions/S1/subscribers, then DELETE …/subscribers/user/U", async () => {
      const { subscription, subscriber } = await createSubscription();
      const base = `/herald/v2/${SESSION_ACCOUNT}/subscriptions/${subscription.id}/subscribers`;
      const listed = await herald.call("GET", base);
      expect(listed.status).toBe(200);
      expect(listed.json()).toEqual({
        subscribers: [
          expect.objectContaining({ subscriber, subscriber_type: "user", subscription_id: subscription.id }),
        ],
      });

      const removed = await herald.call("DELETE", `${base}/user/${subscriber}`);
      expect(removed.status).toBe(204);
      expect(removed.text).toBe("");
      expect(() => removed.json()).toThrow();

      const after = await herald.call("GET", base);
      expect(after.json()).toEqual({ subscribers: [] });
    });

    it("DELETE /herald/v2/12345678/subscriptions/S1", async () => {
      const { subscription } = await createSubscription();
      const path = `/herald/v2/${SESSION_ACCOUNT}/subscriptions/${subscription.id}`;
      const deleted = await herald.call("DELETE", path);
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe("");
      expect((await herald.call("GET", path)).status).toBe(404);
    });

    it('POST /herald/v2/12345678/subscriptions/batch/delete with {"ids": [...]}', async () => {
      const a = (await createSubscription()).subscription.id;
      const b = (await createSubscription()).subscription.id;
      const deleted = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/subscriptions/batch/delete`, {
        body: { ids: [a, b] },
      });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe("");
      for (const id of [a, b]) {
        expect((await herald.call("GET", `/herald/v2/${SESSION_ACCOUNT}/subscriptions/${id}`)).status).toBe(404);
      }

      // The recorded ids "a" and "b" name nothing: a 400 that says which ones.
      const recorded = await herald.call("POST", `/herald/v2/${SESSION_ACCOUNT}/subscriptions/batch/delete`, {
        body: { ids: ["a", "b"] },
      });
      expect(recorded.status).toBe(400);
      const failure = recorded.json();
      expect(failure.error).toBe("delete_failed");
      // Ids are case-insensitive (uppercase UUIDs), so the server may echo them in either case.
      expect(
        failure.unprocessed_items.map((item: { id: string; error: string }) => [item.id.toLowerCase(), item.error]),
      ).toEqual([
        ["a", "not_found"],
        ["b", "not_found"],
      ]);
    });
  });
});
