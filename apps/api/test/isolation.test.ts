// The tenant isolation matrix: every documented route of the app, every way of being the wrong caller. Routes come
// from the OpenAPI registry, so a new route is in the matrix without an edit here; one that declares no token
// security must be one of the receivers or the login, whose own rules are checked explicitly below. The routes, the
// cells and the fixture of account 12345678 are in setup/isolation-matrix.ts.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { generateSigningSecret, signWebhook } from "../src/delivery/signing";
import { createServices } from "../src/services/container";
import { freshType } from "./delivery-helpers";
import { ACME, basicAuth, GLOBEX, PLATFORM, unique } from "./helpers";
import {
  ACME_ID,
  ADMIN_ONLY,
  acme,
  acmeView,
  app,
  bodyFor,
  cell,
  fill,
  fixture,
  GLOBEX_ID,
  mint,
  nowSeconds,
  OWNED_PARAMS,
  READS_BY_POST,
  ROUTES,
  request,
  TOKEN_ACCOUNT_ROUTES,
  TOKEN_ROUTES,
  tally,
  useIsolationFixture,
} from "./setup/isolation-matrix";

const sessions = useIsolationFixture();

/** The console's routes, each with a path it serves and the status that path answers. */
const CONSOLE_ROUTES = new Map([
  ["/", { path: "/", status: 302 }],
  ["/console", { path: "/console", status: 302 }],
  ["/console/*", { path: "/console/notifications/12345678", status: 200 }],
]);

describe("the route list", () => {
  it("covers every route the app serves: documented ones here, the rest must be public and show nothing", async () => {
    expect(TOKEN_ROUTES.length).toBeGreaterThan(35);
    const shape = (path: string) => path.replace(/:\w+(\{[^}]*\})?/g, "{}").replace(/\{\w+\}/g, "{}");
    const documented = new Set(ROUTES.map((route) => `${route.method} ${shape(route.path)}`));
    const undocumented = app.routes
      .filter((route) => route.method !== "ALL" && !documented.has(`${route.method} ${shape(route.path)}`))
      .filter((route, index, all) => all.findIndex((other) => other.path === route.path) === index);
    for (const route of undocumented) {
      // Only public reads may stay out of the OpenAPI document (health, the document itself, its reference page).
      expect(route.method, `${route.path} is not documented: document it, so the matrix covers it`).toBe("GET");
      // The console's (src/routes/console): `/` and `/console` redirect to it, `/console/*` answers its page, which
      // holds nothing of an account until someone signs in.
      const consolePage = CONSOLE_ROUTES.get(route.path);
      if (consolePage) {
        const result = await cell("console route", "GET", consolePage.path, {}, [consolePage.status], true);
        expect(result.status, route.path).toBe(consolePage.status);
        continue;
      }
      expect(route.path, `${route.path} has parameters but no documentation`).not.toMatch(/[:*]/);
      const result = await cell("undocumented public route", "GET", route.path, {}, [200], true);
      expect(result.status, route.path).toBe(200);
    }
    tally.routes += undocumented.length;
  });

  it("declares who may call each route: a token, an access key, or a receiver's signature", () => {
    const unclassified = ROUTES.filter((route) => route.security === "none" && !route.path.startsWith("/hooks/"));
    expect(unclassified.map((route) => route.operationId)).toEqual([]);
  });
});

describe("token routes", () => {
  it("refuse every wrong caller, and nobody outside account 12345678 sees its objects", async () => {
    const invalid: Array<[string, string | undefined]> = [
      ["no token", undefined],
      ["an empty token", ""],
      ["a malformed token", "not-a-token"],
      ["a JWT-shaped token", "a.b.c"],
      ["an expired token", await mint({ accountId: ACME_ID, role: "admin", issuedAt: nowSeconds() - 7200, ttl: 3600 })],
      [
        "a token signed with another secret",
        await mint({ accountId: ACME_ID, role: "admin", secret: "not-the-secret-0123456789abcdef" }),
      ],
    ];
    const strangers: Array<[string, string]> = [
      ["another account's admin (GLOBEX)", sessions.globex.token],
      ["the platform administrator's account", sessions.platform.token],
    ];
    // A portal session of 12345678 itself, with the write role, limited to an integration that is not the fixture's:
    // it reaches none of the fixture's objects (403, or 404 as if they did not exist) and what it may list shows none.
    const portalElsewhere = await mint({
      accountId: ACME_ID,
      role: "write",
      portal: { linkId: crypto.randomUUID().toUpperCase(), integrationIds: [crypto.randomUUID().toUpperCase()] },
    });

    for (const route of TOKEN_ROUTES) {
      tally.routes++;
      const acmePath = fill(route, ACME_ID);
      const body = bodyFor(route);
      const inAccount = route.params.includes("account_id");
      const owned = route.params.some((param) => OWNED_PARAMS.has(param));
      const write = route.method !== "GET" && !READS_BY_POST.has(route.operationId);
      const label = route.operationId;

      for (const [who, token] of invalid) {
        await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [401], true);
      }

      for (const [who, token] of strangers) {
        if (inAccount) {
          // The account in the path is not the token's.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [403], true);
          // Its own account in the path, the other account's ids in the rest.
          const ownPath = fill(route, who.includes("GLOBEX") ? GLOBEX_ID : PLATFORM.accountId);
          const expected = owned ? [404, 409] : [200, 201, 202, 204, 400, 404];
          await cell(`${label}, ${who} on its own path`, route.method, ownPath, { token, body }, expected, true);
        } else if (TOKEN_ACCOUNT_ROUTES.has(route.operationId)) {
          // No account in the path: the call acts on the stranger's own account.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [200, 400], true);
        } else if (owned) {
          // A global lookup of another account's object: not found, as if it did not exist.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [404], true);
        } else if (!write) {
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [200], true);
        } else if (!who.includes("platform")) {
          // Global writes (notification types) are the platform administrator's alone.
          await cell(`${label}, ${who}`, route.method, acmePath, { token, body }, [403], true);
        }
      }

      await cell(
        `${label}, a portal session limited to another integration`,
        route.method,
        acmePath,
        { token: portalElsewhere, body },
        [200, 403, 404],
        // token_info names the session's own account, as it should: the portal belongs to 12345678.
        route.operationId !== "token_info",
      );

      if (write || ADMIN_ONLY.has(route.operationId)) {
        await cell(
          `${label}, read-only member`,
          route.method,
          acmePath,
          { token: sessions.reader.token, body },
          [403],
          false,
        );
      }
      if (ADMIN_ONLY.has(route.operationId)) {
        await cell(
          `${label}, write member`,
          route.method,
          acmePath,
          { token: sessions.writer.token, body },
          [403],
          false,
        );
      }
      if (!write) {
        // The control: the same request with the owner's token works, so the refusals above are about the caller.
        await cell(`${label}, owner`, route.method, acmePath, { token: sessions.acme.token, body }, [200], false);
      }
    }

    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
    expect(await acmeView()).toEqual(fixture.snapshot);
  }, 120_000);

  it("names every admin-only route that exists", () => {
    const ids = new Set(ROUTES.map((route) => route.operationId));
    expect([...ADMIN_ONLY].filter((id) => !ids.has(id))).toEqual([]);
  });
});

describe("the login (access key routes)", () => {
  it("gives a token only for the right key id and secret", async () => {
    const routes = ROUTES.filter((route) => route.security === "access-key");
    expect(routes.map((route) => route.operationId)).toEqual(["authenticate"]);
    for (const route of routes) {
      tally.routes++;
      const cases: Array<[string, Record<string, string>]> = [
        ["no credentials", {}],
        ["a token instead of a key", { "x-aims-auth-token": sessions.acme.token }],
        ["a malformed Basic header", { authorization: "Basic !!!not-base64" }],
        ["a Bearer header", { authorization: `Bearer ${sessions.acme.token}` }],
        ["the right key with another account's secret", { authorization: basicAuth(ACME.keyId, GLOBEX.secret) }],
        ["an unknown key", { authorization: basicAuth("no-such-key", ACME.secret) }],
        ["an empty secret", { authorization: basicAuth(ACME.keyId, "") }],
      ];
      for (const [who, headers] of cases) {
        await cell(`${route.operationId}, ${who}`, route.method, route.path, { headers }, [401], true);
      }
      const own = await cell(
        `${route.operationId}, GLOBEX key`,
        route.method,
        route.path,
        { headers: { authorization: basicAuth(GLOBEX.keyId, GLOBEX.secret) } },
        [200],
        true,
      );
      expect(own.json).toMatchObject({ authentication: { account: { id: GLOBEX_ID } } });
    }
    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
  });
});

describe("the portal code exchange", () => {
  it("answers a session for no credential but an issued, unused, unexpired code", async () => {
    const routes = ROUTES.filter((route) => route.security === "portal-code");
    expect(routes.map((route) => route.operationId)).toEqual(["create_portal_session"]);
    for (const route of routes) {
      tally.routes++;
      const cases: Array<[string, unknown, number]> = [
        ["no code", {}, 400],
        ["an empty code", { code: "" }, 400],
        ["an unknown code", { code: "pl_isolation-probe" }, 404],
        // Longer than any code: refused before any lookup.
        ["the owner's token as the code", { code: sessions.acme.token }, 400],
        ["the owner's access key secret as the code", { code: ACME.secret }, 404],
      ];
      for (const [who, body, status] of cases) {
        await cell(`${route.operationId}, ${who}`, route.method, route.path, { body }, [status], true);
        await cell(
          `${route.operationId}, ${who}, with the owner's token`,
          route.method,
          route.path,
          { token: sessions.acme.token, body },
          [status],
          true,
        );
      }
    }
    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
  });
});

describe("receivers under /hooks", () => {
  it("accept nothing without a valid signature, and no other account's secret opens a delivery", async () => {
    const receivers = ROUTES.filter((route) => route.security === "none");
    expect(receivers.map((route) => route.path).sort()).toEqual(["/hooks/ack", "/hooks/resend"]);
    const webhookId = `msg_${acme.deliveryId}`;
    const body = JSON.stringify({ ok: true });
    const signedBy = async (secret: string, id = webhookId) => {
      const timestamp = nowSeconds();
      const signature = await signWebhook({ secrets: [secret], webhookId: id, timestamp, body });
      return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature };
    };
    const svix = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace("webhook-", "svix-"), value]));

    for (const route of receivers) {
      tally.routes++;
      const headerSets: Array<[string, Record<string, string>]> = [
        ["no signature", {}],
        ["the owner's token instead of a signature", { "x-aims-auth-token": sessions.acme.token }],
        ["a random secret's signature", await signedBy(generateSigningSecret())],
        ["another account's integration secret", await signedBy(fixture.globexSecret)],
        [
          "a garbage signature",
          { "webhook-id": webhookId, "webhook-timestamp": String(nowSeconds()), "webhook-signature": "v1,AAAA" },
        ],
      ];
      for (const [who, headers] of headerSets) {
        const sent = route.path === "/hooks/resend" ? svix(headers) : headers;
        await cell(`${route.operationId}, ${who}`, route.method, route.path, { headers: sent, body }, [401], true);
      }
    }
    expect({ failures: tally.failures, leaks: tally.leaks }).toEqual({ failures: [], leaks: [] });
    // The delivery those acknowledgements named is still only delivered, not read.
    expect(await acmeView()).toEqual(fixture.snapshot);
  });
});

describe("delivery across accounts", () => {
  it("never sends another account's notification to this account's users or integrations", async () => {
    const type = await freshType(sessions.platform.token);
    const subscription = await request("POST", `/herald/v2/${GLOBEX_ID}/subscriptions`, {
      token: sessions.globex.token,
      body: {
        name: unique("reach-across"),
        class: "event",
        notification_type: type,
        subscribers: [
          { subscriber: acme.userId, subscriber_type: "user" },
          { subscriber: acme.integrationId, subscriber_type: "connection" },
        ],
      },
    });
    // User ids are AIMS ids Herald may not know, so the id is kept; the integration is not in GLOBEX and is refused.
    expect(subscription.status).toBe(201);
    expect(subscription.json?.subscribers_failed).toMatchObject([
      { subscriber: acme.integrationId, subscriber_type: "connection", error: "not_found" },
    ]);

    const sent = await request("POST", `/herald/v2/${GLOBEX_ID}/notifications`, {
      token: sessions.globex.token,
      body: { type, notification_data: {}, asset_data: {}, payload: { long_incident_id: unique("globex") } },
    });
    expect(sent.status).toBe(202);
    let legs: Array<{ destination: string; status: string; last_error?: string; address?: string }> = [];
    await expect
      .poll(
        async () => {
          const result = await request("GET", `/herald/v2/${GLOBEX_ID}/deliveries?notification_id=${sent.json?.id}`, {
            token: sessions.globex.token,
          });
          legs = (result.json?.deliveries ?? []) as typeof legs;
          return legs.map((leg) => leg.status);
        },
        { timeout: 20_000, interval: 100 },
      )
      .toEqual(["FAILED"]);
    expect(legs[0]).toMatchObject({ destination: acme.userId, last_error: expect.stringMatching(/in this account/) });
    expect(legs[0]?.address ?? null).toBeNull();

    // Only the e-mail of this account's own notification (beforeAll) ever reached the user.
    const captured = await createServices(env).db.$client.execute({
      sql: 'select account_id from captured_emails where "to" = ?',
      args: [fixture.acmeEmail],
    });
    expect(captured.rows.map((row) => row.account_id)).toEqual([ACME_ID]);
    expect(await fixture.acmeReceiverCalls()).toHaveLength(1);
  });
});

// Last in the file, so every matrix test above has run its cells (vitest runs a file's tests in order): a route that
// drops out of the matrix, or a caller that stops being tried, changes these counts. A new route changes them too:
// count its cells and update the figures.
describe("the matrix's size", () => {
  it("tried 65 routes in 684 cells", () => {
    const size = { routes: tally.routes, cells: tally.cells };
    expect(size, `answers by status ${JSON.stringify(tally.statuses)}`).toEqual({ routes: 65, cells: 684 });
  });
});
