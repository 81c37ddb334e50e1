import type { HeraldClient } from "@herald/client";
import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { clientFor, loadSession, type Session, storeSession } from "./session";

interface Auth {
  session: Session | undefined;
  client: HeraldClient | undefined;
  setSession: (session: Session) => void;
  signOut: () => void;
}

const AuthContext = createContext<Auth | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const [session, setState] = useState<Session | undefined>(loadSession);
  const setSession = useCallback((next: Session) => {
    storeSession(next);
    setState(next);
  }, []);
  const signOut = useCallback(() => {
    storeSession(undefined);
    queries.clear();
    setState(undefined);
  }, [queries]);
  const client = useMemo(() => (session ? clientFor(session) : undefined), [session]);
  const value = useMemo(() => ({ session, client, setSession, signOut }), [session, client, setSession, signOut]);
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
