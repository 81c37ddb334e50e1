// @herald/client against the real Worker (workerd): the OpenAPI document and reference page it is generated from, and
// how it logs in (access keys, renewal, a token instead, a refused login). Set-up in client.setup.ts.
import { SELF } from "cloudflare:test";
import { createHeraldClient } from "@herald/client";
import committedDocument from "@herald/client/openapi.json";
import { describe, expect, it } from "vitest";
import { acme, caught, clientFor, viaWorker } from "./client.setup";
import { ACME, BASE } from "./helpers";

describe("the OpenAPI document and the reference page", () => {
  it("serves the committed document without a token", async () => {
    const response = await SELF.fetch(`${BASE}/herald/v2/openapi.json`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as typeof committedDocument;
    // The document CI checks against the routes is the one the Worker serves.
    expect(served).toEqual(committedDocument);
    expect(served.openapi).toBe("3.1.0");
    expect(served.components.securitySchemes["X-AIMS-Auth-Token"]).toMatchObject({
      in: "header",
      name: "x-aims-auth-token",
    });
  });

  it("documents every operation with its Herald name, tags, a summary and error responses", () => {
    const operations = Object.values(committedDocument.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThanOrEqual(40);
    for (const operation of operations as Array<Record<string, any>>) {
      expect(operation.operationId).toMatch(/^[a-z_]+$/);
      expect(operation.tags.length).toBeGreaterThan(0);
      expect(operation.summary).toBeTruthy();
      const errors = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(errors, operation.operationId).toEqual(expect.arrayContaining(["401", "500", "503"]));
    }
    const paths = committedDocument.paths as Record<string, Record<string, { operationId: string }>>;
    expect(paths["/herald/v2/{account_id}/notifications/{type}"]?.get?.operationId).toBe(
      "get_account_notification_by_type",
    );
    expect(paths["/herald/v2/{account_id}/notifications/{notification_id}"]?.get?.operationId).toBe(
      "get_account_notification",
    );
  });

  it("serves the interactive reference without a token", async () => {
    const response = await SELF.fetch(`${BASE}/herald/v2/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    const html = await response.text();
    expect(html).toContain("swagger-ui");
    expect(html).toContain("/herald/v2/openapi.json");
    // Offline: every script, style sheet and link is on Herald's own origin (no CDN, no validator badge).
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(references).toEqual(["/swagger-ui/swagger-ui.css", "/swagger-ui/swagger-ui-bundle.js"]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("validatorUrl: null");
  });

  it("still asks for a token everywhere else under /herald/v2", async () => {
    expect((await SELF.fetch(`${BASE}/herald/v2/notification_types`)).status).toBe(401);
    expect((await SELF.fetch(`${BASE}/herald/v2/docs/x`)).status).toBe(401);
  });
});

describe("logging in with an access key", () => {
  it("logs in, acts on the key's account, and describes its token", async () => {
    expect(await acme.getAccountId()).toBe(ACME.accountId);
    const info = await acme.tokenInfo();
    expect(info.account.id).toBe(ACME.accountId);
    expect(await acme.getServiceEndpoint("default", "herald")).toEqual({ herald: new URL(BASE).host });
  });

  it("renews the token shortly before it expires", async () => {
    let now = Date.now();
    let logins = 0;
    const herald = createHeraldClient({
      baseUrl: BASE,
      accessKeyId: ACME.keyId,
      secretKey: ACME.secret,
      now: () => now,
      fetch: (input, init) => {
        if (new URL(input.url).pathname === "/aims/v1/authenticate") logins += 1;
        return SELF.fetch(input, init);
      },
    });
    await herald.getNotificationTypes();
    await herald.getNotificationTypes();
    expect(logins).toBe(1);
    const { token_expiration } = await herald.tokenInfo();
    now = token_expiration * 1000 - 30_000;
    await herald.getNotificationTypes();
    expect(logins).toBe(2);
  });

  it("works with a token instead, finding the account from token_info", async () => {
    const herald = createHeraldClient({ baseUrl: BASE, token: await acme.getToken(), fetch: viaWorker });
    expect(await herald.getAccountId()).toBe(ACME.accountId);
    expect((await herald.getAccountIntegrations()).integrations).toBeInstanceOf(Array);
  });

  it("throws the login's 401 as a HeraldError", async () => {
    const wrong = clientFor({ keyId: ACME.keyId, secret: "not-the-secret" });
    const error = await caught(wrong.getNotificationTypes());
    expect(error).toMatchObject({ status: 401, operation: "authenticate", body: { error: "unauthorized" } });
    expect(error.requestId).toEqual(expect.any(String));
  });
});
