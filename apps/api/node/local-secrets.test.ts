import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLocalSecrets } from "./local-secrets";

const freshDir = () => mkdtempSync(join(tmpdir(), "herald-secrets-"));

describe("local secrets for the Node runtime", () => {
  it("generates the token secret and encryption key once, readable by the owner only", () => {
    const dir = freshDir();
    const first: Record<string, string | undefined> = {};
    expect(loadLocalSecrets(dir, first)).toBe(join(dir, "secrets.env"));
    expect(first.AUTH_TOKEN_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(first.ENCRYPTION_KEY as string, "base64")).toHaveLength(32);
    expect(first.ENCRYPTION_KEY_ID).toBe("local");
    expect(statSync(join(dir, "secrets.env")).mode & 0o777).toBe(0o600);

    // A restart reads the same values: tokens stay valid, sealed secrets stay readable.
    const second: Record<string, string | undefined> = {};
    expect(loadLocalSecrets(dir, second)).toBeUndefined();
    expect(second).toEqual(first);
  });

  it("lets the environment win and stores nothing it was given", () => {
    const dir = freshDir();
    const env: Record<string, string | undefined> = {
      AUTH_TOKEN_SECRET: "from-the-environment",
      ENCRYPTION_KEY: Buffer.alloc(32, 1).toString("base64"),
      ENCRYPTION_KEY_ID: "ops",
    };
    expect(loadLocalSecrets(dir, env)).toBeUndefined();
    expect(env.AUTH_TOKEN_SECRET).toBe("from-the-environment");
    expect(env.ENCRYPTION_KEY_ID).toBe("ops");
  });

  it("completes a file that lacks a newer secret without changing the others", () => {
    const dir = freshDir();
    loadLocalSecrets(dir, { ENCRYPTION_KEY: "given", ENCRYPTION_KEY_ID: "given" });
    const tokenOnly = readFileSync(join(dir, "secrets.env"), "utf8");
    expect(tokenOnly).not.toContain("ENCRYPTION_KEY");
    const env: Record<string, string | undefined> = {};
    expect(loadLocalSecrets(dir, env)).toBe(join(dir, "secrets.env"));
    expect(readFileSync(join(dir, "secrets.env"), "utf8")).toContain(tokenOnly.trim());
    expect(env.ENCRYPTION_KEY).toBeDefined();
  });
});
