// Portal links end to end, written once over a harness and run by both suites: the Worker in workerd
// (test/portal-links.test.ts) and the Node runtime (node/portal-links.test.ts). An admin makes a link, the console's
// exchange turns its code into a session once, and the session sees and changes only what its role and integrations
// allow: two integrations receive one notification, a second notification reaches only the other one.
import type { RequestBody } from "@herald/client";
import { beforeAll, describe, expect, it } from "vitest";
import { ACME, ACME_READER, ACME_WRITER, GLOBEX, PLATFORM } from "../common";
import { ACCOUNT, type DeliveryView, deliveryTools, type Harness } from "./harness";

export interface PortalWorld {
  admin: string;
  /** Integration `mine` (the scoped sessions' own) and `theirs`, each on a receiver that answers 200. */
  mine: { id: string };
  theirs: { id: string };
  /** A notification delivered to both, and its legs. */
  shared: { id: string; type: string; legs: DeliveryView[] };
  /** A notification delivered to `theirs` only. */
  foreign: { id: string; type: string; legs: DeliveryView[] };
}

export function definePortalScenarios(harness: Harness, world: (w: PortalWorld) => void = () => {}) {
  const { call, herald, login, createIntegration, freshType, subscribe, send, settled } = deliveryTools(harness);
  const base = `/herald/v2/${ACCOUNT}`;
  const w = {} as PortalWorld;

  beforeAll(async () => {
    w.admin = await login(ACME);
    const platform = await login(PLATFORM);
    w.mine = await createIntegration(w.admin, (await harness.receiver()).url);
    w.theirs = await createIntegration(w.admin, (await harness.receiver()).url);
    const sharedType = await freshType(platform);
    await subscribe(w.admin, sharedType, [
      { subscriber: w.mine.id, subscriber_type: "connection" },
      { subscriber: w.theirs.id, subscriber_type: "connection" },
    ]);
    const foreignType = await freshType(platform);
    await subscribe(w.admin, foreignType, [{ subscriber: w.theirs.id, subscriber_type: "connection" }]);
    const shared = await send(w.admin, sharedType);
    const foreign = await send(w.admin, foreignType);
    w.shared = { id: shared.id, type: sharedType, legs: await settled(w.admin, shared.id, 2, ["DELIVRD"]) };
    w.foreign = { id: foreign.id, type: foreignType, legs: await settled(w.admin, foreign.id, 1, ["DELIVRD"]) };
    world(w);
  }, 60_000);

  /** A link Herald is expected to refuse (a raw call: it sends what the types forbid). */
  const makeLink = (body: Record<string, unknown>, token = w.admin) =>
    call("POST", `${base}/portal_links`, { token, body });
  /** An exchange that may be refused (the code used, unknown, raced). */
  const exchange = (code: unknown) => call("POST", "/herald/v2/portal_sessions", { body: { code } });
  /** The path parameters of a typed call on the account: `account_id` and `extra`. */
  const path = <Extra extends Record<string, string> = Record<never, string>>(extra = {} as Extra) => ({
    path: { account_id: ACCOUNT, ...extra },
  });

  /** A link the admin makes, through the typed client, checking the 201. */
  async function createLink(body: RequestBody<"create_portal_link">) {
    const { data, error, response } = await herald(w.admin).raw.POST("/herald/v2/{account_id}/portal_links", {
      params: path(),
      body,
    });
    expect(response.status, JSON.stringify(error)).toBe(201);
    if (!data) throw new Error("no link");
    return data;
  }

  /** The exchange of a fresh code, through the typed client (it sends no token), checking the 200. */
  async function exchanged(code: string) {
    const { data, error, response } = await herald("").raw.POST("/herald/v2/portal_sessions", { body: { code } });
    expect(response.status, JSON.stringify(error)).toBe(200);
    if (!data) throw new Error("no session");
    return data;
  }

  /** A portal session from a fresh link of `body`: its token. */
  async function portalSession(body: RequestBody<"create_portal_link">): Promise<string> {
    const link = await createLink(body);
    return (await exchanged(link.code)).authentication.token;
  }

  const legOf = (legs: DeliveryView[], destination: string) => {
    const leg = legs.find((candidate) => candidate.destination === destination);
    if (!leg) throw new Error(`no leg to ${destination}`);
    return leg;
  };

  describe("a portal link", () => {
    it("is made by an admin: a console URL with the single-use code in its fragment", async () => {
      const before = Math.floor(Date.now() / 1000);
      const link = await createLink({ role: "write", integration_ids: [w.mine.id.toLowerCase()], embed: true });
      expect(link).toMatchObject({
        role: "write",
        integration_ids: [w.mine.id],
        embed: true,
        code: expect.stringMatching(/^pl_[A-Za-z0-9_-]{40,}$/),
      });
      const url = new URL(link.url);
      expect(url.pathname).toBe("/console/portal");
      expect(url.search).toBe("");
      const fragment = new URLSearchParams(url.hash.slice(1));
      expect(fragment.get("code")).toBe(link.code);
      expect(fragment.get("embed")).toBe("1");
      // One hour by default, at most 24 h.
      const plain = await createLink({});
      expect(plain).toMatchObject({ role: "read", embed: false });
      expect(plain.integration_ids).toBeUndefined();
      expect(new URLSearchParams(new URL(plain.url).hash.slice(1)).get("embed")).toBeNull();
      expect(plain.expires_at - before).toBeGreaterThanOrEqual(3600);
      expect(plain.expires_at - before).toBeLessThanOrEqual(3600 + 60);
      await createLink({ expires_in: 86_400 }); // answered 201
    });

    it("is refused to members below admin, to another account's token, and to a bad body", async () => {
      for (const who of [ACME_READER, ACME_WRITER]) {
        const refused = await makeLink({}, await login(who));
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ error: "forbidden" });
      }
      const globex = await login(GLOBEX);
      const stranger = await makeLink({}, globex);
      expect(stranger.status).toBe(403);
      expect(stranger.body).toMatchObject({ error: "forbidden" });

      const bad: Array<[Record<string, unknown>, string]> = [
        [{ expires_in: 86_401 }, "expires_in"],
        [{ expires_in: 0 }, "expires_in"],
        [{ expires_in: "3600" }, "expires_in"],
        [{ role: "admin" }, "role"],
        [{ integration_ids: [] }, "integration_ids"],
        [{ embed: "yes" }, "embed"],
      ];
      for (const [body, path] of bad) {
        const result = await makeLink(body);
        expect(result.status, JSON.stringify(body)).toBe(400);
        expect(result.body.path, JSON.stringify(body)).toBe(path);
      }
      // An integration that is not this account's: unknown ids and another account's alike.
      const globexIntegration = await harness
        .herald({ token: globex, accountId: GLOBEX.accountId })
        .raw.POST("/herald/v2/{account_id}/integrations", {
          params: { path: { account_id: GLOBEX.accountId } },
          body: { name: "globex-hook", target_url: (await harness.receiver()).url },
        });
      expect(globexIntegration.response.status).toBe(201);
      for (const foreignId of [globexIntegration.data?.id as string, crypto.randomUUID().toUpperCase()]) {
        const result = await makeLink({ integration_ids: [w.mine.id, foreignId] });
        expect(result.status).toBe(400);
        expect(result.body).toMatchObject({ error: "invalid_value", path: "integration_ids.1" });
        expect(result.body.details).toContain(foreignId);
      }
    });
  });

  describe("the exchange", () => {
    it("answers a session token once; the code used again, or unknown, is refused with a reason", async () => {
      const link = await createLink({ role: "read", integration_ids: [w.mine.id], expires_in: 600 });
      const first = await exchanged(link.code);
      expect(first).toMatchObject({
        authentication: { token: expect.any(String), account: { id: ACCOUNT } },
        portal: { link_id: link.id, role: "read", integration_ids: [w.mine.id], embed: false },
      });
      // Never past the link's own expiry.
      expect(first.authentication.token_expiration).toBeLessThanOrEqual(link.expires_at);
      const info = await herald(first.authentication.token).raw.GET("/aims/v1/token_info");
      expect(info.response.status).toBe(200);
      expect(info.data).toMatchObject({ account: { id: ACCOUNT }, roles: ["read"] });

      const again = await exchange(link.code);
      expect(again.status).toBe(410);
      expect(again.body).toMatchObject({ error: "portal_code_used", details: expect.stringMatching(/already used/) });
      const unknown = await exchange(`pl_${"x".repeat(43)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: "portal_code_unknown" });
      const missing = await call("POST", "/herald/v2/portal_sessions", { body: {} });
      expect(missing.status).toBe(400);
    });

    it("lets exactly one of several concurrent exchanges of a code win", async () => {
      const link = await createLink({});
      const results = await Promise.all([1, 2, 3, 4].map(() => exchange(link.code)));
      expect(results.map((result) => result.status).sort()).toEqual([200, 410, 410, 410]);
    });
  });

  describe("a read session", () => {
    it("changes nothing: every write answers 403", async () => {
      const token = await portalSession({ role: "read" });
      const mineLeg = legOf(w.shared.legs, w.mine.id);
      const writes: Array<[string, string, unknown]> = [
        ["POST", `${base}/deliveries/${mineLeg.id}/retry`, undefined],
        ["PUT", `${base}/integrations/${w.mine.id}`, { name: "renamed" }],
        ["POST", `${base}/integrations/${w.mine.id}/secret/rotate`, undefined],
        ["POST", `${base}/integrations/${w.mine.id}/test`, { notification_type: w.shared.type }],
        ["POST", `${base}/subscriptions`, { name: "x", class: "event", notification_type: w.shared.type }],
        ["POST", `${base}/notifications`, { type: w.shared.type, notification_data: {}, asset_data: {}, payload: {} }],
        ["POST", `${base}/portal_links`, {}],
      ];
      for (const [method, path, body] of writes) {
        const result = await call(method, path, { token, body });
        expect(result.status, `${method} ${path}`).toBe(403);
        expect(result.body).toMatchObject({ error: "forbidden" });
      }
      // Reading the signing secret is managing the integration: not for a read session either.
      expect((await call("GET", `${base}/integrations/${w.mine.id}/secret`, { token })).status).toBe(403);
      // What it may read, it reads.
      const session = herald(token).raw;
      const integration = await session.GET("/herald/v2/{account_id}/integrations/{id}", {
        params: path({ id: w.mine.id }),
      });
      expect(integration.response.status).toBe(200);
      const subscriptions = await session.GET("/herald/v2/{account_id}/subscriptions", { params: path() });
      expect(subscriptions.response.status).toBe(200);
    });
  });

  describe("a session limited to one integration", () => {
    let token: string;
    beforeAll(async () => {
      token = await portalSession({ role: "write", integration_ids: [w.mine.id] });
    });

    it("lists and reads only its integration", async () => {
      const session = herald(token).raw;
      const list = await session.GET("/herald/v2/{account_id}/integrations", { params: path() });
      expect(list.response.status).toBe(200);
      expect(list.data?.integrations.map((integration) => integration.id)).toEqual([w.mine.id]);
      const mine = await session.GET("/herald/v2/{account_id}/integrations/{id}", { params: path({ id: w.mine.id }) });
      expect(mine.response.status).toBe(200);
      const other = await call("GET", `${base}/integrations/${w.theirs.id}`, { token });
      expect(other.status).toBe(404);
      expect(other.body).toMatchObject({ error: "not_found" });
    });

    it("sees only its integration's legs and attempts, and only notifications that reached it", async () => {
      const session = herald(token).raw;
      const legs = await session.GET("/herald/v2/{account_id}/deliveries", {
        params: { ...path(), query: { notification_id: w.shared.id } },
      });
      expect(legs.response.status).toBe(200);
      expect(legs.data?.deliveries.map((leg) => leg.destination)).toEqual([w.mine.id]);
      expect(legs.data?.deliveries[0]?.attempts.length).toBeGreaterThan(0);
      const mineLeg = legOf(w.shared.legs, w.mine.id);
      const theirLeg = legOf(w.shared.legs, w.theirs.id);
      const ownLeg = await session.GET("/herald/v2/{account_id}/deliveries/{delivery_id}", {
        params: path({ delivery_id: mineLeg.id }),
      });
      expect(ownLeg.response.status).toBe(200);
      expect((await call("GET", `${base}/deliveries/${theirLeg.id}`, { token })).status).toBe(404);

      const inAccount = await session.GET("/herald/v2/{account_id}/notifications/{notification_id}", {
        params: path({ notification_id: w.shared.id }),
      });
      expect(inAccount.response.status).toBe(200);
      const byId = await session.GET("/herald/v2/notifications/{notification_id}", {
        params: { path: { notification_id: w.shared.id } },
      });
      expect(byId.response.status).toBe(200);
      for (const path of [
        `${base}/notifications/${w.foreign.id}`,
        `/herald/v2/notifications/${w.foreign.id}`,
        `${base}/deliveries?notification_id=${w.foreign.id}`,
        `${base}/deliveries/${w.foreign.legs[0]?.id}`,
      ]) {
        const hidden = await call("GET", path, { token });
        expect(hidden.status, path).toBe(404);
        expect(hidden.body).toMatchObject({ error: "not_found" });
      }
      const byType = (type: string) => herald(token).getAccountNotificationByType(type);
      expect((await byType(w.shared.type)).notifications.map((n) => n.id)).toEqual([w.shared.id]);
      expect(await byType(w.foreign.type)).toMatchObject({ notifications: [], total_count: 0 });
    });

    it("sees why a notification reached its integration, and delivery statistics of its legs only", async () => {
      const session = herald(token).raw;
      const decisions = await session.GET("/herald/v2/{account_id}/decisions", {
        params: { ...path(), query: { notification_id: w.shared.id } },
      });
      expect(decisions.response.status).toBe(200);
      const destinations = (decisions.data?.decisions ?? []).flatMap((decision) => decision.destinations ?? []);
      expect(destinations.map((d) => d.subscriber)).toEqual([w.mine.id]);
      const whole = await herald(w.admin).getNotificationDecisions({ notification_id: w.shared.id });
      expect(
        whole.decisions.flatMap((d) => (d.destinations ?? []).map((destination) => destination.subscriber)),
      ).toEqual(expect.arrayContaining([w.mine.id, w.theirs.id]));
      const hidden = await call("GET", `${base}/decisions?notification_id=${w.foreign.id}`, { token });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ error: "not_found" });

      const stats = await session.GET("/herald/v2/{account_id}/statistics/deliveries", { params: path() });
      expect(stats.response.status).toBe(200);
      expect(stats.data?.latency.map((row) => row.integration_id)).toEqual([w.mine.id]);
      expect(stats.data?.integrations.map((row) => row.integration_id)).toEqual([w.mine.id]);
      const counted = (stats.data?.hours ?? []).reduce((sum, hour) => sum + hour.total, 0);
      expect(counted).toBe(1);
    });

    it("sees an incident's statuses of its integration's legs only", async () => {
      const notification = await herald(w.admin).getAccountNotification(w.shared.id);
      const incident = (notification.payload as { long_incident_id: string }).long_incident_id;
      const own = await herald(w.admin).getSentIncidentNotifications(incident);
      expect(own.notifications[0]?.statuses).toHaveLength(2);
      const scoped = await herald(token).raw.GET(
        "/herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}",
        { params: path({ long_incident_id: incident }) },
      );
      expect(scoped.response.status).toBe(200);
      expect(scoped.data?.notifications).toHaveLength(1);
      const [sent] = scoped.data?.notifications ?? [];
      expect(sent?.statuses.map((status) => status.destination)).toEqual([w.mine.id]);
      expect(sent?.integration_statuses?.map((status) => status.integration_id)).toEqual([w.mine.id]);
    });

    it("starts and reads jobs of its integration, and no other's", async () => {
      const since = Math.floor(Date.now() / 1000) - 60;
      const session = herald(token).raw;
      const own = await session.POST("/herald/v2/{account_id}/integrations/{id}/recover", {
        params: path({ id: w.mine.id }),
        body: { since },
      });
      expect(own.response.status).toBe(202);
      const job = await session.GET("/herald/v2/{account_id}/jobs/{job_id}", {
        params: path({ job_id: own.data?.job_id as string }),
      });
      expect(job.response.status).toBe(200);
      const other = await herald(w.admin).raw.POST("/herald/v2/{account_id}/integrations/{id}/replay", {
        params: path({ id: w.theirs.id }),
        body: { since },
      });
      expect(other.response.status).toBe(202);
      const hidden = await call("GET", `${base}/jobs/${other.data?.job_id}`, { token });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ error: "not_found" });
    });

    it("manages its integration (update, rotate, test, retry) but no other", async () => {
      const session = herald(token).raw;
      const mine = path({ id: w.mine.id });
      const renamed = await session.PUT("/herald/v2/{account_id}/integrations/{id}", {
        params: mine,
        body: { name: "portal-named" },
      });
      expect(renamed.response.status).toBe(200);
      expect(renamed.data?.name).toBe("portal-named");
      const rotated = await session.POST("/herald/v2/{account_id}/integrations/{id}/secret/rotate", { params: mine });
      expect(rotated.response.status).toBe(200);
      const tested = await session.POST("/herald/v2/{account_id}/integrations/{id}/test", {
        params: mine,
        body: { notification_type: w.shared.type },
      });
      expect(tested.response.status).toBe(200);
      // Its delivered leg is reached (and cannot be retried: only FAILED ones can); the other one is not.
      const mineLeg = legOf(w.shared.legs, w.mine.id);
      const theirLeg = legOf(w.shared.legs, w.theirs.id);
      expect((await call("POST", `${base}/deliveries/${mineLeg.id}/retry`, { token })).status).toBe(409);
      expect((await call("POST", `${base}/deliveries/${theirLeg.id}/retry`, { token })).status).toBe(404);
      for (const [method, path, body] of [
        ["PUT", `${base}/integrations/${w.theirs.id}`, { name: "taken" }],
        ["POST", `${base}/integrations/${w.theirs.id}/secret/rotate`, undefined],
        ["GET", `${base}/integrations/${w.theirs.id}/secret`, undefined],
        ["POST", `${base}/integrations/${w.theirs.id}/pause`, undefined],
        ["POST", `${base}/integrations/${w.theirs.id}/recover`, { since: Math.floor(Date.now() / 1000) - 60 }],
      ] as Array<[string, string, unknown]>) {
        const result = await call(method, path, { token, body });
        expect(result.status, `${method} ${path}`).toBe(404);
      }
      const theirs = await herald(w.admin).getAccountIntegration(w.theirs.id);
      expect(theirs.name).not.toBe("taken");
    });

    it("reaches nothing that is not about its integration", async () => {
      const refused: Array<[string, string, unknown]> = [
        ["GET", `${base}/subscriptions`, undefined],
        ["GET", `${base}/users`, undefined],
        ["GET", `${base}/audit_events`, undefined],
        ["GET", `${base}/emails`, undefined],
        ["POST", `${base}/portal_links`, { integration_ids: [w.mine.id] }],
        ["POST", `${base}/integrations`, { name: "new", target_url: "https://example.com/hook" }],
        ["DELETE", `${base}/integrations/${w.mine.id}`, undefined],
        ["POST", `${base}/webhook/test`, { target_url: "https://example.com/hook" }],
        ["POST", `${base}/notifications`, { type: w.shared.type, notification_data: {}, asset_data: {}, payload: {} }],
        ["POST", "/herald/v2/notification_types", { notification_type: "x/y", name: "x" }],
      ];
      for (const [method, path, body] of refused) {
        const result = await call(method, path, { token, body });
        expect(result.status, `${method} ${path}`).toBe(403);
        expect(result.body).toMatchObject({ error: "forbidden" });
      }
    });
  });

  describe("a write session for the whole account", () => {
    it("reads the account and retries legs, but makes no link, reads no audit log and creates no integration", async () => {
      const token = await portalSession({ role: "write" });
      const list = await herald(token).getAccountIntegrations();
      expect(list.integrations.map((integration) => integration.id)).toEqual(
        expect.arrayContaining([w.mine.id, w.theirs.id]),
      );
      const subscriptions = await herald(token).raw.GET("/herald/v2/{account_id}/subscriptions", { params: path() });
      expect(subscriptions.response.status).toBe(200);
      for (const [method, path, body] of [
        ["POST", `${base}/portal_links`, {}],
        ["GET", `${base}/audit_events`, undefined],
        ["POST", `${base}/integrations`, { name: "new", target_url: "https://example.com/hook" }],
      ] as Array<[string, string, unknown]>) {
        expect((await call(method, path, { token, body })).status, `${method} ${path}`).toBe(403);
      }
    });
  });
}
