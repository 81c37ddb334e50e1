#!/usr/bin/env node
// The self-host build: the one place that says what the Node runtime's directory holds. The Dockerfile and
// test/node/self-host-build.test.ts both run exactly these two steps:
//   node scripts/node-runtime.mjs bundle [dir]   (pnpm build) writes dist-node/: the bundled server, the pipeline thread,
//                                            the admin CLI, the files they read at run time, the console's build
//                                            (assets/), and a package.json
//                                            naming only the packages left outside the bundle
//   node scripts/node-runtime.mjs install [dir]  installs those packages into dist-node/node_modules (npm, production)
// Started with `node dist-node/bin/server.mjs`. Paths the code resolves from its own module (`new URL(...,
// import.meta.url)`: wrangler.jsonc, the migrations, the default data directory) resolve from bin/, one level under
// the directory, as they do from node/, scripts/ and packages/db/src/ in the tree.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const apiDir = fileURLToPath(new URL("..", import.meta.url));
/** dist-node/ unless another directory is given (the test builds into a scratch one). */
const outDir = process.argv[3] ? resolve(process.argv[3]) : join(apiDir, "dist-node");

/** Left outside the bundle: a native binary, and the QuickJS variant that loads its .wasm beside its own module. */
const EXTERNAL = {
  libsql: join(apiDir, "..", "..", "packages", "db", "package.json"),
  "@jitl/quickjs-wasmfile-release-sync": join(apiDir, "package.json"),
};

/** Entry points, each one file in bin/; the pipeline thread is started by the server from beside it (node/runtime.ts). */
const ENTRIES = { server: "node/server.ts", "pipeline-thread": "node/pipeline-thread.ts", admin: "scripts/admin.ts" };

/** Files read at run time, relative to bin/'s parent: [destination, source relative to apps/api]. */
const FILES = [
  ["wrangler.jsonc", "wrangler.jsonc"],
  ["drizzle", "../../packages/db/drizzle"],
];

function pinned(name, packageJson) {
  const manifest = JSON.parse(readFileSync(packageJson, "utf8"));
  const version = manifest.dependencies?.[name];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(`${packageJson}: ${name} must be a dependency pinned to an exact version`);
  return version;
}

async function bundle() {
  const generated = spawnSync(process.execPath, ["scripts/generate-jq-engine.mjs"], { cwd: apiDir, stdio: "inherit" });
  if (generated.status !== 0) process.exit(generated.status ?? 1);
  const esbuild = await import("esbuild");
  // Cleared before each build, so only a directory this script made (or an empty one) is ever cleared.
  if (existsSync(outDir) && readdirSync(outDir).length > 0 && !existsSync(join(outDir, "bin", "server.mjs")))
    throw new Error(`${outDir} is not empty and holds no earlier build (bin/server.mjs): not clearing it`);
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    absWorkingDir: apiDir,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, source]) => [`bin/${name}`, source])),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // jsonc-parser's "main" is a UMD build whose require() calls a bundler cannot follow; its "module" is plain ESM.
    mainFields: ["module", "main"],
    // Chunks stay in bin/ beside the entries: what they resolve from import.meta.url resolves as from an entry.
    chunkNames: "bin/[name]-[hash]",
    outExtension: { ".js": ".mjs" },
    // workerd's compiled-ahead copy of the QuickJS wasm (src/delivery/jq/sandbox.ts) is imported only on workerd.
    external: [...Object.keys(EXTERNAL), "*.wasm"],
    // Bundled CommonJS packages call require() for Node's own modules; ESM output has none of its own.
    banner: {
      js: 'import { createRequire as __heraldRequire } from "node:module"; const require = __heraldRequire(import.meta.url);',
    },
    legalComments: "linked",
    sourcemap: "linked",
    logLevel: "warning",
  });
  for (const [destination, source] of FILES)
    cpSync(join(apiDir, source), join(outDir, destination), { recursive: true });
  // The console and the API reference's files (apps/console/dist), served from assets/ (node/static-assets.ts); built
  // here when the workspace has no build of it yet (the Dockerfile's fresh copy).
  const consoleDir = join(apiDir, "..", "console");
  if (!existsSync(join(consoleDir, "dist", "console", "index.html"))) {
    const built = spawnSync("pnpm", ["--filter", "@herald/console", "build"], {
      cwd: apiDir,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  cpSync(join(consoleDir, "dist"), join(outDir, "assets"), { recursive: true });
  const api = JSON.parse(readFileSync(join(apiDir, "package.json"), "utf8"));
  const dependencies = Object.fromEntries(
    Object.entries(EXTERNAL).map(([name, packageJson]) => [name, pinned(name, packageJson)]),
  );
  writeFileSync(
    join(outDir, "package.json"),
    `${JSON.stringify(
      {
        name: "herald-node",
        version: api.version,
        license: api.license,
        private: true,
        type: "module",
        description: "Herald's Node runtime, bundled (apps/api/scripts/node-runtime.mjs); start: node bin/server.mjs",
        engines: { node: ">=20.18.1" },
        dependencies,
      },
      null,
      2,
    )}\n`,
  );
  console.log(
    `herald: bundled the Node runtime into ${outDir}; install its packages with \`node scripts/node-runtime.mjs install\``,
  );
}

function install() {
  const npm = spawnSync(
    "npm",
    ["install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
    { cwd: outDir, stdio: "inherit" },
  );
  if (npm.status !== 0) process.exit(npm.status ?? 1);
  // The bundle must find each external package from bin/ (the resolution Node does at run time).
  const fromBundle = createRequire(join(outDir, "bin", "server.mjs"));
  for (const name of Object.keys(EXTERNAL)) fromBundle.resolve(name);
}

const command = process.argv[2];
if (command === "bundle") await bundle();
else if (command === "install") install();
else {
  console.error("usage: node scripts/node-runtime.mjs bundle|install [directory, dist-node by default]");
  process.exit(2);
}
