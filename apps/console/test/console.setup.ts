// The shared set-up of the console's browser tests (console.*.test.ts): a real Herald (its Node runtime, serving the
// console's build), a local webhook receiver, a page of another site that frames the console, and Debian's Chromium
// through playwright-core; axe-core checks every page at desktop width and at 390 px, and screenshots of the main
// pages go to docs/console/ (with UPDATE_SCREENSHOTS) or test-results/.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createHeraldClient, type HeraldClient } from "@herald/client";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import {
  consoleDist,
  DEV_KEY,
  type Embedder,
  type Herald,
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
export const DESKTOP = { width: 1280, height: 800 };
export const TYPE = "incidents/alerts";
/** The pages whose 390-px screenshot is kept too (every page is checked at 390 px). */
const PHONE_SCREENSHOTS = new Set(["notifications", "notification", "subscription", "overview", "portal-notification"]);

// Live bindings: set by consoleAroundTests's beforeAll, read by the tests.
export let herald: Herald;
export let receiver: Receiver;
export let embedder: Embedder;
export let browser: Browser;
export let page: Page;
export let api: HeraldClient;

/** Starts Herald, the receiver, the embedding site and Chromium (one page open) before the file's tests; stops them after. */
export function consoleAroundTests(): void {
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
}

/** No serious or critical axe-core violation on the page as it is now, at desktop width and at 390 px. */
export async function accessible(name: string, on: Page = page): Promise<void> {
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
export function nav(name: string, on: Page = page) {
  return on.getByRole("navigation", { name: "Main" }).getByRole("link", { name });
}

/** Every request a page makes must be to Herald's origin. */
export function sameOriginOnly(on: Page): void {
  on.on("request", (request) => {
    if (!request.url().startsWith(herald.url) && !request.url().startsWith("data:"))
      throw new Error(`the console asked another origin: ${request.url()}`);
  });
}

export async function send(threatLevel: string): Promise<string> {
  const sent = await api.sendNotification({
    type: TYPE,
    notification_data: { threat_level: threatLevel },
    asset_data: {},
    payload: { threat: threatLevel, long_incident_id: `incident-${threatLevel}-${Date.now()}` },
  });
  return sent.id;
}
