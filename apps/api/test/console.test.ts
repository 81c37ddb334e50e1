import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE } from "./helpers";

// The console and the API reference's files, as the Worker serves them: Workers Static Assets (wrangler.jsonc
// `assets`, bound as ASSETS) answer the files; the Worker answers `/` and the console's deep links.
describe("the console", () => {
  it("redirects / to the console", async () => {
    const response = await SELF.fetch(`${BASE}/`, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(new URL(response.headers.get("location") ?? "", BASE).pathname).toBe("/console/");
  });

  it("answers the console's page and its deep links with the page, uncached, under a strict content policy", async () => {
    for (const path of ["/console/", "/console/notifications/0F2C1E7A-0000-4000-8000-000000000001"]) {
      const response = await SELF.fetch(`${BASE}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-cache");
      const policy = response.headers.get("content-security-policy") ?? "";
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self';");
      expect(policy).toContain("connect-src 'self';");
      // No other site may frame it: CONSOLE_FRAME_ANCESTORS is not set here.
      expect(policy).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      const html = await response.text();
      expect(html).toContain('<div id="root"></div>');
      expect(html).toMatch(/src="\/console\/assets\/index-[^"]+\.js"/);
      // Nothing inline for the policy to refuse.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it("answers a missing chunk 404 in Herald's error shape, not the page", async () => {
    const response = await SELF.fetch(`${BASE}/console/assets/gone-0000.js`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });

  it("binds the build: the console's files and Swagger UI's, for the offline API reference", async () => {
    const assets = env.ASSETS;
    if (!assets) throw new Error("ASSETS is not bound");
    for (const path of ["/console/", "/swagger-ui/swagger-ui.css", "/swagger-ui/swagger-ui-bundle.js"]) {
      const response = await assets.fetch(new Request(`${BASE}${path}`));
      expect(response.status, path).toBe(200);
      expect((await response.text()).length, path).toBeGreaterThan(300);
    }
  });
});
