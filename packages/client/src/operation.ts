// What the generated operation methods (src/generated/operations.ts) and the client that runs them agree on.
import type { OperationName, OperationResult } from "./types.js";

/** Per call: cancel it, or add headers. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** Per call on an account (`/herald/v2/{account_id}/...`): also another account than the client's. */
export interface AccountCallOptions extends CallOptions {
  accountId?: string;
}

/** Per call of an operation that takes an `Idempotency-Key` header. */
export interface IdempotencyOptions {
  /**
   * An `Idempotency-Key`: a repeat with the same key answers the first result, so the call is retried like a GET.
   * `true` makes a random one for this call. Without it, the call is never retried.
   */
  idempotencyKey?: string | true;
}

/** How an operation is called, from the OpenAPI document. */
export interface OperationInfo {
  method: "GET" | "PUT" | "POST" | "DELETE" | "PATCH";
  /** The path template, e.g. `/herald/v2/{account_id}/subscriptions/{subscription_id}`. */
  path: string;
  pathParams: readonly string[];
  /** Has `{account_id}`: filled with the client's account unless the call's options name another. */
  accountScoped: boolean;
  /** Sends the client's token (`x-aims-auth-token`). */
  sendsToken: boolean;
  /** Takes an `Idempotency-Key` header, from the `idempotencyKey` option. */
  idempotent: boolean;
  successStatuses: readonly number[];
  /** The client method that calls it. */
  methodName: string;
}

/** The arguments of one call, as the generated methods pass them on (account_id is added by the client). */
export interface OperationInput {
  path?: Record<string, string>;
  query?: object;
  body?: unknown;
  header?: Record<string, string>;
}

export type OperationCall = <N extends OperationName>(
  operation: N,
  input: OperationInput,
  options: (AccountCallOptions & IdempotencyOptions) | undefined,
) => Promise<OperationResult<N>>;
