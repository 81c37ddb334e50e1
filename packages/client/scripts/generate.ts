// Regenerates openapi.json (from the API's routes), and from it src/generated/schema.ts (types, openapi-typescript),
// src/generated/operations.ts (the operation table and methods), and src/generated/error-codes.ts (from its Error-Code schemas).
//   tsx scripts/generate.ts           writes every file
//   tsx scripts/generate.ts --check   writes nothing; exits 1 when a committed file differs from a fresh one
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";
import { documentEnum, errorCodesSource } from "./error-codes.js";
import { clientDocument, operationsSource } from "./operations.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const files = {
  document: join(root, "openapi.json"),
  schema: join(root, "src", "generated", "schema.ts"),
  operations: join(root, "src", "generated", "operations.ts"),
  errorCodes: join(root, "src", "generated", "error-codes.ts"),
};

// Loaded by path, not by package name: @herald/api depends on this package, so a dependency back would be a cycle.
// createApp() needs no bindings, so the Worker's routes load in Node.
interface Api {
  createApp(): unknown;
  openApiDocument(app: unknown): unknown;
}
const apiSource = (file: string) => new URL(`../../../apps/api/src/${file}`, import.meta.url).href;
const { createApp } = (await import(apiSource("app.ts"))) as Pick<Api, "createApp">;
const { openApiDocument } = (await import(apiSource("routes/openapi-document.ts"))) as Pick<Api, "openApiDocument">;

const document = openApiDocument(createApp()) as OpenAPI3;
const documentText = `${JSON.stringify(document, null, 2)}\n`;
// The client leaves out the operations marked `x-herald-client: false`; openapi.json keeps them.
const forClient = clientDocument(document);
const schemaText =
  COMMENT_HEADER +
  astToString(
    await openapiTS(forClient, {
      // A property with a default is optional in requests: do not make it required everywhere.
      defaultNonNullable: false,
      silent: true,
    }),
  );

const generated = [
  { path: files.document, text: documentText },
  { path: files.schema, text: schemaText },
  { path: files.operations, text: formatted(operationsSource(forClient), files.operations) },
  {
    path: files.errorCodes,
    text: formatted(
      errorCodesSource(documentEnum(document, "Error-Code"), documentEnum(document, "Validation-Error-Code")),
      files.errorCodes,
    ),
  },
];

if (!process.argv.includes("--check")) {
  for (const { path, text } of generated) writeFileSync(path, text);
  console.log(`generated ${generated.map(({ path }) => path.slice(root.length)).join(", ")}`);
  process.exit(0);
}

const stale = generated.filter(({ path, text }) => readOrEmpty(path) !== text);
if (stale.length === 0) {
  console.log(
    `check:generated: ${generated.map(({ path }) => path.slice(root.length)).join(", ")} match the API's routes`,
  );
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

/** `source` as Biome formats it: Biome ignores src/generated, so the generator formats what it writes there. */
function formatted(source: string, path: string): string {
  const biome = createRequire(import.meta.url).resolve("@biomejs/biome/bin/biome");
  // Named by its base name only: Biome leaves content under an ignored path (src/generated) as it is.
  const result = spawnSync(process.execPath, [biome, "format", `--stdin-file-path=${basename(path)}`], {
    cwd: root,
    input: source,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`biome could not format ${path}:\n${result.stderr}`);
  return result.stdout;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
