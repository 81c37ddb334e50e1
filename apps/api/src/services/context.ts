import type { AuthContext } from "../auth/auth-context";
import type { Services } from "../env";

/** What a service verb acts with: the request's dependencies and the verified caller. */
export interface ServiceContext {
  services: Services;
  auth: AuthContext;
}

/** `created`/`modified` stamps on the wire: epoch seconds and the acting user. */
export function stamp(atMs: number, by: string) {
  return { at: Math.floor(atMs / 1000), by };
}
