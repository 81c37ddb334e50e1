// Regenerates openapi.json (from the API's routes) and src/generated/schema.ts (from openapi.json).
//   tsx scripts/generate.ts           writes both files
//   tsx scripts/generate.ts --check   writes nothing; exits 1 when either committed file differs from a fresh one
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";

const root = fileURLToPath(new URL("..", import.meta.url));
const files = {
  document: join(root, "openapi.json"),
  schema: join(root, "src", "generated", "schema.ts"),
};

// Loaded by path, not by package name: @herald/api depends on this package, so a dependency back would be a cycle.
// createApp() needs no bindings, so the Worker's routes load in Node.
interface Api {
  createApp(): unknown;
  openApiDocument(app: unknown): unknown;
}
const apiSource = (file: string) => new URL(`../../../apps/api/src/${file}`, import.meta.url).href;
const { createApp } = (await import(apiSource("app.ts"))) as Pick<Api, "createApp">;
const { openApiDocument } = (await import(apiSource("lib/openapi-document.ts"))) as Pick<Api, "openApiDocument">;

const document = openApiDocument(createApp()) as OpenAPI3;
const documentText = `${JSON.stringify(document, null, 2)}\n`;
const schemaText =
  COMMENT_HEADER +
  astToString(
    await openapiTS(document, {
      // A property with a default is optional in requests: do not make it required everywhere.
      defaultNonNullable: false,
      silent: true,
    }),
  );

const generated = [
  { path: files.document, text: documentText },
  { path: files.schema, text: schemaText },
];

if (!process.argv.includes("--check")) {
  for (const { path, text } of generated) writeFileSync(path, text);
  console.log(`generated ${generated.map(({ path }) => path.slice(root.length)).join(", ")}`);
  process.exit(0);
}

const stale = generated.filter(({ path, text }) => readOrEmpty(path) !== text);
if (stale.length === 0) {
  console.log("check:generated: openapi.json and src/generated/schema.ts match the API's routes");
  process.exit(0);
}
const scratch = mkdtempSync(join(tmpdir(), "herald-client-generated-"));
for (const { path, text } of stale) {
  const fresh = join(scratch, path.slice(root.length).replaceAll("/", "_"));
  writeFileSync(fresh, text);
  spawnSync("diff", ["-u", path, fresh], { stdio: "inherit" });
}
console.error(
  `check:generated: ${stale.map(({ path }) => path.slice(root.length)).join(" and ")} ` +
    "differ from what the API's routes generate. Run `pnpm --filter @herald/client generate` and commit the result.",
);
process.exit(1);

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
