import { ApiError } from "../../errors";
import type { Router } from "../router";

/** Where the console is served: apps/console, built with this base path. */
export const CONSOLE_PATH = "/console/";

/**
 * The console's pages. Its files (apps/console/dist) are answered by Workers Static Assets, or by the Node runtime's
 * static layer, before the app runs; what reaches the app here is `/` (redirected to the console) and console paths
 * that are no file: the console's own routes (deep links such as /console/notifications/<id>), answered with its
 * index.html so the page's router shows them. Public, like the API reference: the page holds no data until sign-in.
 */
export function registerConsole(app: Router) {
  app.get("/", (c) => c.redirect(CONSOLE_PATH, 302));
  app.get("/console", (c) => c.redirect(CONSOLE_PATH, 302));
  app.get("/console/*", async (c) => {
    const assets = c.env.ASSETS;
    // A missing file under assets/ is a 404, not the page: a stale tab asking for an old chunk must see it fail.
    if (!assets || c.req.path.startsWith(`${CONSOLE_PATH}assets/`)) throw notBuilt(c.req.path);
    const index = await assets.fetch(new Request(new URL(CONSOLE_PATH, c.req.url), { headers: c.req.raw.headers }));
    if (!index.ok) throw notBuilt(c.req.path);
    // The page itself is never cached: it names the current build's chunks.
    const headers = new Headers(index.headers);
    headers.set("cache-control", "no-cache");
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
