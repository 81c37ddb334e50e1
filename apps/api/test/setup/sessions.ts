// Logging in, shared by every workerd test file: the sessions a file needs, named once at its top.
import type { HeraldClient } from "@herald/client";
import { beforeAll } from "vitest";
import type { Credentials } from "../common";
import { heraldAs, type Session, session } from "../helpers";

/** An access key of a seeded account (ACME, GLOBEX, ACME_READER, ... in common.ts). */
export type AccountKey = Credentials & { accountId: string };

/** A logged-in session with the typed client acting as it (`herald`), for the calls a test expects to succeed. */
export interface SignedIn extends Session {
  herald: HeraldClient;
}

/**
 * One session per named key, logged in together before the file's tests. The sessions are filled in place, so a file
 * can destructure them at its top: `const { acme, globex } = signedIn({ acme: ACME, globex: GLOBEX })`.
 */
export function signedIn<const Name extends string>(keys: Record<Name, AccountKey>): Record<Name, SignedIn> {
  const entries = Object.entries(keys) as [Name, AccountKey][];
  const sessions = Object.fromEntries(
    entries.map(([name, key]) => [name, { token: "", userId: "", accountId: key.accountId }]),
  ) as Record<Name, SignedIn>;
  beforeAll(async () => {
    await Promise.all(
      entries.map(async ([name, key]) => {
        const signed = await session(key);
        Object.assign(sessions[name], signed, { herald: heraldAs(signed) });
      }),
    );
  });
  return sessions;
}
