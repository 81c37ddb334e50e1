#!/usr/bin/env node
// After `vite build`: copies Swagger UI's files beside the console (dist/swagger-ui/, served by Herald for the offline
// API reference at /herald/v2/docs) and prints the console bundle's size: total JS and CSS, raw and gzip, and the
// largest chunk. `--swagger-only` copies the files and stops (`pnpm dev`).
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

// The files the reference page loads (apps/api/src/routes/docs/docs.index.ts names them).
const SWAGGER_FILES = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];
const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
mkdirSync(join(dist, "swagger-ui"), { recursive: true });
for (const file of SWAGGER_FILES) cpSync(join(swaggerDir, file), join(dist, "swagger-ui", file));
if (process.argv.includes("--swagger-only")) process.exit(0);

const assets = join(dist, "console", "assets");
const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
const sizes = files.map((file) => {
  const bytes = readFileSync(join(assets, file));
  return { file, raw: statSync(join(assets, file)).size, gzip: gzipSync(bytes).length };
});
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const total = (ext) =>
  sizes
    .filter((s) => s.file.endsWith(ext))
    .reduce((a, s) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
const js = total(".js");
const css = total(".css");
const largest = sizes.filter((s) => s.file.endsWith(".js")).sort((a, b) => b.gzip - a.gzip)[0];
const entry = readFileSync(join(dist, "console", "index.html"), "utf8").match(/assets\/([^"]+\.js)/)?.[1];
const first = sizes.find((s) => s.file === entry);
console.log(
  `console bundle: JS ${kb(js.raw)} (${kb(js.gzip)} gzip) in ${sizes.filter((s) => s.file.endsWith(".js")).length} chunks, ` +
    `CSS ${kb(css.raw)} (${kb(css.gzip)} gzip); entry ${entry} ${kb(first?.gzip ?? 0)} gzip; ` +
    `largest chunk ${largest?.file} ${kb(largest?.gzip ?? 0)} gzip`,
);
