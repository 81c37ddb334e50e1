import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assetsFirst, createStaticAssets } from "../../node/static-assets";

// A build directory beside a file that must never be served from it.
const root = mkdtempSync(join(tmpdir(), "herald-static-"));
const dir = join(root, "dist");
mkdirSync(join(dir, "console", "assets"), { recursive: true });
mkdirSync(join(dir, "swagger-ui"), { recursive: true });
writeFileSync(join(dir, "console", "index.html"), "<!doctype html><div id=root></div>");
writeFileSync(join(dir, "console", "assets", "index-abc.js"), "console.log(1)");
writeFileSync(join(dir, "swagger-ui", "swagger-ui.css"), ".x{}");
writeFileSync(join(root, "secrets.env"), "AUTH_TOKEN_SECRET=do-not-serve");
const assets = createStaticAssets(dir);
const get = (path: string, method = "GET") => assets.fetch(new Request(`http://herald.test${path}`, { method }));

describe("the Node runtime's static files", () => {
  it("serves the build's files with their type, the page for a folder, and hashed chunks as immutable", async () => {
    const chunk = await get("/console/assets/index-abc.js");
    expect([chunk.status, chunk.headers.get("content-type"), await chunk.text()]).toEqual([
      200,
      "text/javascript; charset=utf-8",
      "console.log(1)",
    ]);
    expect(chunk.headers.get("cache-control")).toContain("immutable");
    const page = await get("/console/");
    expect([page.status, page.headers.get("content-type")]).toEqual([200, "text/html; charset=utf-8"]);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    const head = await get("/swagger-ui/swagger-ui.css", "HEAD");
    expect([head.status, head.headers.get("content-length"), await head.text()]).toEqual([200, "4", ""]);
  });

  it.each([
    "/console/assets/missing.js",
    "/console/assets",
    "/../secrets.env",
    "/console/..%2f..%2fsecrets.env",
    "/console/%2e%2e/%2e%2e/secrets.env",
    "/%2e%2e%5csecrets.env",
    "/console/index.html%00.js",
    "/console/%E0%A4%A",
  ])("answers 404 for %s, never a file outside the build", async (path) => {
    const response = await get(path);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("do-not-serve");
  });

  it("answers only chunks and Swagger UI's files ahead of the app: the page, the API and writes go to the app", () => {
    const first = (path: string, method = "GET") => assetsFirst(new Request(`http://herald.test${path}`, { method }));
    expect(first("/console/assets/index-abc.js")).toBe(true);
    expect(first("/swagger-ui/swagger-ui-bundle.js")).toBe(true);
    expect(first("/swagger-ui/swagger-ui.css", "HEAD")).toBe(true);
    expect(first("/console/")).toBe(false);
    expect(first("/console/notifications/1")).toBe(false);
    expect(first("/")).toBe(false);
    expect(first("/herald/v2/docs")).toBe(false);
    expect(first("/console/assets/index-abc.js", "POST")).toBe(false);
  });
});
