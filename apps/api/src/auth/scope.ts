import { ApiError } from "../errors";
import type { AuthContext } from "./auth-context";

/**
 * The integration scope of a caller: the ids of the integrations a portal session limited to some integrations may
 * see and change, or undefined when nothing limits it (an access key's token, or a portal session for the whole
 * account). Services and repositories filter by it; middleware/portal.ts decides which routes a portal session
 * reaches at all.
 */
export function integrationScope(auth: AuthContext): readonly string[] | undefined {
  return auth.portal?.integrationIds ?? undefined;
}

/** Whether the caller may see the integration (or, for a leg, the destination) `id`. */
export function inScope(auth: AuthContext, id: string): boolean {
  const scope = integrationScope(auth);
  return scope === undefined || scope.includes(id.toUpperCase());
}

/**
 * Throws the 404 the caller would get if the integration did not exist, when it is outside their scope: a scoped
 * session learns nothing about the account's other integrations.
 */
export function requireInScope(auth: AuthContext, id: string, what: string): void {
  if (!inScope(auth, id)) throw ApiError.notFound(what);
}

/** The items the caller may see, by their integration (or leg destination) id. */
export function withinScope<T>(auth: AuthContext, items: readonly T[], idOf: (item: T) => string): T[] {
  const scope = integrationScope(auth);
  return scope === undefined ? [...items] : items.filter((item) => scope.includes(idOf(item)));
}
