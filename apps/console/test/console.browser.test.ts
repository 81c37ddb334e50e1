// The console in a real browser (Debian's Chromium through playwright-core) against a real Herald (its Node runtime,
// serving the console's build) and a local webhook receiver: sign in, create an integration and a filtered
// subscription, see a delivered notification and its attempts, the filtered-out one explained ("why not delivered?"),
// make the target fail and retry the leg from the page, read the overview's charts, and open portal links (one limited
// to an integration, one used, one expired).
// axe-core runs on every page, at desktop width and at 390 px; screenshots of the main pages go to docs/console/.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createHeraldClient, type HeraldClient } from "@herald/client";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consoleDist,
  DEV_KEY,
  type Embedder,
  type Herald,
  onDatabase,
  type Receiver,
  startEmbedder,
  startHerald,
  startReceiver,
} from "./herald";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
// Every run takes them (test-results/, not committed); `pnpm --filter @herald/console screenshots` writes the README's.
const SCREENSHOTS = fileURLToPath(
  new URL(process.env.UPDATE_SCREENSHOTS ? "../../../docs/console/" : "../test-results/screenshots/", import.meta.url),
);
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const TYPE = "incidents/alerts";
/** The pages whose 390-px screenshot is kept too (every page is checked at 390 px). */
const PHONE_SCREENSHOTS = new Set(["notifications", "notification", "subscription", "overview", "portal-notification"]);

let herald: Herald;
let receiver: Receiver;
let embedder: Embedder;
let browser: Browser;
let page: Page;
let api: HeraldClient;

beforeAll(async () => {
  if (!existsSync(`${consoleDist}console/index.html`)) throw new Error("build the console first: pnpm build");
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  // A customer's site on 127.0.0.1 may frame the console (CONSOLE_FRAME_ANCESTORS); the same page on localhost, another
  // origin, may not.
  embedder = await startEmbedder();
  [herald, receiver] = await Promise.all([
    startHerald({ CONSOLE_FRAME_ANCESTORS: `http://127.0.0.1:${embedder.port}` }),
    startReceiver(),
  ]);
  api = createHeraldClient({ baseUrl: herald.url, ...DEV_KEY });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Debian's Chromium as root, on a machine without a network beyond loopback.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: DESKTOP });
  // Nothing the console loads may come from another origin.
  sameOriginOnly(page);
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([herald?.stop(), receiver?.close(), embedder?.close()]);
});

/** No serious or critical axe-core violation on the page as it is now, at desktop width and at 390 px. */
async function accessible(name: string, on: Page = page): Promise<void> {
  const page = on;
  for (const viewport of [DESKTOP, PHONE]) {
    await page.setViewportSize(viewport);
    await page.evaluate(AXE_SOURCE);
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: typeof import("axe-core") }).axe;
      const result = await axe.run(document, { resultTypes: ["violations"] });
      return result.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
    });
    expect(violations, `${name} at ${viewport.width} px`).toEqual([]);
    // Nothing wider than the screen: wide tables scroll inside their own box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${viewport.width} px scrolls sideways`).toBeLessThanOrEqual(0);
    if (viewport === PHONE && PHONE_SCREENSHOTS.has(name))
      await page.screenshot({ path: `${SCREENSHOTS}${name}-390.png`, fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/** A link of the main navigation. */
function nav(name: string, on: Page = page) {
  return on.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
}

/** Every request a page makes must be to Herald's origin. */
function sameOriginOnly(on: Page): void {
  on.on("request", (request) => {
    if (!request.url().startsWith(herald.url) && !request.url().startsWith("data:"))
      throw new Error(`the console asked another origin: ${request.url()}`);
  });
}

async function send(threatLevel: string): Promise<string> {
  const sent = await api.sendNotification({
    type: TYPE,
    notification_data: { threat_level: threatLevel },
    asset_data: {},
    payload: { threat: threatLevel, long_incident_id: `incident-${threatLevel}-${Date.now()}` },
  });
  return sent.id;
}

describe("the console", () => {
  let integrationId: string;
  let delivered: string;
  let filteredOut: string;

  it("opens at / and signs in with an access key; the token never shows in the URL", async () => {
    const response = await page.goto(`${herald.url}/`);
    await page.waitForURL(`${herald.url}/console/`);
    // The page is served under a policy that lets it run only its own scripts and call only its own origin.
    expect(response?.headers()["content-security-policy"]).toContain("connect-src 'self'");
    await page.getByRole("heading", { name: "Herald Console" }).waitFor();
    await accessible("sign-in");
    await page.getByLabel("Access key id").fill(DEV_KEY.accessKeyId);
    await page.getByLabel("Secret key").fill("wrong secret");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/401/);
    await page.getByLabel("Secret key").fill(DEV_KEY.secretKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    // The overview is the landing page.
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    const token = await page.evaluate(() => sessionStorage.getItem("herald.console.session"));
    expect(JSON.parse(token ?? "{}").token).toEqual(expect.any(String));
    expect(page.url()).not.toContain(JSON.parse(token ?? "{}").token);
    expect(page.url()).toBe(`${herald.url}/console/overview`);
  });

  it("creates a webhook integration to the local receiver and tests it", async () => {
    await nav("Integrations").click();
    await page.getByRole("heading", { name: "Integrations" }).waitFor();
    // Focus moves to the new page's content, not left on the link.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.getByRole("link", { name: "New integration" }).click();
    await page.getByLabel("Type").selectOption("webhook");
    await page.getByLabel("Name").fill("Local receiver");
    await page.getByLabel("Target URL").fill(receiver.url);
    await accessible("integration-new");
    await page.getByRole("button", { name: "Create integration" }).click();
    await page.getByRole("heading", { name: "Integration Local receiver" }).waitFor();
    integrationId = page.url().split("/").at(-1) ?? "";
    expect((await api.getAccountIntegration(integrationId)).name).toBe("Local receiver");
    await page.getByRole("button", { name: "Test" }).click();
    await expect(page.getByText(/Test answered 200: delivered/).textContent()).resolves.toBeTruthy();
    expect(receiver.received.length).toBe(1);
    await accessible("integration");
    await nav("Integrations").click();
    await page.getByRole("link", { name: "Local receiver" }).waitFor();
    await accessible("integrations");
  });

  it("creates a subscription with a filter checked as it is typed, and adds the integration", async () => {
    await nav("Subscriptions").click();
    await page.getByRole("link", { name: "New subscription" }).click();
    await page.getByLabel("Name").fill("High incidents to the receiver");
    await page.getByLabel("Notification type").selectOption(TYPE);
    const filter = page.getByLabel("Filter (JSON, optional)");
    await filter.fill('{"=": [{"source": "notification.threat_level"}, "High"');
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/not JSON/);
    await filter.fill('{"equals": [1, 2]}');
    await expect(page.getByRole("alert").textContent()).resolves.toMatch(/unknown operator "equals"/);
    expect(await page.getByRole("button", { name: "Create subscription" }).isDisabled()).toBe(true);
    await filter.fill('{"=": [{"source": "notification.threat_level"}, "High"]}');
    await expect(page.getByRole("alert").count()).resolves.toBe(0);
    await accessible("subscription-new");
    await page.getByRole("button", { name: "Create subscription" }).click();
    await page.getByRole("heading", { name: "Subscription High incidents to the receiver" }).waitFor();
    await page.getByLabel("Add subscriber").selectOption(`connection:${integrationId}`);
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.getByRole("button", { name: "Remove Local receiver" }).waitFor();
    const subscriptionId = page.url().split("/").at(-1) ?? "";
    const stored = await api.getAccountSubscription(subscriptionId, { include_subscribers: true });
    expect(stored.filters).toEqual({ "=": [{ source: "notification.threat_level" }, "High"] });
    expect(stored.subscribers?.map((s) => s.subscriber)).toEqual([integrationId]);
    await accessible("subscription");
    await nav("Subscriptions").click();
    await page.getByRole("link", { name: "High incidents to the receiver" }).waitFor();
    await accessible("subscriptions");
  });

  it("lists two notifications live: the filtered-in one delivered, the other with no leg", async () => {
    await nav("Notifications").click();
    await page.getByLabel("Type").selectOption(TYPE);
    filteredOut = await send("Low");
    delivered = await send("High");
    // The list refreshes itself (live): no reload.
    const deliveredRow = page.getByRole("row").filter({ has: page.getByRole("link", { name: delivered.slice(0, 8) }) });
    await deliveredRow.getByText("1 delivered").waitFor({ timeout: 30_000 });
    const filteredRow = page
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: filteredOut.slice(0, 8) }) });
    await filteredRow.getByText("0 delivered").waitFor();
    await expect(filteredRow.getByText("0 pending").count()).resolves.toBe(1);
    await accessible("notifications");
  });

  it("shows the delivered leg with its timeline and attempts", async () => {
    await page.getByRole("link", { name: delivered.slice(0, 8) }).click();
    await page.getByRole("heading", { name: `Notification ${delivered}` }).waitFor();
    const leg = page.getByRole("article");
    await leg.getByText("delivered", { exact: true }).waitFor();
    await expect(leg.getByRole("list", { name: "Status timeline" }).textContent()).resolves.toMatch(/PENDING.*DELIVRD/);
    const attempt = leg.getByRole("table", { name: "Attempts" }).getByRole("row").nth(1);
    await expect(attempt.textContent()).resolves.toMatch(/1.*queue.*200.*ms.*answered/);
    // The headers it sent, behind a disclosure: closed at first, as Herald stored them once opened.
    const headers = leg.getByRole("group").filter({ hasText: "Attempt 1: request headers" });
    const webhookId = headers.getByRole("term").filter({ hasText: /^webhook-id$/ });
    await expect(webhookId.isVisible()).resolves.toBe(false);
    await headers.getByText("Attempt 1: request headers").click();
    await webhookId.waitFor();
    const [legId] = (await api.getNotificationDeliveries({ notification_id: delivered })).deliveries.map((d) => d.id);
    const shown = await headers.getByRole("list").or(headers.locator("dl")).first().textContent();
    expect(shown).toContain(`webhook-idmsg_${legId}`);
    expect(shown).toContain("webhook-signaturev1,****");
    expect(shown).not.toMatch(/v1,[A-Za-z0-9+/]{43}=/);
    await accessible("notification");
  });

  it("explains why the filtered-out notification was not delivered: the failing clause and the values compared", async () => {
    await page.goto(`${herald.url}/console/notifications/${filteredOut}`);
    await page.getByRole("heading", { name: `Notification ${filteredOut}` }).waitFor();
    const why = page.getByRole("region", { name: "Why not delivered?" });
    const decision = why.getByRole("listitem").filter({ hasText: "Filtered out" });
    await decision
      .getByRole("heading", { name: "Filtered out: subscription High incidents to the receiver" })
      .waitFor();
    await expect(decision.getByRole("list").first().textContent()).resolves.toMatch(
      /^notification\.threat_level is "Low"; the clause wants it to equal "High"\. \(clause .+\)$/,
    );
    await accessible("notification-why");
    // The delivered one says so, with its leg.
    await page.goto(`${herald.url}/console/notifications/${delivered}`);
    const sent = page.getByRole("region", { name: "Why not delivered?" });
    await sent
      .getByRole("heading", { name: "Sent to its destinations: subscription High incidents to the receiver" })
      .waitFor();
    // The destination is named once the integrations are read.
    await sent
      .getByRole("list", { name: "Destinations" })
      .filter({ hasText: /integration Local receiver — leg delivered/ })
      .waitFor();
  });

  it("shows a failing target's leg FAILED and delivers it again with Retry", async () => {
    receiver.status = 500;
    const failing = await send("High");
    await page.goto(`${herald.url}/console/notifications/${failing}`);
    await page.getByRole("heading", { name: `Notification ${failing}` }).waitFor();
    // Three retries a second apart, then FAILED; the page refreshes itself until the leg settles.
    await page.getByRole("button", { name: "Retry" }).waitFor({ timeout: 30_000 });
    await expect(page.getByRole("table", { name: "Attempts" }).textContent()).resolves.toMatch(/500/);
    await accessible("notification-failed");
    // The list by leg status: Herald answers only the notifications with a FAILED leg.
    await nav("Notifications").click();
    await page.getByLabel("Type").selectOption(TYPE);
    await page.getByLabel("Leg status").selectOption("FAILED");
    await page.getByRole("link", { name: failing.slice(0, 8) }).waitFor();
    await expect(page.getByRole("link", { name: delivered.slice(0, 8) }).count()).resolves.toBe(0);
    await page.goto(`${herald.url}/console/notifications/${failing}`);
    await page.getByRole("button", { name: "Retry" }).waitFor();
    receiver.status = 200;
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByRole("article").getByText("delivered", { exact: true }).waitFor({ timeout: 30_000 });
    const legs = await api.getNotificationDeliveries({ notification_id: failing });
    expect(legs.deliveries.map((d) => d.status)).toEqual(["DELIVRD"]);
    expect(legs.deliveries[0]?.attempts.at(-1)).toMatchObject({ trigger: "retry", response_code: 200 });
  });

  it("shows an integration Herald disabled (410 Gone), why and since when, and enables it again", async () => {
    receiver.status = 410;
    const gone = await send("High");
    await page.goto(`${herald.url}/console/notifications/${gone}`);
    await page.getByRole("button", { name: "Retry" }).waitFor({ timeout: 30_000 });
    await page.goto(`${herald.url}/console/integrations`);
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Local receiver" }) });
    await expect(row.textContent()).resolves.toMatch(/disabled since .*410/);
    // Its health over the last 24 hours: the first leg delivered, the second failed then retried, the third refused.
    await row.getByText("3 legs: 2 delivered, 1 failed (33% failed)").waitFor();
    await expect(row.textContent()).resolves.toMatch(/: HTTP 410/);
    await page.getByRole("link", { name: "Local receiver" }).click();
    await page.getByRole("button", { name: "Enable again" }).waitFor();
    await accessible("integration-disabled");
    receiver.status = 200;
    await page.getByRole("button", { name: "Enable again" }).click();
    await page.getByRole("button", { name: "Enable again" }).waitFor({ state: "detached" });
    await expect(page.getByText("active", { exact: true }).count()).resolves.toBe(1);
    expect(await api.getAccountIntegration(integrationId)).not.toHaveProperty("disabled_at");
  });

  it("shows the overview: the test's legs per hour by status, and latency per integration", async () => {
    await nav("Overview").click();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    const statistics = await api.getDeliveryStatistics();
    const count = (status: "DELIVRD" | "READ" | "SENT" | "PENDING" | "FAILED") =>
      statistics.hours.reduce((sum, hour) => sum + hour[status], 0);
    const total = statistics.hours.reduce((sum, hour) => sum + hour.total, 0);
    // The legs to the receiver: delivered, failed then retried, failed while disabled.
    expect([total, count("DELIVRD"), count("FAILED")]).toEqual([3, 2, 1]);
    await expect(page.getByRole("status").filter({ hasText: "legs in the last 24 hours" }).textContent()).resolves.toBe(
      `${total} legs in the last 24 hours: ${count("DELIVRD")} delivered, ${count("READ")} read, ${count("SENT")} sent, ${count("PENDING")} pending, ${count("FAILED")} failed.`,
    );
    // The chart (uPlot's canvas, loaded on demand) is an image named with the same numbers.
    const chart = page.getByRole("img", { name: /Deliveries per hour by status/ });
    await chart.locator("canvas").first().waitFor();
    await expect(chart.getAttribute("aria-label")).resolves.toContain(`${total} legs`);
    const latency = page.getByRole("table", { name: /Time from send/ }).getByRole("row", { name: /Local receiver/ });
    await expect(latency.textContent()).resolves.toMatch(
      new RegExp(`Local receiver \\(webhook\\)${count("DELIVRD")}\\d+ ms\\d+ ms`),
    );
    await accessible("overview");
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

  it("answers a console deep link after a reload, still signed in; signing out forgets the token", async () => {
    await page.goto(`${herald.url}/console/integrations/${integrationId}`);
    await page.getByRole("heading", { name: "Integration Local receiver" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "Integration Local receiver" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Herald Console" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("herald.console.session"))).toBeNull();
  });

  it("ends the session when Herald refuses its token", async () => {
    await page.evaluate(() =>
      sessionStorage.setItem(
        "herald.console.session",
        JSON.stringify({
          token: "not-a-token",
          accountId: "12345678",
          accountName: "Acme Dev",
          userName: "Ada Admin",
          expiresAt: Date.now() + 3_600_000,
        }),
      ),
    );
    await page.goto(`${herald.url}/console/integrations`);
    await page.getByRole("heading", { name: "Herald Console" }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("herald.console.session"))).toBeNull();
  });

  it("serves the API reference offline: Swagger UI from Herald's own origin", async () => {
    await page.goto(`${herald.url}/herald/v2/docs`);
    await page.getByText("sent_notification").first().waitFor({ timeout: 20_000 });
  });
});
