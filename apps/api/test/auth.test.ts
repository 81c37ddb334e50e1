import { env, SELF } from "cloudflare:test";
import { sign, verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import type { Role } from "../src/auth/auth-context";
import { issueToken } from "../src/auth/tokens";
import {
  ACME,
  ACME_READER,
  ACME_WRITER,
  BASE,
  basicAuth,
  call,
  DORMANT,
  expectHeraldError,
  GLOBEX,
  PLATFORM,
  typedCall,
  unique,
} from "./helpers";
import { signedIn } from "./setup/sessions";

const SIX_HOURS = 6 * 60 * 60;
const nowSeconds = () => Math.floor(Date.now() / 1000);

const ACME_ADMIN_USER = "D0C0FFEE-0000-4000-8000-000012345678";

const { acme, globex, reader, writer } = signedIn("acme", "globex", "reader", "writer");

/** The seeded accounts and users, as AIMS describes them. */
const ACCOUNTS = {
  acme: { id: "12345678", name: "Acme Dev" },
  globex: { id: "87654321", name: "Globex Dev" },
  platform: { id: "1", name: "Herald Platform" },
  dormant: { id: "55555555", name: "Dormant Inc" },
};
const USERS = {
  ada: { id: ACME_ADMIN_USER, name: "Ada Admin" },
  grace: { id: "D0C0FFEE-0000-4000-8000-000087654321", name: "Grace Admin" },
  operator: { id: "D0C0FFEE-0000-4000-8000-000000000001", name: "Platform Operator" },
  rita: { id: "7E570000-0000-4000-8000-000000000001", name: "Rita Reader" },
  wes: { id: "7E570000-0000-4000-8000-000000000002", name: "Wes Writer" },
  ian: { id: "7E570000-0000-4000-8000-000000000003", name: "Ian Inactive" },
};

/** Every seeded key, with what AIMS must say about it. */
const KEYS = [
  { label: "Acme admin", who: ACME, account: ACCOUNTS.acme, user: USERS.ada, role: "admin" },
  { label: "Globex admin", who: GLOBEX, account: ACCOUNTS.globex, user: USERS.grace, role: "admin" },
  { label: "platform administrator", who: PLATFORM, account: ACCOUNTS.platform, user: USERS.operator, role: "admin" },
  { label: "Acme reader", who: ACME_READER, account: ACCOUNTS.acme, user: USERS.rita, role: "read" },
  { label: "Acme writer", who: ACME_WRITER, account: ACCOUNTS.acme, user: USERS.wes, role: "write" },
  { label: "inactive account", who: DORMANT, account: ACCOUNTS.dormant, user: USERS.ian, role: "admin" },
];

/** The typed client of nobody: for logging in, which takes no token. */
const anonymous = { token: "", accountId: ACME.accountId };

function authenticate(authorization?: string) {
  return call("POST", "/aims/v1/authenticate", { headers: authorization ? { authorization } : {} });
}

function withoutRequestId(body: Record<string, unknown>) {
  const { request_id: _ignored, ...rest } = body;
  return rest;
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function decodePayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  return JSON.parse(atob(part.replaceAll("-", "+").replaceAll("_", "/")));
}

async function mint(
  options: {
    secret?: string;
    accountId?: string;
    userId?: string;
    role?: string;
    platformAdmin?: boolean;
    issuedAt?: number;
    ttl?: number;
  } = {},
) {
  const { token } = await issueToken(
    {
      accountId: options.accountId ?? ACME.accountId,
      userId: options.userId ?? ACME_ADMIN_USER,
      role: (options.role ?? "admin") as Role,
      platformAdmin: options.platformAdmin ?? false,
    },
    { current: options.secret ?? env.AUTH_TOKEN_SECRET },
    options.issuedAt ?? nowSeconds(),
    options.ttl ?? 3600,
  );
  return token;
}

describe("POST /aims/v1/authenticate", () => {
  it.each(KEYS)("logs in with the $label key", async ({ who, account, user }) => {
    const before = nowSeconds();
    const result = await typedCall(anonymous, (herald) =>
      herald.authenticate({ accessKeyId: who.keyId, secretKey: who.secret }),
    );
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      authentication: { token: expect.any(String), token_expiration: expect.any(Number), account, user },
    });
    const { token, token_expiration } = result.body.authentication;
    expect(token.split(".")).toHaveLength(3);
    // AIMS tokens live six hours.
    expect(token_expiration).toBeGreaterThanOrEqual(before + SIX_HOURS - 5);
    expect(token_expiration).toBeLessThanOrEqual(nowSeconds() + SIX_HOURS + 5);
    expect(decodePayload(token).exp).toBe(token_expiration);
  });

  it("accepts the scheme name in any case, as HTTP allows", async () => {
    const result = await authenticate(`basic ${btoa(`${ACME.keyId}:${ACME.secret}`)}`);
    expect(result.status).toBe(200);
    expect(result.body.authentication.account.id).toBe(ACME.accountId);
  });

  const REJECTED: [string, string | undefined][] = [
    ["a wrong secret", basicAuth(ACME.keyId, "not-the-secret")],
    ["another key's secret", basicAuth(ACME.keyId, GLOBEX.secret)],
    ["an empty secret", basicAuth(ACME.keyId, "")],
    ["an unknown key", basicAuth(unique("no-such-key"), "whatever")],
    ["a key id in another case", basicAuth(ACME.keyId.toUpperCase(), ACME.secret)],
    ["an empty key id", basicAuth("", ACME.secret)],
    ["credentials without a colon", `Basic ${btoa(`${ACME.keyId}${ACME.secret}`)}`],
    ["no credentials after the scheme", "Basic"],
    ["credentials that are not base64", "Basic !!!not-base64!!!"],
    ["credentials that are not UTF-8", `Basic ${btoa("\xff\xfe:\xff")}`],
    ["a Bearer token", `Bearer ${btoa(`${ACME.keyId}:${ACME.secret}`)}`],
    ["no Authorization header", undefined],
  ];

  it.each(REJECTED)("answers 401 for %s, with the same body each time", async (_label, authorization) => {
    const reference = await authenticate(basicAuth(ACME.keyId, "not-the-secret"));
    expectHeraldError(reference, 401, "unauthorized");
    const result = await authenticate(authorization);
    expectHeraldError(result, 401, "unauthorized");
    // Same answer for every failure, so nobody can tell an unknown key from a wrong secret.
    expect(withoutRequestId(result.body)).toEqual(withoutRequestId(reference.body));
    expect(result.body.authentication).toBeUndefined();
  });
});

describe("GET /aims/v1/token_info", () => {
  it.each(KEYS)("describes a token of the $label key", async ({ who, account, user, role }) => {
    const login = await typedCall(anonymous, (herald) =>
      herald.authenticate({ accessKeyId: who.keyId, secretKey: who.secret }),
    );
    const { token, token_expiration } = login.body.authentication;
    const result = await typedCall({ token, accountId: who.accountId }, (herald) => herald.tokenInfo());
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ account, user, token_expiration, roles: [role] });
  });

  it("reads the header in any case (X-AIMS-Auth-Token)", async () => {
    const result = await call("GET", "/aims/v1/token_info", { headers: { "X-AIMS-Auth-Token": acme.token } });
    expect(result.status).toBe(200);
    expect(result.body.account.id).toBe(ACME.accountId);
  });

  it("answers 401 without a token", async () => {
    expectHeraldError(await call("GET", "/aims/v1/token_info"), 401, "unauthorized");
  });

  it("answers 401 for a token that is not one", async () => {
    expectHeraldError(await call("GET", "/aims/v1/token_info", { token: "not-a-token" }), 401, "unauthorized");
  });

  it("accepts a token signed with the previous secret", async () => {
    const token = await mint({ secret: env.AUTH_TOKEN_PREVIOUS_SECRET });
    const result = await typedCall({ token, accountId: ACME.accountId }, (herald) => herald.tokenInfo());
    expect(result.status).toBe(200);
    expect(result.body.account).toEqual({ id: "12345678", name: "Acme Dev" });
  });
});

describe("tokens on Herald routes", () => {
  // A read any member may make, and a global read.
  const ACCOUNT_READ = `/herald/v2/${ACME.accountId}/integrations`;
  const GLOBAL_READ = "/herald/v2/notification_types";

  // The rotation tests mean something only if the Worker's own tokens are not signed with the previous secret.
  it("signs the tokens it issues with AUTH_TOKEN_SECRET, not AUTH_TOKEN_PREVIOUS_SECRET", async () => {
    const token = acme.token;
    await expect(verify(token, env.AUTH_TOKEN_SECRET, "HS256")).resolves.toMatchObject({ acc: ACME.accountId });
    await expect(verify(token, env.AUTH_TOKEN_PREVIOUS_SECRET, "HS256")).rejects.toThrow();
  });

  it.each([ACCOUNT_READ, GLOBAL_READ])("accepts a fresh token on %s", async (path) => {
    expect((await call("GET", path, { token: await mint() })).status).toBe(200);
    expect((await call("GET", path, { token: acme.token })).status).toBe(200);
  });

  it.each([ACCOUNT_READ, GLOBAL_READ])("answers 401 without a token on %s", async (path) => {
    const result = await call("GET", path);
    expectHeraldError(result, 401, "unauthorized");
  });

  it("answers 401 for an empty token header", async () => {
    const result = await call("GET", ACCOUNT_READ, { headers: { "x-aims-auth-token": "" } });
    expectHeraldError(result, 401, "unauthorized");
  });

  const INVALID: [string, () => Promise<string>][] = [
    ["a malformed token", async () => "garbage"],
    ["three dotted parts that are not a JWT", async () => "a.b.c"],
    ["an expired token", () => mint({ issuedAt: nowSeconds() - 7200, ttl: 3600 })],
    ["a token that expired a second ago", () => mint({ issuedAt: nowSeconds() - 3601, ttl: 3600 })],
    ["a token signed with another secret", () => mint({ secret: "some-other-secret-0123456789abcdef" })],
    [
      "an expired token signed with the previous secret",
      () => mint({ secret: env.AUTH_TOKEN_PREVIOUS_SECRET, issuedAt: nowSeconds() - 7200, ttl: 3600 }),
    ],
    ["a token with an unknown role", () => mint({ role: "superuser" })],
    [
      "a token whose payload was changed after signing",
      async () => {
        const [header, , signature] = (await mint()).split(".");
        const forged = base64url({
          iss: "herald",
          sub: ACME_ADMIN_USER,
          acc: GLOBEX.accountId,
          role: "admin",
          pa: true,
          iat: nowSeconds(),
          exp: nowSeconds() + 3600,
        });
        return `${header}.${forged}.${signature}`;
      },
    ],
    [
      "an unsigned token (alg none)",
      async () =>
        `${base64url({ alg: "none", typ: "JWT" })}.${base64url({
          iss: "herald",
          sub: ACME_ADMIN_USER,
          acc: ACME.accountId,
          role: "admin",
          iat: nowSeconds(),
          exp: nowSeconds() + 3600,
        })}.`,
    ],
    [
      "a token from another issuer",
      () =>
        sign(
          {
            iss: "someone-else",
            sub: ACME_ADMIN_USER,
            acc: ACME.accountId,
            role: "admin",
            iat: nowSeconds(),
            exp: nowSeconds() + 3600,
          },
          env.AUTH_TOKEN_SECRET,
          "HS256",
        ),
    ],
  ];

  it.each(INVALID)("answers 401 for %s", async (_label, makeToken) => {
    const token = await makeToken();
    for (const path of [ACCOUNT_READ, GLOBAL_READ, "/aims/v1/token_info"]) {
      const result = await call("GET", path, { token });
      expectHeraldError(result, 401, "unauthorized");
    }
  });

  it("accepts a token signed with AUTH_TOKEN_PREVIOUS_SECRET until it expires", async () => {
    const rotated = { token: await mint({ secret: env.AUTH_TOKEN_PREVIOUS_SECRET }), accountId: ACME.accountId };
    const read = await typedCall(rotated, (herald) => herald.getAccountIntegrations());
    expect(read.status).toBe(200);
    expect(Array.isArray(read.body.integrations)).toBe(true);
    const name = unique("rotated");
    const write = await typedCall(rotated, (herald) =>
      herald.createIntegration({ name, target_url: "https://hooks.example.com/rotated" }),
    );
    expect(write.status).toBe(201);
    expect(write.body.created.by).toBe(ACME_ADMIN_USER);
  });

  it("answers 403 for a token of another account", async () => {
    const result = await call("GET", ACCOUNT_READ, { token: globex.token });
    expectHeraldError(result, 403, "forbidden");
    expect(result.body.integrations).toBeUndefined();
  });

  it("answers 403 for a valid token that claims another account than the path", async () => {
    const token = await mint({ accountId: GLOBEX.accountId, userId: "D0C0FFEE-0000-4000-8000-000087654321" });
    expectHeraldError(await call("GET", ACCOUNT_READ, { token }), 403, "forbidden");
    const theirs = await typedCall({ token, accountId: GLOBEX.accountId }, (herald) => herald.getAccountIntegrations());
    expect(theirs.status).toBe(200);
  });
});

describe("roles", () => {
  const roles = { reader, writer, admin: acme };

  const notification = { type: "incidents/alerts", notification_data: {}, asset_data: {}, payload: {} };

  it.each([
    ["reader", "GET", `/herald/v2/${ACME.accountId}/integrations`, 200, undefined],
    ["reader", "GET", `/herald/v2/${ACME.accountId}/notifications/incidents/alerts?limit=1`, 200, undefined],
    ["reader", "POST", `/herald/v2/${ACME.accountId}/notifications`, 403, notification],
    ["reader", "POST", `/herald/v2/${ACME.accountId}/integrations`, 403, "integration"],
    ["reader", "DELETE", `/herald/v2/${ACME.accountId}/integrations/${crypto.randomUUID()}`, 403, undefined],
    ["writer", "POST", `/herald/v2/${ACME.accountId}/notifications`, 202, notification],
    ["writer", "POST", `/herald/v2/${ACME.accountId}/integrations`, 403, "integration"],
    ["admin", "POST", `/herald/v2/${ACME.accountId}/integrations`, 201, "integration"],
  ] as const)("%s: %s %s answers %i", async (role, method, path, status, body) => {
    const payload =
      body === "integration" ? { name: unique("role"), target_url: "https://hooks.example.com/role" } : body;
    const result = await call(method, path, { token: roles[role].token, body: payload });
    expect(result.status).toBe(status);
    if (status === 403) expect(result.body.error).toBe("forbidden");
  });

  it("a read-only token changes nothing when it tries to write", async () => {
    const name = unique("reader-write");
    const result = await call("POST", `/herald/v2/${ACME.accountId}/integrations`, {
      token: reader.token,
      body: { name, target_url: "https://hooks.example.com/reader" },
    });
    expectHeraldError(result, 403, "forbidden");
    const { integrations } = await acme.herald.getAccountIntegrations();
    expect(integrations.map((i) => i.name)).not.toContain(name);
  });
});

describe("GET /endpoints/v1/{account_id}/residency/{residency}/services/herald/endpoint", () => {
  it.each(["default", "us", "emea"])("answers this deployment's host for residency %s", async (residency) => {
    const result = await typedCall(acme, (herald) => herald.getServiceEndpoint(residency, "herald"));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ herald: new URL(BASE).host });
  });

  it("gives a host that serves Herald, the way almdrlib builds its base URL", async () => {
    const lookup = await acme.herald.getServiceEndpoint("default", "herald");
    // Then a request to that host, as almdrlib makes it.
    const response = await SELF.fetch(`https://${lookup.herald}/herald/v2/notification_types`, {
      headers: { "x-aims-auth-token": acme.token },
    });
    expect(response.status).toBe(200);
  });

  it("answers 403 for another account", async () => {
    const result = await call("GET", `/endpoints/v1/${ACME.accountId}/residency/default/services/herald/endpoint`, {
      token: globex.token,
    });
    expectHeraldError(result, 403, "forbidden");
    expect(result.body.herald).toBeUndefined();
  });

  it("answers 401 without a token", async () => {
    const result = await call("GET", `/endpoints/v1/${ACME.accountId}/residency/default/services/herald/endpoint`);
    expectHeraldError(result, 401, "unauthorized");
  });
});
