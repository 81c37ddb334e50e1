import { pingDatabase } from "@herald/db";
import type { Services } from "../env";

/**
 * Readiness: Herald can serve only while its database answers. A database that cannot be reached throws the same
 * error every route meets, so the answer is the same 503 `service_unavailable` with `Retry-After`.
 */
export async function checkReady(services: Services): Promise<{ status: "ready" }> {
  await pingDatabase(services.db);
  return { status: "ready" };
}
