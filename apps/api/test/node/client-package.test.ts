import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, expect, it } from "vitest";
import { type NodeRuntime, startNodeRuntime } from "../../node/runtime";
import { prepareLocalDb } from "../../scripts/prepare-local-db";

// `@herald/client` as another team gets it: packed as npm would publish it (with `@herald/webhooks`, its one
// workspace dependency), installed into a project outside this workspace, a small program type-checked against the
// installed declarations and run against a live Herald (the Node runtime).

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "herald-client-package-"));
let runtime: NodeRuntime | undefined;
afterAll(async () => {
  await runtime?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const PROGRAM = `
import { createHeraldClient, isHeraldError, signWebhook, verifyWebhook, type Notification } from "@herald/client";

const herald = createHeraldClient({
  baseUrl: process.env.HERALD_URL as string,
  accessKeyId: "devkey12345678",
  secretKey: "devsecret12345678",
});
const { notification_types } = await herald.getNotificationTypes();
const sent = await herald.sendNotification(
  { type: "incidents/alerts", notification_data: { threat_level: "high" }, asset_data: {}, payload: {} },
  { idempotencyKey: true },
);
const read: Notification = await herald.getAccountNotification(sent.id);
let missing = 0;
try {
  await herald.getAccountNotification("00000000-0000-4000-8000-000000000000");
} catch (error) {
  if (!isHeraldError(error)) throw error;
  missing = error.status;
}
const secret = "whsec_" + Buffer.from("a signing secret of 32 bytes!!!!").toString("base64");
const body = JSON.stringify(read);
const headers = await signWebhook({ secret, id: "msg_" + read.id, body });
const verified = await verifyWebhook({ secret, headers: new Headers(headers), body });
console.log(JSON.stringify({ types: notification_types.length > 0, same: read.id === sent.id, missing, verified: verified.id === read.id }));
`;

it("packs, installs outside the workspace, type-checks and runs against a live Herald", {
  timeout: 180_000,
}, async () => {
  const packed = join(scratch, "packed");
  for (const name of ["webhooks", "client"])
    execFileSync("pnpm", ["pack", "--pack-destination", packed], { cwd: join(root, "packages", name), stdio: "pipe" });
  const tarballs = readdirSync(packed).sort();
  expect(tarballs).toEqual(["herald-client-0.1.0.tgz", "herald-webhooks-0.1.0.tgz"]);
  // What the tarball holds: the build, the declarations, the document, the licence; no sources or tests.
  const files = execFileSync("tar", ["-tzf", join(packed, "herald-client-0.1.0.tgz")], { encoding: "utf8" }).split(
    "\n",
  );
  expect(files).toEqual(expect.arrayContaining(["package/LICENSE", "package/dist/index.d.ts", "package/openapi.json"]));
  expect(files.filter((file) => /^package\/(src|test|scripts)\//.test(file))).toEqual([]);

  const project = join(scratch, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2023", "DOM"],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      include: ["main.ts"],
    }),
  );
  // Buffer and process without @types/node: the program declares the little it uses.
  writeFileSync(
    join(project, "main.ts"),
    `declare const process: { env: Record<string, string | undefined> };\n` +
      `declare const Buffer: { from(text: string): { toString(encoding: "base64"): string } };\n${PROGRAM}`,
  );
  execFileSync("npm", ["install", "--no-audit", "--no-fund", ...tarballs.map((file) => join(packed, file))], {
    cwd: project,
    stdio: "pipe",
  });

  // The workspace's TypeScript, checking against the installed package's declarations only.
  const tsc = createRequire(join(root, "package.json")).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", project], { cwd: project, stdio: "pipe" });

  const dbPath = join(scratch, "herald.db");
  await prepareLocalDb(dbPath);
  runtime = await startNodeRuntime({
    port: 0,
    env: {
      LIBSQL_URL: `file:${dbPath}`,
      AUTH_TOKEN_SECRET: "client-package-test-secret",
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      ENCRYPTION_KEY_ID: "test",
    },
  });
  // Node runs the program's TypeScript as it is: types stripped by tsx's loader, from the scratch project. Not a
  // synchronous child: this process serves the Herald it calls.
  const tsx = createRequire(join(root, "apps", "api", "package.json")).resolve("tsx");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", tsx, "main.ts"], {
    cwd: project,
    env: { PATH: process.env.PATH ?? "", HERALD_URL: runtime.url },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(JSON.parse(stdout)).toEqual({ types: true, same: true, missing: 404, verified: true });
});
