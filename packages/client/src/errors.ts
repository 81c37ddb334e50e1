import { type ErrorCode, VALIDATION_ERROR_CODES, type ValidationErrorCode } from "./generated/error-codes.js";
import type { FailedSubscriber, OperationName, Schemas, UnprocessedItem } from "./types.js";

/** A Herald error body: `{error, details?, path?, request_id?}`, plus the fields some operations add. */
export type HeraldErrorBody = Schemas["Error"] & {
  subscribers_failed?: FailedSubscriber[];
  unprocessed_items?: UnprocessedItem[];
};

/** Herald answered an operation with a non-2xx status. */
export class HeraldError extends Error {
  override readonly name = "HeraldError";
  readonly status: number;
  readonly body: HeraldErrorBody;
  readonly operation: OperationName;
  readonly headers: Headers;

  constructor(init: { operation: OperationName; status: number; body: HeraldErrorBody; headers?: Headers }) {
    const { operation, status, body } = init;
    const details = Array.isArray(body.details) ? body.details.join("; ") : body.details;
    super(`${operation} answered ${status} ${body.error}${details ? `: ${details}` : ""}`);
    this.operation = operation;
    this.status = status;
    this.body = body;
    this.headers = init.headers ?? new Headers();
  }

  /** The error code, e.g. `missing_required_property`: one of ERROR_CODES, or a newer one. */
  get code(): ErrorCode | (string & {}) {
    return this.body.error;
  }

  /** Herald's id of the request, for support. */
  get requestId(): string | undefined {
    return this.body.request_id ?? this.headers.get("x-request-id") ?? undefined;
  }

  /**
   * The error of `response`. `parsed` is its body as JSON when it was; anything that is not Herald's shape (a
   * proxy's HTML page, say) becomes `{error: "unexpected_response", details: <the start of the text>}`.
   */
  static fromResponse(operation: OperationName, response: Response, parsed: unknown): HeraldError {
    const body: HeraldErrorBody = isErrorBody(parsed)
      ? parsed
      : { error: "unexpected_response", details: String(parsed ?? "").slice(0, 500) || response.statusText };
    return new HeraldError({ operation, status: response.status, body, headers: response.headers });
  }
}

function isErrorBody(value: unknown): value is HeraldErrorBody {
  return typeof value === "object" && value !== null && typeof (value as { error?: unknown }).error === "string";
}

/** True for an error Herald answered (also across copies of this package, which `instanceof` would miss). */
export function isHeraldError(value: unknown): value is HeraldError {
  return (
    value instanceof HeraldError ||
    (value instanceof Error &&
      value.name === "HeraldError" &&
      typeof (value as Partial<HeraldError>).status === "number" &&
      isErrorBody((value as Partial<HeraldError>).body))
  );
}

/** Herald refused the request as invalid: `missing_required_property`, `wrong_type`, `invalid_value`, ... */
export function isValidationError(
  value: unknown,
): value is HeraldError & { body: HeraldErrorBody & { error: ValidationErrorCode } } {
  return (
    isHeraldError(value) &&
    value.status === 400 &&
    (VALIDATION_ERROR_CODES as readonly string[]).includes(value.body.error)
  );
}

/** Some subscribers were rejected (create_subscription, batch_update_subscribers): see `body.subscribers_failed`. */
export function isSubscribersFailed(
  value: unknown,
): value is HeraldError & { body: HeraldErrorBody & { subscribers_failed: FailedSubscriber[] } } {
  return isHeraldError(value) && Array.isArray(value.body.subscribers_failed);
}

/** A batch delete left some subscriptions: see `body.unprocessed_items`. */
export function isPartialDeletion(
  value: unknown,
): value is HeraldError & { body: HeraldErrorBody & { error: "delete_failed"; unprocessed_items: UnprocessedItem[] } } {
  return isHeraldError(value) && value.body.error === "delete_failed" && Array.isArray(value.body.unprocessed_items);
}
