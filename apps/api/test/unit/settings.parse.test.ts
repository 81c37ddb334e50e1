import { describe, expect, it } from "vitest";
import { consolePageHeaders } from "../../src/routes/console/console.index";
import { DEFAULTS, parseSettings, parseWholeNumber } from "../../src/settings";
import { expectRefused, failure, MINIMAL } from "./settings.setup";

// The deployment's variables: defaults, what is required, the database, numbers, the retry schedule, loopback
// targets and the console's frame ancestors.

describe("parseSettings: defaults", () => {
  it("gives every optional variable its default", () => {
    const settings = parseSettings(MINIMAL);
    expect(settings).toEqual({
      database: { url: MINIMAL.LIBSQL_URL, authToken: undefined, timeoutMs: 10_000 },
      tokens: { keys: { current: MINIMAL.AUTH_TOKEN_SECRET, previous: undefined }, ttlSeconds: 21_600 },
      encryption: undefined,
      allowLoopbackTargets: false,
      delivery: {
        retryScheduleSeconds: [5, 300, 1800, 7200, 18000, 36000, 36000],
        webhookTimeoutMs: 15_000,
        signingSecretOverlapMs: 86_400_000,
        concurrency: 6,
      },
      sweepGraceMs: 120_000,
      email: { transport: "capture" },
      resendWebhookSecret: undefined,
      consoleFrameAncestors: [],
    });
  });

  it("counts a variable set to nothing as unset", () => {
    const blank = {
      LIBSQL_AUTH_TOKEN: "",
      LIBSQL_TIMEOUT_MS: "",
      AUTH_TOKEN_PREVIOUS_SECRET: " ",
      AUTH_TOKEN_TTL_SECONDS: "",
      ENCRYPTION_KEY: "",
      ENCRYPTION_KEY_ID: "",
      ALLOW_LOOPBACK_TARGETS: "",
      DELIVERY_RETRY_SCHEDULE: "   ",
      DELIVERY_CONCURRENCY: "",
      WEBHOOK_TIMEOUT_MS: "",
      SWEEP_GRACE_SECONDS: "",
      SIGNING_SECRET_OVERLAP_SECONDS: "",
      EMAIL_TRANSPORT: "",
      EMAIL_FROM: "",
      RESEND_API_URL: "",
      RESEND_WEBHOOK_SECRET: "",
    };
    expect(parseSettings({ ...MINIMAL, ...blank })).toEqual(parseSettings(MINIMAL));
  });

  it("hands out a retry schedule a caller may change without changing the default", () => {
    parseSettings(MINIMAL).delivery.retryScheduleSeconds.push(1);
    expect(DEFAULTS.DELIVERY_RETRY_SCHEDULE).toHaveLength(7);
    expect(Object.isFrozen(DEFAULTS.DELIVERY_RETRY_SCHEDULE)).toBe(true);
  });

  it("ignores variables it does not know (a host's own, the tests')", () => {
    expect(parseSettings({ ...MINIMAL, TEST_DB_PATH: "/tmp/x", QUEUE_BATCH_TIMEOUT_MS: "abc" })).toEqual(
      parseSettings(MINIMAL),
    );
  });
});

describe("parseSettings: required variables", () => {
  it("names LIBSQL_URL when it is missing", () => {
    expect(failure({ AUTH_TOKEN_SECRET: "x" }).message).toMatch(/^invalid setting LIBSQL_URL: required/);
  });

  it("names AUTH_TOKEN_SECRET when it is missing", () => {
    expect(failure({ LIBSQL_URL: MINIMAL.LIBSQL_URL }).message).toMatch(/^invalid setting AUTH_TOKEN_SECRET: required/);
  });

  it("names every variable at fault, in one line", () => {
    const { message } = failure({ WEBHOOK_TIMEOUT_MS: "abc" });
    expect(message).toMatch(/^invalid settings: /);
    expect(message).toContain("LIBSQL_URL: required");
    expect(message).toContain("AUTH_TOKEN_SECRET: required");
    expect(message).toContain('WEBHOOK_TIMEOUT_MS: expected a whole number of milliseconds > 0, got "abc"');
    expect(message).not.toContain("\n");
  });
});

describe("parseSettings: the database", () => {
  it.each([
    "libsql://db.turso.io",
    "http://libsql.test",
    "https://sqld.example.com:8080",
    "wss://x.io",
    "file:/var/herald.db",
    ":memory:",
  ])("takes LIBSQL_URL %s", (url) => {
    expect(parseSettings({ ...MINIMAL, LIBSQL_URL: url }).database.url).toBe(url);
  });

  it.each(["turso.io/db", "ftp://db.example.com", "not a url"])("refuses LIBSQL_URL %j", (url) => {
    expectRefused({ LIBSQL_URL: url }, /^invalid setting LIBSQL_URL: expected a libsql:.* got "/);
  });

  it("passes LIBSQL_AUTH_TOKEN and LIBSQL_TIMEOUT_MS through", () => {
    const { database } = parseSettings({ ...MINIMAL, LIBSQL_AUTH_TOKEN: "tok", LIBSQL_TIMEOUT_MS: "250" });
    expect(database).toEqual({ url: MINIMAL.LIBSQL_URL, authToken: "tok", timeoutMs: 250 });
  });
});

// Every whole-number variable: the value it gives, and the garbage it refuses by name (no silent default any more).
const NUMBERS = [
  ["LIBSQL_TIMEOUT_MS", "milliseconds", (s: ReturnType<typeof parseSettings>) => s.database.timeoutMs, 1],
  ["AUTH_TOKEN_TTL_SECONDS", "seconds", (s: ReturnType<typeof parseSettings>) => s.tokens.ttlSeconds, 1],
  ["DELIVERY_CONCURRENCY", "calls", (s: ReturnType<typeof parseSettings>) => s.delivery.concurrency, 1],
  ["WEBHOOK_TIMEOUT_MS", "milliseconds", (s: ReturnType<typeof parseSettings>) => s.delivery.webhookTimeoutMs, 1],
  ["SWEEP_GRACE_SECONDS", "seconds", (s: ReturnType<typeof parseSettings>) => s.sweepGraceMs, 1000],
  [
    "SIGNING_SECRET_OVERLAP_SECONDS",
    "seconds",
    (s: ReturnType<typeof parseSettings>) => s.delivery.signingSecretOverlapMs,
    1000,
  ],
] as const;

describe.each(NUMBERS)("parseSettings: %s", (name, unit, read, scale) => {
  it.each([
    ["42", 42],
    [" 7 ", 7],
    [42, 42],
  ])("reads %j", (value, expected) => {
    expect(read(parseSettings({ ...MINIMAL, [name]: value }))).toBe(expected * scale);
  });

  it.each(["abc", "0", "-5", "1.5", "1e3", "0x10", "15s", "99999999999999999999"])("refuses %j, naming it", (value) => {
    expectRefused(
      { [name]: value },
      new RegExp(`^invalid setting ${name}: expected a whole number of ${unit} > 0, got ${JSON.stringify(value)}$`),
    );
  });
});

describe("parseSettings: DELIVERY_RETRY_SCHEDULE", () => {
  it.each<[string, number[]]>([
    ["60", [60]],
    ["1,2,3", [1, 2, 3]],
    [" 0 , 30 ,86400 ", [0, 30, 86400]],
  ])("reads %j as %j", (text, expected) => {
    expect(parseSettings({ ...MINIMAL, DELIVERY_RETRY_SCHEDULE: text }).delivery.retryScheduleSeconds).toEqual(
      expected,
    );
  });

  it.each([
    ["abc", '"abc"'],
    ["5,,10", '""'],
    ["5,", '""'],
    ["1.5", '"1.5"'],
    ["-5", '"-5"'],
    ["1e3", '"1e3"'],
    ["86401", '"86401"'],
    ["5;300", '"5;300"'],
  ])("refuses %j, naming the entry", (text, entry) => {
    expectRefused(
      { DELIVERY_RETRY_SCHEDULE: text },
      new RegExp(
        `^invalid setting DELIVERY_RETRY_SCHEDULE: expected comma-separated whole numbers of seconds from 0 to 86400 .*24 h.*, where ${entry.replace(/[.+]/g, "\\$&")} is not one$`,
      ),
    );
  });
});

describe("parseSettings: ALLOW_LOOPBACK_TARGETS", () => {
  it.each([
    ["true", true],
    ["false", false],
  ])("reads %j", (value, expected) => {
    expect(parseSettings({ ...MINIMAL, ALLOW_LOOPBACK_TARGETS: value }).allowLoopbackTargets).toBe(expected);
  });

  it.each(["yes", "1", "TRUE"])("refuses %j, naming it", (value) => {
    expectRefused(
      { ALLOW_LOOPBACK_TARGETS: value },
      new RegExp(`^invalid setting ALLOW_LOOPBACK_TARGETS: expected "true" or "false", got "${value}"$`),
    );
  });
});

describe("parseSettings: CONSOLE_FRAME_ANCESTORS", () => {
  it("reads origins separated by spaces or commas", () => {
    const settings = parseSettings({
      ...MINIMAL,
      CONSOLE_FRAME_ANCESTORS: " https://portal.example.com, https://*.acme.example:8443  http://localhost:3000",
    });
    expect(settings.consoleFrameAncestors).toEqual([
      "https://portal.example.com",
      "https://*.acme.example:8443",
      "http://localhost:3000",
    ]);
  });

  it.each([
    "*",
    "'self'",
    "portal.example.com",
    "https://portal.example.com/app",
    "https://portal.example.com;script-src",
  ])("refuses %j, naming it", (value) => {
    expectRefused(
      { CONSOLE_FRAME_ANCESTORS: `https://ok.example ${value}` },
      /^invalid setting CONSOLE_FRAME_ANCESTORS: expected origins such as https:\/\/portal\.example\.com/,
    );
  });
});

describe("the console page's headers", () => {
  it("let no page frame the console unless CONSOLE_FRAME_ANCESTORS names it", () => {
    const closed = consolePageHeaders([]);
    expect(closed["content-security-policy"]).toMatch(/; frame-ancestors 'none'$/);
    expect(closed["x-frame-options"]).toBe("DENY");
    const open = consolePageHeaders(["https://portal.example.com", "https://*.acme.example"]);
    expect(open["content-security-policy"]).toMatch(
      /; frame-ancestors https:\/\/portal\.example\.com https:\/\/\*\.acme\.example$/,
    );
    expect(open["x-frame-options"]).toBeUndefined();
  });
});

describe("parseWholeNumber", () => {
  it("reads a host's own variable by the same rule", () => {
    expect(parseWholeNumber({ QUEUE_BATCH_TIMEOUT_MS: "5" }, "QUEUE_BATCH_TIMEOUT_MS", "milliseconds", 20)).toBe(5);
    expect(parseWholeNumber({}, "QUEUE_BATCH_TIMEOUT_MS", "milliseconds", 20)).toBe(20);
    expect(() =>
      parseWholeNumber({ QUEUE_BATCH_TIMEOUT_MS: "x" }, "QUEUE_BATCH_TIMEOUT_MS", "milliseconds", 20),
    ).toThrow('invalid setting QUEUE_BATCH_TIMEOUT_MS: expected a whole number of milliseconds > 0, got "x"');
  });
});
