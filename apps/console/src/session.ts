// The signed-in session: the AIMS token and its account, in memory and in sessionStorage (one tab, gone when the tab
// closes), never in a URL. Signing out removes both.
import { createHeraldClient, type HeraldClient } from "@herald/client";

export interface Session {
  token: string;
  accountId: string;
  accountName: string;
  userName: string;
  /** ms since the epoch. */
  expiresAt: number;
}

const STORAGE_KEY = "herald.console.session";

export function loadSession(): Session | undefined {
  try {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (!stored) return undefined;
    const session = JSON.parse(stored) as Session;
    if (typeof session.token !== "string" || session.expiresAt <= Date.now()) {
      sessionStorage.removeItem(STORAGE_KEY);
      return undefined;
    }
    return session;
  } catch {
    return undefined;
  }
}

export function storeSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(STORAGE_KEY);
}

/** Logs in with an access key (`authenticate`, HTTP Basic); the secret is not kept. */
export async function signIn(accessKeyId: string, secretKey: string): Promise<Session> {
  const login = createHeraldClient({ baseUrl: location.origin, accessKeyId, secretKey, retries: 0 });
  const { authentication } = await login.authenticate({ accessKeyId, secretKey });
  return {
    token: authentication.token,
    accountId: authentication.account.id,
    accountName: authentication.account.name,
    userName: authentication.user.name,
    expiresAt: authentication.token_expiration * 1000,
  };
}

/** The typed client every page uses: the session's token and account, same origin. */
export function clientFor(session: Session): HeraldClient {
  return createHeraldClient({ baseUrl: location.origin, token: session.token, accountId: session.accountId });
}
