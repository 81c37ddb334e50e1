import { beforeAll, describe, expect, it } from "vitest";
import {
  accessible,
  api,
  browser,
  consoleAroundTests,
  DESKTOP,
  embedder,
  herald,
  nav,
  receiver,
  sameOriginOnly,
  send,
  TYPE,
} from "./console.setup";
import { onDatabase } from "./herald";

// Portal links in a real browser: one limited to an integration (only its legs and settings, read only), one embedded
// in a site CONSOLE_FRAME_ANCESTORS names (and refused in another's), one used, one expired, one unknown.

consoleAroundTests();

describe("the console's portal links", () => {
  let integrationId: string;

  // The integration the links are limited to, made through the typed client (the account story makes one in the page).
  beforeAll(async () => {
    const integration = await api.createIntegration({
      type: "webhook",
      name: "Local receiver",
      target_url: receiver.url,
    });
    integrationId = integration.id;
  });

  it("opens a portal link limited to one integration: only its legs and settings, no subscriptions, read only", async () => {
    // A second integration with a leg of the same notification, which the portal session must not see.
    const other = await api.createIntegration({
      type: "webhook",
      name: "Other receiver",
      target_url: `${receiver.url}/other`,
    });
    await api.createSubscription({
      name: "Both receivers",
      class: "event",
      notification_type: TYPE,
      subscribers: [
        { subscriber: integrationId, subscriber_type: "connection" },
        { subscriber: other.id, subscriber_type: "connection" },
      ],
    });
    const both = await send("High");
    await expect
      .poll(
        async () =>
          (await api.getNotificationDeliveries({ notification_id: both })).deliveries.map((d) => d.status).sort(),
        { timeout: 20_000 },
      )
      .toEqual(["DELIVRD", "DELIVRD"]);
    const link = await api.createPortalLink({ role: "read", integration_ids: [integrationId], embed: true });
    expect(link.url).toBe(`${herald.url}/console/portal#code=${link.code}&embed=1`);
    const portal = await browser.newPage({ viewport: DESKTOP });
    sameOriginOnly(portal);
    await portal.goto(link.url);
    await portal.getByRole("heading", { name: "Overview" }).waitFor();
    // The code left the address bar; the session is kept like an access key's.
    expect(portal.url()).toBe(`${herald.url}/console/overview`);
    const stored = JSON.parse((await portal.evaluate(() => sessionStorage.getItem("herald.console.session"))) ?? "{}");
    expect(stored.portal).toMatchObject({ role: "read", integrationIds: [integrationId], embed: true });
    const banner = portal.getByRole("complementary", { name: "Portal session" });
    await expect(banner.textContent()).resolves.toMatch(/read only, limited to integration Local receiver\. Ends /);
    // Embedded: a compact header without Sign out or the API reference; scoped: no Subscriptions.
    await expect(portal.getByRole("button", { name: "Sign out" }).count()).resolves.toBe(0);
    await expect(nav("Subscriptions", portal).count()).resolves.toBe(0);
    // Its overview counts its integration's legs only: every leg of the account but the other integration's one.
    const all = (await api.getDeliveryStatistics()).hours.reduce((sum, hour) => sum + hour.total, 0);
    await portal
      .getByRole("status")
      .filter({ hasText: `${all - 1} legs in the last 24 hours` })
      .waitFor();
    await accessible("portal-overview", portal);
    await nav("Integrations", portal).click();
    await portal.getByRole("link", { name: "Local receiver" }).waitFor();
    await expect(portal.getByRole("link", { name: "Other receiver" }).count()).resolves.toBe(0);
    await expect(portal.getByRole("link", { name: "New integration" }).count()).resolves.toBe(0);
    await accessible("portal-integrations", portal);
    await portal.getByRole("link", { name: "Local receiver" }).click();
    await portal.getByRole("heading", { name: "Integration Local receiver" }).waitFor();
    await expect(portal.getByRole("button").count()).resolves.toBe(0);
    await portal.goto(`${herald.url}/console/notifications/${both}`);
    await portal.getByRole("heading", { name: `Notification ${both}` }).waitFor();
    // One leg of the two: the one to its integration; the decisions name no other destination.
    await portal.getByRole("article").first().waitFor();
    await expect(portal.getByRole("article").count()).resolves.toBe(1);
    await expect(portal.getByRole("article").textContent()).resolves.toContain(receiver.url);
    await expect(portal.getByRole("article").textContent()).resolves.not.toContain("/other");
    const why = portal.getByRole("region", { name: "Why not delivered?" });
    await why.getByRole("list", { name: "Destinations" }).first().waitFor();
    await expect(why.textContent()).resolves.not.toContain(other.id);
    await accessible("portal-notification", portal);
    await portal.goto(`${herald.url}/console/subscriptions`);
    await portal.getByRole("heading", { name: "Not found" }).waitFor();
    // When Herald refuses the session's token (it expired, say), the frame says the portal session ended.
    await portal.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem("herald.console.session") ?? "{}");
      sessionStorage.setItem("herald.console.session", JSON.stringify({ ...stored, token: "not-a-token" }));
    });
    await portal.goto(`${herald.url}/console/integrations`);
    await portal.getByRole("heading", { name: "Your portal session has ended" }).waitFor();
    expect(await portal.evaluate(() => sessionStorage.getItem("herald.console.session"))).toBeNull();
    // The link again: its code was used.
    await portal.goto(link.url);
    await portal.getByRole("heading", { name: "This portal link was already used" }).waitFor();
    await portal.close();
  });

  it("shows an embedded portal link in a frame of a site CONSOLE_FRAME_ANCESTORS names, and in no other's", async () => {
    const allowed = await api.createPortalLink({ role: "read", integration_ids: [integrationId], embed: true });
    const site = await browser.newPage({ viewport: DESKTOP });
    await site.goto(`http://127.0.0.1:${embedder.port}/embed?src=${encodeURIComponent(allowed.url)}`);
    const frame = site.frameLocator('iframe[title="Herald portal"]');
    await frame.getByRole("complementary", { name: "Portal session" }).waitFor();
    await frame.getByRole("heading", { name: "Overview" }).waitFor();
    await site.close();

    // Another origin's page gets no console: the browser refuses to show it, so its code is never even exchanged.
    const refused = await api.createPortalLink({ role: "read", integration_ids: [integrationId], embed: true });
    const stranger = await browser.newPage({ viewport: DESKTOP });
    const blocked = stranger.waitForEvent("response", (response) =>
      response.url().startsWith(`${herald.url}/console/`),
    );
    await stranger.goto(`http://localhost:${embedder.port}/embed?src=${encodeURIComponent(refused.url)}`);
    expect((await blocked).headers()["content-security-policy"]).toContain(
      `frame-ancestors http://127.0.0.1:${embedder.port}`,
    );
    await stranger.waitForLoadState("load");
    const child = stranger.frames().find((candidate) => candidate !== stranger.mainFrame());
    await expect.poll(() => child?.url()).toMatch(/^chrome-error:/);
    await stranger.close();
    const session = await api.createPortalSession({ code: refused.code });
    expect(session.portal).toMatchObject({ role: "read", integration_ids: [integrationId] });
  });

  it("refuses an expired portal link and an unknown one with a page saying which", async () => {
    const link = await api.createPortalLink({ role: "write", expires_in: 60 });
    // No operation ages a link: its expiry is moved into the past in Herald's database.
    expect(
      await onDatabase(herald.database, "UPDATE portal_links SET expires_at = ? WHERE id = ?", [
        Date.now() - 1000,
        link.id,
      ]),
    ).toBe(1);
    const portal = await browser.newPage({ viewport: DESKTOP });
    sameOriginOnly(portal);
    await portal.goto(link.url);
    await portal.getByRole("heading", { name: "This portal link has expired" }).waitFor();
    expect(portal.url()).toBe(`${herald.url}/console/portal`);
    expect(await portal.evaluate(() => sessionStorage.getItem("herald.console.session"))).toBeNull();
    await accessible("portal-expired", portal);
    await portal.close();
    const unknown = await browser.newPage({ viewport: DESKTOP });
    sameOriginOnly(unknown);
    await unknown.goto(`${herald.url}/console/portal#code=pl_no-such-code`);
    await unknown.getByRole("heading", { name: "This portal link is not valid" }).waitFor();
    await unknown.close();
  });
});
