import { defineConfig } from "drizzle-kit";

// `generate` and `check` read only the schema and the migrations; every other command (migrate, push, studio) works
// on a database, and without LIBSQL_URL it refuses rather than guess one (it once migrated packages/db/local.db).
const offline = process.argv.some((arg) => arg === "generate" || arg === "check");
const url = process.env.LIBSQL_URL;
if (!url && !offline) {
  console.error("herald: LIBSQL_URL is required (the database to migrate, e.g. libsql://<db>.turso.io or file:./x.db)");
  process.exit(2);
}

export default defineConfig({
  dialect: "turso",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
  dbCredentials: { url: url ?? "file::memory:", authToken: process.env.LIBSQL_AUTH_TOKEN },
});
