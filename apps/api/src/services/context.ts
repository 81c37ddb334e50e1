import type { AuthContext } from "../auth/auth-context";
import type { Services } from "../env";

/** What a service verb acts with: the request's dependencies and the verified caller. */
export interface ServiceContext {
  services: Services;
  auth: AuthContext;
}
