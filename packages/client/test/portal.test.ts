import { describe, expect, it } from "vitest";
import { HeraldError, signInWithPortalCode } from "../src/index";
import { fakeFetch, json } from "./fake-fetch";

const BASE = "https://herald.test";

const portalSession = json({
  authentication: {
    token: "PT",
    token_expiration: 2_000_000_000,
    account: { id: "12345678", name: "Acme" },
    user: { id: "portal:L1", name: "Portal session" },
  },
  portal: { link_id: "L1", role: "read", integration_ids: ["I1"], embed: true },
});

describe("signInWithPortalCode", () => {
  it("exchanges the code without a token, then calls with the session's token and account", async () => {
    const fake = fakeFetch([portalSession, json({ integrations: [] })]);
    const { session, client } = await signInWithPortalCode({ baseUrl: BASE, code: "pl_abc", fetch: fake.fetch });
    expect(session.portal).toEqual({ link_id: "L1", role: "read", integration_ids: ["I1"], embed: true });
    await client.getAccountIntegrations();
    const [exchange, list] = fake.requests;
    expect(exchange).toMatchObject({ method: "POST", url: `${BASE}/herald/v2/portal_sessions` });
    expect(JSON.parse(exchange!.body)).toEqual({ code: "pl_abc" });
    expect(exchange!.headers["x-aims-auth-token"]).toBeUndefined();
    expect(list).toMatchObject({ method: "GET", url: `${BASE}/herald/v2/12345678/integrations` });
    expect(list!.headers["x-aims-auth-token"]).toBe("PT");
  });

  it("throws Herald's error for a used code, once (the exchange is not retried)", async () => {
    const fake = fakeFetch([json({ error: "portal_code_used", details: "already used", request_id: "r" }, 410)]);
    const failed = await signInWithPortalCode({ baseUrl: BASE, code: "pl_abc", fetch: fake.fetch }).catch((e) => e);
    expect(failed).toBeInstanceOf(HeraldError);
    expect(failed).toMatchObject({ status: 410, code: "portal_code_used" });
    expect(fake.requests).toHaveLength(1);
  });
});
