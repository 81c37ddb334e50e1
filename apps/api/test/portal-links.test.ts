import { env } from "cloudflare:test";
import { insertPortalLink } from "@herald/db";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { hashSecret } from "../src/auth/secrets";
import { issueToken } from "../src/auth/tokens";
import { PORTAL_RULES } from "../src/middleware/portal";
import { createServices } from "../src/services/container";
import { workerd } from "./delivery-helpers";
import { ACME, call, login, typedCall } from "./helpers";
import { definePortalScenarios } from "./scenarios/portal.scenarios";

// Portal links in workerd: the shared scenarios, and what needs the database or the token keys directly.
describe("portal links", () => {
  definePortalScenarios(workerd);
});

describe("portal links, beyond HTTP", () => {
  const base = `/herald/v2/${ACME.accountId}`;

  it("every token operation has a portal rule, and every rule names an operation", () => {
    const app = createApp();
    const operations = app.openAPIRegistry.definitions.flatMap((definition) =>
      definition.type === "route" && (definition.route.security ?? []).length > 0
        ? [definition.route.operationId as string]
        : [],
    );
    const outsideHerald = ["authenticate", "token_info", "get_service_endpoint", "get_service_endpoints"];
    const governed = operations.filter((id) => !outsideHerald.includes(id));
    // A missing rule denies portal sessions; this makes a new operation's author decide its rule (README table).
    expect(governed.filter((id) => !(id in PORTAL_RULES))).toEqual([]);
    expect(Object.keys(PORTAL_RULES).filter((id) => !operations.includes(id))).toEqual([]);
  });

  it("an expired code is refused as expired, and stays unused", async () => {
    const { db, newId } = createServices(env);
    const code = `pl_expired-${crypto.randomUUID()}`;
    const now = Date.now();
    await insertPortalLink(db, {
      id: newId(),
      accountId: ACME.accountId,
      codeHash: await hashSecret(code),
      role: "read",
      integrationIds: null,
      embed: false,
      expiresAt: now - 1000,
      usedAt: null,
      createdAt: now - 3_601_000,
      createdBy: "test",
    });
    const result = await call("POST", "/herald/v2/portal_sessions", { body: { code } });
    expect(result.status).toBe(410);
    expect(result.body).toMatchObject({ error: "portal_code_expired", details: expect.stringMatching(/expired/) });
    const again = await call("POST", "/herald/v2/portal_sessions", { body: { code } });
    expect(again.body.error).toBe("portal_code_expired");
  });

  it("a token claiming a portal grant with the admin role is no token at all", async () => {
    const portal = { linkId: "L", integrationIds: null };
    const keys = { current: env.AUTH_TOKEN_SECRET };
    const now = Math.floor(Date.now() / 1000);
    const admin = await issueToken(
      { accountId: ACME.accountId, userId: "portal:L", role: "admin", platformAdmin: false, portal },
      keys,
      now,
      600,
    );
    expect((await call("GET", `${base}/integrations`, { token: admin.token })).status).toBe(401);
    const write = await issueToken(
      { accountId: ACME.accountId, userId: "portal:L", role: "write", platformAdmin: false, portal },
      keys,
      now,
      600,
    );
    const read = await typedCall({ token: write.token, accountId: ACME.accountId }, (herald) =>
      herald.getAccountIntegrations(),
    );
    expect(read.status).toBe(200);
    expect((await call("POST", `${base}/portal_links`, { token: write.token, body: {} })).status).toBe(403);
  });

  it("the audit log records the link's creation with its code masked", async () => {
    const admin = { token: await login(ACME), accountId: ACME.accountId };
    const link = await typedCall(admin, (herald) => herald.createPortalLink({ role: "write" }));
    expect(link.status).toBe(201);
    const events = await typedCall(admin, (herald) =>
      herald.getAuditEvents({ action: "portal_link.created", target_id: link.body.id }),
    );
    expect(events.status).toBe(200);
    expect(events.body.audit_events).toHaveLength(1);
    const [event] = events.body.audit_events;
    expect(event).toMatchObject({
      target_type: "portal_link",
      changes: { after: { role: "write", id: link.body.id } },
    });
    const text = JSON.stringify(event);
    expect(text).not.toContain(link.body.code);
    expect(text).not.toContain(link.body.code.slice(8, 30));
    expect(event?.changes.after?.code).toMatch(/^pl_..…..$/);
  });
});
