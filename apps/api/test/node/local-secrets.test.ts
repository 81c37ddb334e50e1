import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLocalSecrets } from "../../scripts/local-secrets";

const freshFile = () => join(mkdtempSync(join(tmpdir(), "herald-secrets-")), "secrets.env");

describe("local secrets for the Node runtime", () => {
  it("generates the token secret and encryption key once, readable by the owner only", () => {
    const file = freshFile();
    const first: Record<string, string | undefined> = {};
    expect(loadLocalSecrets(file, first)).toBe(file);
    expect(first.AUTH_TOKEN_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(first.ENCRYPTION_KEY as string, "base64")).toHaveLength(32);
    expect(first.ENCRYPTION_KEY_ID).toBe("local");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A restart reads the same values: tokens stay valid, sealed secrets stay readable.
    const second: Record<string, string | undefined> = {};
    expect(loadLocalSecrets(file, second)).toBeUndefined();
    expect(second).toEqual(first);
  });

  it("lets the environment win and stores nothing it was given", () => {
    const file = freshFile();
    const env: Record<string, string | undefined> = {
      AUTH_TOKEN_SECRET: "from-the-environment",
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
      ENCRYPTION_KEY_ID: "ops",
    };
    expect(loadLocalSecrets(file, env)).toBeUndefined();
    expect(env.AUTH_TOKEN_SECRET).toBe("from-the-environment");
    expect(env.ENCRYPTION_KEY_ID).toBe("ops");
  });

  it("completes a file that lacks a newer secret, keeping every line it had", async () => {
    const file = freshFile();
    writeFileSync(file, "# wrangler dev's variables\nAUTH_TOKEN_SECRET=kept\nOTHER=value");
    const env: Record<string, string | undefined> = {};
    expect(loadLocalSecrets(file, env)).toBe(file);
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("# wrangler dev's variables\nAUTH_TOKEN_SECRET=kept\nOTHER=value\nENCRYPTION_KEY=")).toBe(
      true,
    );
    expect(env.AUTH_TOKEN_SECRET).toBe("kept");
    expect(env.ENCRYPTION_KEY).toBeDefined();
  });
});
