import { type CommonOptions, createHeraldClient, type HeraldClient } from "./client.js";
import type { OperationResult } from "./types.js";

export type PortalSession = OperationResult<"create_portal_session">;

/**
 * Signs in with a portal link's code (the `code` in its URL's fragment): exchanges it once
 * (`create_portal_session`, no credentials of one's own) and answers the session and a client that sends its token,
 * defaulting to its account. The code is single-use: a second exchange throws a `HeraldError` with
 * `portal_code_used` (410), an expired one `portal_code_expired` (410), an unknown one `portal_code_unknown` (404).
 */
export async function signInWithPortalCode(
  options: CommonOptions & { code: string },
): Promise<{ session: PortalSession; client: HeraldClient }> {
  const { code, ...common } = options;
  // The exchange sends no token (its operation declares none), so this client's empty one is never used.
  const anonymous = createHeraldClient({ ...common, token: "" });
  const session = await anonymous.createPortalSession({ code });
  const client = createHeraldClient({
    ...common,
    token: session.authentication.token,
    accountId: session.authentication.account.id,
  });
  return { session, client };
}
