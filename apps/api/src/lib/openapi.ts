import { HeraldError } from "@herald/contracts";
import type { ZodType } from "zod";

const ERROR_DESCRIPTIONS = {
  400: "Bad request: the body or a parameter is invalid",
  401: "No token, or an invalid or expired one",
  403: "The token does not grant this operation on this account",
  404: "Not found",
  409: "Conflict with the current state",
  413: "The request body is larger than 256 KiB",
  410: "Gone: no longer usable",
  415: "The request body is not JSON",
  422: "The Idempotency-Key was used with another request body",
  500: "Unexpected error; the request id identifies it in the logs",
  503: "The database is unavailable; retry after the Retry-After delay",
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

export function jsonContent<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

/** Herald's error responses for a route; 401, 500 and 503 can answer any authenticated route. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  const all = [...new Set<ErrorStatus>([...statuses, 401, 500, 503])];
  return Object.fromEntries(
    all.map((status) => [status, jsonContent(HeraldError, ERROR_DESCRIPTIONS[status])]),
  ) as Record<S | 401 | 500 | 503, ReturnType<typeof jsonContent<typeof HeraldError>>>;
}

export const SECURITY = [{ "X-AIMS-Auth-Token": [] }];

/**
 * Marks an operation that the OpenAPI document describes but the generated client leaves out (the older paths kept for
 * Alert Logic's console client): packages/client/scripts/generate.ts skips operations whose `x-herald-client` is false.
 */
export const NOT_IN_CLIENT = { "x-herald-client": false } as const;
