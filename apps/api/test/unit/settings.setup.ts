import { expect } from "vitest";
import { parseSettings, SettingsError } from "../../src/settings";

// The shared set-up of the settings.*.test.ts files.

export const KEY_A = "Hrn4oHEgYoQKaqlJoYq2gWQUD6FpAtmq0E6kueCu8kA=";
export const KEY_B = "w74pWnT+5P/ENQ7kL4JS+vZym0aqeJV2/l5BF67oTDA=";
export const WHSEC = "whsec_Zhn/eA7F+wJEMaGujpiLymnXulxayjvJnr96UHo3zTY=";

/** The least a deployment sets. */
export const MINIMAL = {
  LIBSQL_URL: "libsql://herald-acme.turso.io",
  AUTH_TOKEN_SECRET: "token-secret-0123456789abcdef",
};

/** The SettingsError `env` fails with (and that it fails with one). */
export function failure(env: Record<string, unknown>): SettingsError {
  try {
    parseSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return error as SettingsError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

export function expectRefused(env: Record<string, unknown>, message: RegExp): void {
  const { message: line } = failure({ ...MINIMAL, ...env });
  expect(line).toMatch(message);
  expect(line).not.toContain("\n");
}
