// The Node runtime's Workers Static Assets: the console's build directory (apps/console/dist, or assets/ beside bin/
// in the self-host build) served as wrangler serves it to the Worker. A GET or HEAD of a built chunk or a Swagger UI
// file is answered before the app runs; anything else goes to the app, which gets this reader as env.ASSETS for the
// console's page (src/routes/console).
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** Answered from the files without the app (wrangler.jsonc: everything outside `run_worker_first`). */
const FILE_PREFIXES = ["/console/assets/", "/swagger-ui/"];

export interface StaticAssets {
  directory: string;
  /** The file at the request's path (`dir/` answers `dir/index.html`), or 404. */
  fetch(request: Request): Promise<Response>;
}

/**
 * The directory to serve: HERALD_ASSETS_DIR, else the self-host build's assets/ (beside bin/), else the workspace's
 * apps/console/dist. None that exists: the console is not served (the API is).
 */
export function defaultAssetsDirectory(env: Record<string, string | undefined>): string | undefined {
  if (env.HERALD_ASSETS_DIR) return env.HERALD_ASSETS_DIR;
  for (const candidate of ["../assets", "../../console/dist"]) {
    const directory = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(directory, "console", "index.html"))) return directory;
  }
  return undefined;
}

export function createStaticAssets(directory: string): StaticAssets {
  const root = normalize(directory + sep);
  return {
    directory,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      let path: string;
      try {
        path = decodeURIComponent(pathname);
      } catch {
        return notFound();
      }
      if (path.includes("\0")) return notFound();
      const file = normalize(join(root, path.endsWith("/") ? `${path}index.html` : path));
      if (!file.startsWith(root)) return notFound();
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return notFound();
      const headers = new Headers({
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": String(info.size),
        // Vite's chunks carry their hash in their name; everything else may change with the next build.
        "cache-control": path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
      });
      return new Response(request.method === "HEAD" ? null : await readFile(file), { status: 200, headers });
    },
  };
}

/** Whether the files answer `request` without the app: a GET or HEAD of a built chunk or a Swagger UI file. */
export function assetsFirst(request: Request): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const { pathname } = new URL(request.url);
  return FILE_PREFIXES.some((prefix) => pathname.startsWith(prefix));
}

function notFound(): Response {
  return new Response("not found", { status: 404 });
}
