// Logging in, shared by every workerd test file: the sessions a file needs, named once at its top.
import { beforeAll } from "vitest";
import type { Credentials } from "../common";
import { type Session, session } from "../helpers";

/** An access key of a seeded account (ACME, GLOBEX, ACME_READER, ... in common.ts). */
export type AccountKey = Credentials & { accountId: string };

/**
 * One session per named key, logged in together before the file's tests. The sessions are filled in place, so a file
 * can destructure them at its top: `const { acme, globex } = signedIn({ acme: ACME, globex: GLOBEX })`.
 */
export function signedIn<const Name extends string>(keys: Record<Name, AccountKey>): Record<Name, Session> {
  const entries = Object.entries(keys) as [Name, AccountKey][];
  const sessions = Object.fromEntries(
    entries.map(([name, key]) => [name, { token: "", userId: "", accountId: key.accountId }]),
  ) as Record<Name, Session>;
  beforeAll(async () => {
    await Promise.all(entries.map(async ([name, key]) => Object.assign(sessions[name], await session(key))));
  });
  return sessions;
}
