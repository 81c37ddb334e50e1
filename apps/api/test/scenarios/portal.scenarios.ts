// Portal links end to end, written once over a harness and run by both suites: the Worker in workerd
// (test/portal-links.test.ts) and the Node runtime (node/portal-links.test.ts). An admin makes a link, the console's
// exchange turns its code into a session once, and the session sees and changes only what its role and integrations
// allow: two integrations receive one notification, a second notification reaches only the other one.
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
  const { call, login, createIntegration, freshType, subscribe, send, settled } = deliveryTools(harness);
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

  const makeLink = (body: Record<string, unknown>, token = w.admin) =>
    call("POST", `${base}/portal_links`, { token, body });
  const exchange = (code: unknown) => call("POST", "/herald/v2/portal_sessions", { body: { code } });

  /** A portal session from a fresh link of `body`: its token. */
  async function portalSession(body: Record<string, unknown>): Promise<string> {
    const link = await makeLink(body);
    expect(link.status).toBe(201);
    const session = await exchange(link.body.code);
    expect(session.status).toBe(200);
    return session.body.authentication.token as string;
  }

  const legOf = (legs: DeliveryView[], destination: string) => {
    const leg = legs.find((candidate) => candidate.destination === destination);
    if (!leg) throw new Error(`no leg to ${destination}`);
    return leg;
  };

  describe("a portal link", () => {
    it("is made by an admin: a console URL with the single-use code in its fragment", async () => {
      const before = Math.floor(Date.now() / 1000);
      const link = await makeLink({ role: "write", integration_ids: [w.mine.id.toLowerCase()], embed: true });
      expect(link.status).toBe(201);
      expect(link.body).toMatchObject({
        role: "write",
        integration_ids: [w.mine.id],
        embed: true,
        code: expect.stringMatching(/^pl_[A-Za-z0-9_-]{40,}$/),
      });
      const url = new URL(link.body.url);
      expect(url.pathname).toBe("/console/portal");
      expect(url.search).toBe("");
      const fragment = new URLSearchParams(url.hash.slice(1));
      expect(fragment.get("code")).toBe(link.body.code);
      expect(fragment.get("embed")).toBe("1");
      // One hour by default, at most 24 h.
      const plain = await makeLink({});
      expect(plain.status).toBe(201);
      expect(plain.body).toMatchObject({ role: "read", embed: false });
      expect(plain.body.integration_ids).toBeUndefined();
      expect(new URLSearchParams(new URL(plain.body.url).hash.slice(1)).get("embed")).toBeNull();
      expect(plain.body.expires_at - before).toBeGreaterThanOrEqual(3600);
      expect(plain.body.expires_at - before).toBeLessThanOrEqual(3600 + 60);
      const day = await makeLink({ expires_in: 86_400 });
      expect(day.status).toBe(201);
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
      const globexIntegration = await call("POST", `/herald/v2/${GLOBEX.accountId}/integrations`, {
        token: globex,
        body: { name: "globex-hook", target_url: (await harness.receiver()).url },
      });
      expect(globexIntegration.status).toBe(201);
      for (const foreignId of [globexIntegration.body.id as string, crypto.randomUUID().toUpperCase()]) {
        const result = await makeLink({ integration_ids: [w.mine.id, foreignId] });
        expect(result.status).toBe(400);
        expect(result.body).toMatchObject({ error: "invalid_value", path: "integration_ids.1" });
        expect(result.body.details).toContain(foreignId);
      }
    });
  });

  describe("the exchange", () => {
    it("answers a session token once; the code used again, or unknown, is refused with a reason", async () => {
      const link = await makeLink({ role: "read", integration_ids: [w.mine.id], expires_in: 600 });
      const first = await exchange(link.body.code);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        authentication: { token: expect.any(String), account: { id: ACCOUNT } },
        portal: { link_id: link.body.id, role: "read", integration_ids: [w.mine.id], embed: false },
      });
      // Never past the link's own expiry.
      expect(first.body.authentication.token_expiration).toBeLessThanOrEqual(link.body.expires_at);
      const info = await call("GET", "/aims/v1/token_info", { token: first.body.authentication.token });
      expect(info.status).toBe(200);
      expect(info.body).toMatchObject({ account: { id: ACCOUNT }, roles: ["read"] });

      const again = await exchange(link.body.code);
      expect(again.status).toBe(410);
      expect(again.body).toMatchObject({ error: "portal_code_used", details: expect.stringMatching(/already used/) });
      const unknown = await exchange(`pl_${"x".repeat(43)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ error: "portal_code_unknown" });
      const missing = await call("POST", "/herald/v2/portal_sessions", { body: {} });
      expect(missing.status).toBe(400);
    });

    it("lets exactly one of several concurrent exchanges of a code win", async () => {
      const link = await makeLink({});
      const results = await Promise.all([1, 2, 3, 4].map(() => exchange(link.body.code)));
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
      expect((await call("GET", `${base}/integrations/${w.mine.id}`, { token })).status).toBe(200);
      expect((await call("GET", `${base}/subscriptions`, { token })).status).toBe(200);
    });
  });

  describe("a session limited to one integration", () => {
    let token: string;
    beforeAll(async () => {
      token = await portalSession({ role: "write", integration_ids: [w.mine.id] });
    });

    it("lists and reads only its integration", async () => {
      const list = await call("GET", `${base}/integrations`, { token });
      expect(list.status).toBe(200);
      expect(list.body.integrations.map((integration: { id: string }) => integration.id)).toEqual([w.mine.id]);
      expect((await call("GET", `${base}/integrations/${w.mine.id}`, { token })).status).toBe(200);
      const other = await call("GET", `${base}/integrations/${w.theirs.id}`, { token });
      expect(other.status).toBe(404);
      expect(other.body).toMatchObject({ error: "not_found" });
    });

    it("sees only its integration's legs and attempts, and only notifications that reached it", async () => {
      const legs = await call("GET", `${base}/deliveries?notification_id=${w.shared.id}`, { token });
      expect(legs.status).toBe(200);
      expect(legs.body.deliveries.map((leg: DeliveryView) => leg.destination)).toEqual([w.mine.id]);
      expect(legs.body.deliveries[0].attempts.length).toBeGreaterThan(0);
      const mineLeg = legOf(w.shared.legs, w.mine.id);
      const theirLeg = legOf(w.shared.legs, w.theirs.id);
      expect((await call("GET", `${base}/deliveries/${mineLeg.id}`, { token })).status).toBe(200);
      expect((await call("GET", `${base}/deliveries/${theirLeg.id}`, { token })).status).toBe(404);

      expect((await call("GET", `${base}/notifications/${w.shared.id}`, { token })).status).toBe(200);
      expect((await call("GET", `/herald/v2/notifications/${w.shared.id}`, { token })).status).toBe(200);
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
      const byType = (type: string) =>
        call("GET", `${base}/notifications/${encodeURIComponent(type)}`, { token }).then((result) => result.body);
      expect((await byType(w.shared.type)).notifications.map((n: { id: string }) => n.id)).toEqual([w.shared.id]);
      expect(await byType(w.foreign.type)).toMatchObject({ notifications: [], total_count: 0 });
    });

    it("sees why a notification reached its integration, and delivery statistics of its legs only", async () => {
      const decisions = await call("GET", `${base}/decisions?notification_id=${w.shared.id}`, { token });
      expect(decisions.status).toBe(200);
      const destinations = decisions.body.decisions.flatMap(
        (decision: { destinations?: Array<{ subscriber: string }> }) => decision.destinations ?? [],
      );
      expect(destinations.map((d: { subscriber: string }) => d.subscriber)).toEqual([w.mine.id]);
      const whole = await call("GET", `${base}/decisions?notification_id=${w.shared.id}`, { token: w.admin });
      expect(
        whole.body.decisions.flatMap((d: { destinations?: Array<{ subscriber: string }> }) =>
          (d.destinations ?? []).map((destination) => destination.subscriber),
        ),
      ).toEqual(expect.arrayContaining([w.mine.id, w.theirs.id]));
      const hidden = await call("GET", `${base}/decisions?notification_id=${w.foreign.id}`, { token });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ error: "not_found" });

      const stats = await call("GET", `${base}/statistics/deliveries`, { token });
      expect(stats.status).toBe(200);
      expect(stats.body.latency.map((row: { integration_id?: string }) => row.integration_id)).toEqual([w.mine.id]);
      expect(stats.body.integrations.map((row: { integration_id: string }) => row.integration_id)).toEqual([w.mine.id]);
      const counted = stats.body.hours.reduce((sum: number, hour: { total: number }) => sum + hour.total, 0);
      expect(counted).toBe(1);
    });

    it("sees an incident's statuses of its integration's legs only", async () => {
      const notification = await call("GET", `${base}/notifications/${w.shared.id}`, { token: w.admin });
      const incident = notification.body.payload.long_incident_id as string;
      const path = `${base}/notifications/type/incidents/alerts/${incident}`;
      const own = await call("GET", path, { token: w.admin });
      expect(own.body.notifications[0].statuses).toHaveLength(2);
      const scoped = await call("GET", path, { token });
      expect(scoped.status).toBe(200);
      expect(scoped.body.notifications).toHaveLength(1);
      const [sent] = scoped.body.notifications;
      expect(sent.statuses.map((status: { destination: string }) => status.destination)).toEqual([w.mine.id]);
      expect(sent.integration_statuses.map((status: { integration_id: string }) => status.integration_id)).toEqual([
        w.mine.id,
      ]);
    });

    it("starts and reads jobs of its integration, and no other's", async () => {
      const since = Math.floor(Date.now() / 1000) - 60;
      const own = await call("POST", `${base}/integrations/${w.mine.id}/recover`, { token, body: { since } });
      expect(own.status).toBe(202);
      expect((await call("GET", `${base}/jobs/${own.body.job_id}`, { token })).status).toBe(200);
      const other = await call("POST", `${base}/integrations/${w.theirs.id}/replay`, {
        token: w.admin,
        body: { since },
      });
      expect(other.status).toBe(202);
      const hidden = await call("GET", `${base}/jobs/${other.body.job_id}`, { token });
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ error: "not_found" });
    });

    it("manages its integration (update, rotate, test, retry) but no other", async () => {
      const renamed = await call("PUT", `${base}/integrations/${w.mine.id}`, { token, body: { name: "portal-named" } });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe("portal-named");
      expect((await call("POST", `${base}/integrations/${w.mine.id}/secret/rotate`, { token })).status).toBe(200);
      const tested = await call("POST", `${base}/integrations/${w.mine.id}/test`, {
        token,
        body: { notification_type: w.shared.type },
      });
      expect(tested.status).toBe(200);
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
      const theirs = await call("GET", `${base}/integrations/${w.theirs.id}`, { token: w.admin });
      expect(theirs.body.name).not.toBe("taken");
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
      const list = await call("GET", `${base}/integrations`, { token });
      expect(list.body.integrations.map((integration: { id: string }) => integration.id)).toEqual(
        expect.arrayContaining([w.mine.id, w.theirs.id]),
      );
      expect((await call("GET", `${base}/subscriptions`, { token })).status).toBe(200);
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
