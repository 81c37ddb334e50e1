import { describe, expect, it } from "vitest";
import { accessible, api, consoleAroundTests, herald, nav, page, receiver, send, TYPE } from "./console.setup";
import { DEV_KEY } from "./herald";

// The console signed in with an access key, in a real browser: sign in, create an integration and a filtered
// subscription, see a delivered notification and its attempts, the filtered-out one explained ("why not delivered?"),
// make the target fail and retry the leg from the page, see an integration disabled and enable it, read the overview's
// charts; then a deep link after a reload, signing out, a refused token, and the API reference.

consoleAroundTests();

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
