// The signed-in session: the AIMS token and its account, in memory and in sessionStorage (one tab, gone when the tab
// closes), never in a URL. Signing out removes both.
import { createHeraldClient, type HeraldClient, type Schemas, signInWithPortalCode } from "@herald/client";

/** A session from a portal link: what it may do (Herald enforces it; the console hides what it cannot use). */
export interface PortalGrant {
  linkId: string;
  role: "read" | "write";
  /** Limited to these integrations; absent: the whole account. */
  integrationIds?: string[];
  /** Rendered for an iframe: compact header, no sign out. */
  embed: boolean;
}

export interface Session {
  token: string;
  accountId: string;
  accountName: string;
  userName: string;
  /** ms since the epoch. */
  expiresAt: number;
  /** Present when the session came from a portal link. */
  portal?: PortalGrant;
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
  return sessionOf(authentication);
}

/**
 * Signs in with a portal link's single-use code (`signInWithPortalCode`); `embed` is the URL's (`embed=1`) or the
 * link's own. Throws Herald's error (404 portal_code_unknown, 410 portal_code_used / portal_code_expired).
 */
export async function signInWithPortal(code: string, embed: boolean): Promise<Session> {
  const { session } = await signInWithPortalCode({ baseUrl: location.origin, code, retries: 0 });
  const { authentication, portal } = session;
  return {
    ...sessionOf(authentication),
    portal: {
      linkId: portal.link_id,
      role: portal.role,
      ...(portal.integration_ids ? { integrationIds: portal.integration_ids } : {}),
      embed: embed || portal.embed,
    },
  };
}

/** The typed client every page uses: the session's token and account, same origin. */
export function clientFor(session: Session): HeraldClient {
  return createHeraldClient({ baseUrl: location.origin, token: session.token, accountId: session.accountId });
}

/** What a session keeps of a login's answer (`authenticate`'s, or a portal session's). */
function sessionOf(authentication: Schemas["Authenticate-Response"]["authentication"]): Session {
  return {
    token: authentication.token,
    accountId: authentication.account.id,
    accountName: authentication.account.name,
    userName: authentication.user.name,
    expiresAt: authentication.token_expiration * 1000,
  };
}
