import type { TokenSource } from "./transport.js";

/** A token, the account it acts on, and when it expires (ms since the epoch). */
export interface Session {
  token: string;
  accountId: string;
  expiresAt: number;
}

/** Renew this long before the token expires, unless the token lives less than twice as long. */
export const DEFAULT_RENEW_BEFORE_MS = 60_000;

/**
 * Sessions from `login`, renewed shortly before they expire. Concurrent callers share one login; a failed login is
 * not cached, so the next call tries again.
 */
export function loginSessions(
  login: () => Promise<Session>,
  options: { now: () => number; renewBeforeMs?: number },
): TokenSource & { session(): Promise<Session> } {
  let current: { session: Session; renewAt: number } | undefined;
  let pending: Promise<Session> | undefined;

  function fresh(): Promise<Session> {
    pending ??= (async () => {
      const startedAt = options.now();
      try {
        const session = await login();
        const lifetime = session.expiresAt - startedAt;
        const margin = Math.min(options.renewBeforeMs ?? DEFAULT_RENEW_BEFORE_MS, lifetime / 2);
        current = { session, renewAt: session.expiresAt - margin };
        return session;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  }

  async function session(): Promise<Session> {
    if (current && options.now() < current.renewAt) return current.session;
    return fresh();
  }

  return {
    session,
    token: async () => (await session()).token,
    invalidate() {
      current = undefined;
      return true;
    },
  };
}

/** A token given by the caller: never renewed. */
export function fixedToken(token: string): TokenSource {
  return { token: async () => token, invalidate: () => false };
}
