// Proves `pnpm run lint:layers` bites: it runs that exact command, with the repository's .dependency-cruiser.cjs, on a
// small workspace laid out like Herald's in a temp folder: once clean (it must pass), once with deliberately wrong
// imports (each must fail, naming its rule and its edge).
//   node --test scripts/layers.test.mjs
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const [command, ...args] = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts["lint:layers"].split(
  " ",
);
const CONFIG_FILES = [".dependency-cruiser.cjs", ".dependency-cruiser-known-violations.json"];

const workspaces = [];
after(() => {
  for (const dir of workspaces) rmSync(dir, { recursive: true, force: true });
});

/** A workspace with Herald's folders and packages; `files` adds or replaces source files. */
function workspace(files = {}) {
  const dir = mkdtempSync(join(tmpdir(), "herald-layers-"));
  workspaces.push(dir);
  for (const name of CONFIG_FILES) copyFileSync(join(root, name), join(dir, name));
  const write = (path, text) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (const name of ["contracts", "db"]) {
    write(
      `packages/${name}/package.json`,
      JSON.stringify({ name: `@herald/${name}`, type: "module", exports: { ".": "./src/index.ts" } }),
    );
  }
  // Workspace packages are linked into each package's node_modules, as pnpm links them.
  const link = (from, name) => {
    mkdirSync(join(dir, from, "node_modules/@herald"), { recursive: true });
    const depth = from.split("/").length + 2;
    symlinkSync(`${"../".repeat(depth)}packages/${name}`, join(dir, from, "node_modules/@herald", name), "dir");
  };
  link("apps/api", "contracts");
  link("apps/api", "db");
  link("packages/db", "contracts");
  link("packages/contracts", "db");
  const clean = {
    "packages/contracts/src/index.ts": "export const Thing = { name: 'thing' };\n",
    "packages/db/src/index.ts":
      'import { Thing } from "@herald/contracts";\nexport const listThings = async () => [Thing];\n',
    "apps/api/src/services/things.ts":
      'import { listThings as listRows } from "@herald/db";\nexport const listThings = () => listRows();\n',
    "apps/api/src/routes/things/things.index.ts":
      'import { listThings } from "../../services/things";\nexport const route = listThings;\n',
    "apps/api/src/app.ts": 'import { route } from "./routes/things/things.index";\nexport const app = route;\n',
    // Tests may reach across layers: this one must not trip the check.
    "apps/api/test/things.test.ts":
      'import { listThings } from "@herald/db";\nimport { route } from "../src/routes/things/things.index";\n' +
      "export const both = [listThings, route];\n",
    "scripts/noop.mjs": "export {};\n",
    "bench/noop.ts": "export {};\n",
    "examples/noop.ts": "export {};\n",
  };
  for (const [path, text] of Object.entries({ ...clean, ...files })) write(path, text);
  return dir;
}

function lintLayers(dir) {
  const result = spawnSync(join(root, "node_modules/.bin", command), args, { cwd: dir, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test("the layer check passes a workspace that keeps the layers (tests reaching across included)", () => {
  const { status, output } = lintLayers(workspace());
  assert.equal(status, 0, output);
  assert.match(output, /no dependency violations found/);
});

test("the layer check fails on each deliberately wrong import, naming its rule and its edge", () => {
  const { status, output } = lintLayers(
    workspace({
      // A route reaching the database instead of calling a service: a value import and a type-only one.
      "apps/api/src/routes/things/things.index.ts":
        'import { listThings } from "@herald/db";\nexport const route = listThings;\n',
      "apps/api/src/routes/things/things.routes.ts":
        'import type { listThings } from "@herald/db";\nexport type Route = typeof listThings;\n',
      // packages/contracts importing one of ours.
      "packages/contracts/src/index.ts":
        'import { listThings } from "@herald/db";\nexport const Thing = { name: "thing", listThings };\n',
      // packages/db importing the API.
      "packages/db/src/index.ts":
        'import { app } from "../../../apps/api/src/app";\nexport const listThings = async () => [app];\n',
    }),
  );
  assert.notEqual(status, 0, output);
  const violations = [
    ["http-never-touches-db", "apps/api/src/routes/things/things.index.ts", "packages/db/src/index.ts"],
    ["http-never-touches-db", "apps/api/src/routes/things/things.routes.ts", "packages/db/src/index.ts"],
    ["contracts-import-nothing-of-ours", "packages/contracts/src/index.ts", "packages/db/src/index.ts"],
    ["db-imports-only-contracts", "packages/db/src/index.ts", "apps/api/src/app.ts"],
    ["packages-never-import-apps", "packages/db/src/index.ts", "apps/api/src/app.ts"],
  ];
  for (const [rule, from, to] of violations) {
    assert.ok(output.includes(`error ${rule}: ${from} → ${to}`), `expected ${rule}: ${from} → ${to} in:\n${output}`);
  }
  // The test file that imports @herald/db is still not reported.
  assert.doesNotMatch(output, /apps\/api\/test\//);
});
