import type { HeraldClient } from "@herald/client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { clientFor, loadSession, type Session, storeSession } from "./session";

interface Auth {
  session: Session | undefined;
  client: HeraldClient | undefined;
  setSession: (session: Session) => void;
  signOut: () => void;
  /** The tab's portal session ended (expiry, refusal or Sign out): there is no access key to sign in with again. */
  portalEnded: boolean;
}

const AuthContext = createContext<Auth | undefined>(undefined);

/** Dispatched on window when Herald answers 401 to a signed-in call (main.tsx): the session is over. */
export const UNAUTHORIZED_EVENT = "herald:unauthorized";

export function AuthProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [session, setState] = useState<Session | undefined>(loadSession);
  const [portalEnded, setPortalEnded] = useState(false);
  const setSession = useCallback((next: Session) => {
    storeSession(next);
    setPortalEnded(false);
    setState(next);
  }, []);
  const signOut = useCallback(() => {
    storeSession(undefined);
    queries.clear();
    if (session?.portal) setPortalEnded(true);
    setState(undefined);
  }, [queries, session]);
  // The token is not renewed (the secret is not kept): the session ends when it expires, or when Herald refuses it.
  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(signOut, Math.max(0, session.expiresAt - Date.now()));
    window.addEventListener(UNAUTHORIZED_EVENT, signOut);
    return () => {
      clearTimeout(timer);
      window.removeEventListener(UNAUTHORIZED_EVENT, signOut);
    };
  }, [session, signOut]);
  const client = useMemo(() => (session ? clientFor(session) : undefined), [session]);
  const value = useMemo(
    () => ({ session, client, setSession, signOut, portalEnded }),
    [session, client, setSession, signOut, portalEnded],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth outside AuthProvider");
  return auth;
}

/** The signed-in client (pages under the signed-in layout only). */
export function useClient(): HeraldClient {
  const { client } = useAuth();
  if (!client) throw new Error("not signed in");
  return client;
}

/** What the signed-in session may use: everything for an access key; a portal session's role and scope limit it. */
export interface Permissions {
  /** Changes anything (retry, save, test, pause...): not with a portal session's read role. */
  write: boolean;
  /** The Subscriptions page: not for a portal session limited to some integrations. */
  subscriptions: boolean;
  /** Creates and deletes integrations: never a portal session. */
  manageIntegrations: boolean;
  /** Reads the account's users (to name e-mail destinations): not for a scoped portal session. */
  users: boolean;
}

export function usePermissions(): Permissions {
  const { session } = useAuth();
  const portal = session?.portal;
  if (!portal) return { write: true, subscriptions: true, manageIntegrations: true, users: true };
  const scoped = portal.integrationIds !== undefined;
  return { write: portal.role === "write", subscriptions: !scoped, manageIntegrations: false, users: !scoped };
}
