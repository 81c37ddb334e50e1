import { ApiError } from "../../errors";
import type { Router } from "../router";

/** Where the console is served: apps/console, built with this base path. */
export const CONSOLE_PATH = "/console/";

/**
 * The console's page holds a token: it may run only its own scripts and talk only to its own origin. Inline styles
 * are not needed either (React sets `style` through the DOM, which a policy does not govern). No other site may show
 * it in a frame (clickjacking an admin's session), but the origins CONSOLE_FRAME_ANCESTORS names, which embed portal
 * links.
 */
export function consolePageHeaders(frameAncestors: readonly string[]): Record<string, string> {
  const framing = frameAncestors.length === 0 ? "'none'" : frameAncestors.join(" ");
  return {
    "content-security-policy":
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      `object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ${framing}`,
    // Browsers that know no frame-ancestors: no frames at all unless some origin may frame it.
    ...(frameAncestors.length === 0 ? { "x-frame-options": "DENY" } : {}),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    // The page names the current build's chunks: never cached.
    "cache-control": "no-cache",
  };
}

/**
 * The console's pages. Its built chunks (/console/assets/*) are answered by Workers Static Assets, or by the Node
 * runtime's static layer, without the app; the page itself always comes through here (wrangler.jsonc
 * `run_worker_first`), with consolePageHeaders: `/console/` and every console route (deep links such as
 * /console/notifications/<id>) answer its index.html, and the page's router shows the route. `/` and `/console`
 * redirect to it. Public, like the API reference: the page holds no data until sign-in. Register after the services
 * middleware: the page's framing policy is a setting.
 */
export function registerConsole(app: Router) {
  app.get("/", (c) => c.redirect(CONSOLE_PATH, 302));
  app.get("/console", (c) => c.redirect(CONSOLE_PATH, 302));
  app.get("/console/*", async (c) => {
    const assets = c.env.ASSETS;
    // A missing file under assets/ is a 404, not the page: a stale tab asking for an old chunk must see it fail.
    if (!assets || c.req.path.startsWith(`${CONSOLE_PATH}assets/`)) throw notBuilt(c.req.path);
    const index = await assets.fetch(new Request(new URL(CONSOLE_PATH, c.req.url)));
    if (!index.ok) throw notBuilt(c.req.path);
    const headers = new Headers({
      "content-type": "text/html; charset=utf-8",
      ...consolePageHeaders(c.var.services.consoleFrameAncestors),
    });
    return new Response(index.body, { status: 200, headers });
  });
}

function notBuilt(path: string): ApiError {
  return new ApiError({
    status: 404,
    code: "not_found",
    details: `no console file at ${path} (is the console built? pnpm build)`,
  });
}
