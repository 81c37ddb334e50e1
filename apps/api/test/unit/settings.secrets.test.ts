import { describe, expect, it } from "vitest";
import { parseEncryptionKeys, parseSettings } from "../../src/settings";
import { expectRefused, failure, KEY_A, KEY_B, MINIMAL, WHSEC } from "./settings.setup";

// The deployment's secrets: token secrets, encryption keys, the e-mail transport's key and Resend's webhook secret.

describe("parseSettings: token secrets", () => {
  it("reads the current and the previous secret as given", () => {
    const { tokens } = parseSettings({
      ...MINIMAL,
      AUTH_TOKEN_PREVIOUS_SECRET: "old-secret",
      AUTH_TOKEN_TTL_SECONDS: "60",
    });
    expect(tokens).toEqual({ keys: { current: MINIMAL.AUTH_TOKEN_SECRET, previous: "old-secret" }, ttlSeconds: 60 });
  });
});

describe("parseSettings: encryption keys", () => {
  it("reads the current and previous pairs, trimmed", () => {
    const settings = parseSettings({
      ...MINIMAL,
      ENCRYPTION_KEY: ` ${KEY_A}\n`,
      ENCRYPTION_KEY_ID: "2026-05",
      ENCRYPTION_PREVIOUS_KEY: KEY_B,
      ENCRYPTION_PREVIOUS_KEY_ID: "2025-11",
    });
    expect(settings.encryption).toEqual({
      current: { id: "2026-05", key: KEY_A },
      previous: { id: "2025-11", key: KEY_B },
    });
  });

  it("leaves encryption unset without ENCRYPTION_KEY: the deployment still serves", () => {
    expect(parseSettings({ ...MINIMAL, ENCRYPTION_KEY: undefined, ENCRYPTION_KEY_ID: undefined }).encryption).toBe(
      undefined,
    );
  });

  it.each([
    [
      "a key without an id",
      { ENCRYPTION_KEY: KEY_A },
      /^invalid setting ENCRYPTION_KEY_ID: expected 1-64 .* it is not set$/,
    ],
    [
      "an id without a key",
      { ENCRYPTION_KEY_ID: "a" },
      /^invalid setting ENCRYPTION_KEY: required with ENCRYPTION_KEY_ID$/,
    ],
    [
      "an id with a colon",
      { ENCRYPTION_KEY: KEY_A, ENCRYPTION_KEY_ID: "a:b" },
      /^invalid setting ENCRYPTION_KEY_ID: expected 1-64 letters, digits, '-' or '_' naming ENCRYPTION_KEY; got "a:b"$/,
    ],
    [
      "a key of 16 bytes",
      { ENCRYPTION_KEY: btoa("x".repeat(16)), ENCRYPTION_KEY_ID: "a" },
      /ENCRYPTION_KEY: expected the base64 of 32 bytes .* it decodes to 16 bytes$/,
    ],
    [
      "a key of 33 bytes",
      { ENCRYPTION_KEY: btoa("x".repeat(33)), ENCRYPTION_KEY_ID: "a" },
      /ENCRYPTION_KEY: .* 33 bytes$/,
    ],
    [
      "a key that is not base64",
      { ENCRYPTION_KEY: "not base64 at all!", ENCRYPTION_KEY_ID: "a" },
      /ENCRYPTION_KEY: .* it is not base64$/,
    ],
    [
      "a previous key without an id",
      { ENCRYPTION_KEY: KEY_A, ENCRYPTION_KEY_ID: "a", ENCRYPTION_PREVIOUS_KEY: KEY_B },
      /^invalid setting ENCRYPTION_PREVIOUS_KEY_ID: expected 1-64 .* naming ENCRYPTION_PREVIOUS_KEY; it is not set$/,
    ],
    [
      "a previous id without its key",
      { ENCRYPTION_KEY: KEY_A, ENCRYPTION_KEY_ID: "a", ENCRYPTION_PREVIOUS_KEY_ID: "b" },
      /^invalid setting ENCRYPTION_PREVIOUS_KEY: required with ENCRYPTION_PREVIOUS_KEY_ID$/,
    ],
    [
      "a malformed previous key",
      {
        ENCRYPTION_KEY: KEY_A,
        ENCRYPTION_KEY_ID: "a",
        ENCRYPTION_PREVIOUS_KEY: "short",
        ENCRYPTION_PREVIOUS_KEY_ID: "b",
      },
      /^invalid setting ENCRYPTION_PREVIOUS_KEY: expected the base64 of 32 bytes/,
    ],
    [
      "a previous key with no current one",
      { ENCRYPTION_PREVIOUS_KEY: KEY_B, ENCRYPTION_PREVIOUS_KEY_ID: "b" },
      /^invalid setting ENCRYPTION_KEY: required with ENCRYPTION_PREVIOUS_KEY/,
    ],
    [
      "a previous key under the current id",
      {
        ENCRYPTION_KEY: KEY_A,
        ENCRYPTION_KEY_ID: "a",
        ENCRYPTION_PREVIOUS_KEY: KEY_B,
        ENCRYPTION_PREVIOUS_KEY_ID: "a",
      },
      /^invalid setting ENCRYPTION_PREVIOUS_KEY_ID: must differ from ENCRYPTION_KEY_ID$/,
    ],
  ])("refuses %s, naming the variable", (_label, env, message) => {
    expectRefused(env, message);
  });

  it("never repeats a key in its message", () => {
    const tooShort = btoa("secret-key-material");
    const { message } = failure({ ...MINIMAL, ENCRYPTION_KEY: tooShort, ENCRYPTION_KEY_ID: "a" });
    expect(message).not.toContain(tooShort);
  });

  it("parseEncryptionKeys reads the keys alone, by the same rules", () => {
    expect(parseEncryptionKeys({ ENCRYPTION_KEY: KEY_A, ENCRYPTION_KEY_ID: "a" })).toEqual({
      current: { id: "a", key: KEY_A },
      previous: undefined,
    });
    expect(parseEncryptionKeys({})).toBeUndefined();
    expect(() => parseEncryptionKeys({ ENCRYPTION_KEY: KEY_A })).toThrow(/^invalid setting ENCRYPTION_KEY_ID/);
  });
});

describe("parseSettings: e-mail", () => {
  it("sends through Resend with its key and sender, at RESEND_API_URL without its trailing slash", () => {
    const { email } = parseSettings({
      ...MINIMAL,
      EMAIL_TRANSPORT: "resend",
      RESEND_API_KEY: "re_123",
      EMAIL_FROM: "Herald <notifications@example.com>",
      RESEND_API_URL: "http://resend.test/v1//",
    });
    expect(email).toEqual({
      transport: "resend",
      resend: { apiKey: "re_123", from: "Herald <notifications@example.com>", apiUrl: "http://resend.test/v1" },
    });
  });

  it("defaults RESEND_API_URL to Resend's API", () => {
    const { email } = parseSettings({
      ...MINIMAL,
      EMAIL_TRANSPORT: "resend",
      RESEND_API_KEY: "k",
      EMAIL_FROM: "a@b.io",
    });
    expect(email).toMatchObject({ resend: { apiUrl: "https://api.resend.com", from: "a@b.io" } });
  });

  it("captures with EMAIL_TRANSPORT=capture, whatever Resend variables are set", () => {
    expect(parseSettings({ ...MINIMAL, EMAIL_TRANSPORT: "capture", EMAIL_FROM: "a@b.io" }).email).toEqual({
      transport: "capture",
    });
  });

  it.each([
    [{ EMAIL_TRANSPORT: "smtp" }, /^invalid setting EMAIL_TRANSPORT: expected "capture" or "resend", got "smtp"$/],
    [
      { EMAIL_TRANSPORT: "resend", EMAIL_FROM: "a@b.io" },
      /^invalid setting RESEND_API_KEY: required with EMAIL_TRANSPORT=resend$/,
    ],
    [
      { EMAIL_TRANSPORT: "resend", RESEND_API_KEY: "k" },
      /^invalid setting EMAIL_FROM: required with EMAIL_TRANSPORT=resend/,
    ],
    [{ EMAIL_TRANSPORT: "resend" }, /^invalid settings: RESEND_API_KEY: required .*; EMAIL_FROM: required/],
    [{ EMAIL_FROM: "Herald" }, /^invalid setting EMAIL_FROM: expected an address or "Name <address>", got "Herald"$/],
    [{ EMAIL_FROM: "Herald <not-an-address>" }, /^invalid setting EMAIL_FROM: /],
    [
      { RESEND_API_URL: "api.resend.com" },
      /^invalid setting RESEND_API_URL: expected an http\(s\) URL, got "api.resend.com"$/,
    ],
    [{ RESEND_API_URL: "ftp://resend.test" }, /^invalid setting RESEND_API_URL: /],
  ])("refuses %j, naming the variable", (env, message) => {
    expectRefused(env, message);
  });
});

describe("parseSettings: RESEND_WEBHOOK_SECRET", () => {
  it("reads a whsec_ secret", () => {
    expect(parseSettings({ ...MINIMAL, RESEND_WEBHOOK_SECRET: WHSEC }).resendWebhookSecret).toBe(WHSEC);
  });

  it("refuses one that does not decode, without repeating it", () => {
    const { message } = failure({ ...MINIMAL, RESEND_WEBHOOK_SECRET: "whsec_not base64!" });
    expect(message).toMatch(/^invalid setting RESEND_WEBHOOK_SECRET: expected whsec_ and base64/);
    expect(message).not.toContain("not base64!");
  });
});
