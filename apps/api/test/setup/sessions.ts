// Logging in, shared by every workerd test file: the sessions a file needs, named once at its top.
import type { HeraldClient } from "@herald/client";
import { beforeAll } from "vitest";
import { ACME, ACME_READER, ACME_WRITER, type Credentials, DORMANT, GLOBEX, HOSTILE, PLATFORM } from "../common";
import { heraldAs, type Session, session } from "../helpers";

/** An access key of a seeded account (ACME, GLOBEX, ACME_READER, ... in common.ts). */
export type AccountKey = Credentials & { accountId: string };

/** A logged-in session with the typed client acting as it (`herald`), for the calls a test expects to succeed. */
export interface SignedIn extends Session {
  herald: HeraldClient;
}

/** The seeded keys by the names tests give their sessions. */
export const SEEDED_KEYS = {
  acme: ACME,
  globex: GLOBEX,
  platform: PLATFORM,
  reader: ACME_READER,
  writer: ACME_WRITER,
  dormant: DORMANT,
  hostile: HOSTILE,
} as const satisfies Record<string, AccountKey>;

export type SeededName = keyof typeof SEEDED_KEYS;

/**
 * One session per named key, logged in together before the file's tests. The sessions are filled in place, so a file
 * can destructure them at its top: `const { acme, globex } = signedIn("acme", "globex")` for seeded keys
 * (SEEDED_KEYS), or `signedIn({ acme: ACME, other: SOME_KEY })` for keys under names of the file's choosing.
 */
export function signedIn<const Name extends SeededName>(...names: Name[]): Record<Name, SignedIn>;
export function signedIn<const Name extends string>(keys: Record<Name, AccountKey>): Record<Name, SignedIn>;
export function signedIn(...args: [Record<string, AccountKey>] | SeededName[]): Record<string, SignedIn> {
  const keys: Record<string, AccountKey> =
    typeof args[0] === "string"
      ? Object.fromEntries((args as SeededName[]).map((name) => [name, SEEDED_KEYS[name]]))
      : (args[0] ?? {});
  const entries = Object.entries(keys).map(([name, key]) => {
    const filled = { token: "", userId: "", accountId: key.accountId } as SignedIn;
    return { name, key, filled };
  });
  beforeAll(async () => {
    await Promise.all(
      entries.map(async ({ key, filled }) => {
        const signed = await session(key);
        Object.assign(filled, signed, { herald: heraldAs(signed) });
      }),
    );
  });
  return Object.fromEntries(entries.map(({ name, filled }) => [name, filled]));
}
