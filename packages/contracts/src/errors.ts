import { z } from "./zod";

// Herald's error shape on the wire: `{error, details?, path?}`, fixed by Alert Logic's definition.

/** The codes of a request refused as invalid (400): what `isValidationError` in the client checks for. */
export const ValidationErrorCode = z
  .enum([
    "invalid_json",
    "invalid_json_schema",
    "missing_required_property",
    "wrong_type",
    "invalid_value",
    "unknown_property",
    "invalid_search_parameters",
  ])
  .openapi("Validation-Error-Code", {
    description: "The error codes of a request refused as invalid (400): a subset of Error-Code.",
    example: "missing_required_property",
  });
export type ValidationErrorCode = z.infer<typeof ValidationErrorCode>;

export const ErrorCode = z
  .enum([
    ...ValidationErrorCode.options,
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "payload_too_large",
    "unsupported_media_type",
    "method_not_allowed",
    "account_not_active",
    "unknown_notification_type",
    "delete_failed",
    "idempotency_key_reused",
    "portal_code_unknown",
    "portal_code_used",
    "portal_code_expired",
    "too_many_requests",
    "service_unavailable",
    "internal_error",
  ])
  .openapi("Error-Code", {
    description:
      "Error codes this server sends in `error`. `unknown_property` is reserved: unknown properties are " +
      "currently ignored. Clients should tolerate codes not listed here.",
    example: "missing_required_property",
  });
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorDetails = z.union([z.string(), z.array(z.string())]).openapi({
  description: "What was wrong: usually the offending property, or a list of messages.",
  example: "notification_type",
});
export type ErrorDetails = z.infer<typeof ErrorDetails>;

const errorField = z.string().openapi({
  description: "Error code (see Error-Code). Typed as a string because clients must tolerate new codes.",
  example: "missing_required_property",
});

const pathField = z.string().openapi({
  description: "Dotted path of the offending value in the request.",
  example: "options.include_attachments",
});

/** Every non-2xx response body this server sends. */
export const HeraldError = z
  .object({
    error: errorField,
    details: ErrorDetails.optional(),
    path: pathField.optional(),
    request_id: z
      .string()
      .optional()
      .openapi({ description: "Id of the request, for support.", example: "0F3A7E0C-5B7D-4C8B-9E55-3A1B9D2C6F10" }),
  })
  .openapi("Error", {
    description: "Error body of every non-2xx response.",
    example: { error: "missing_required_property", details: "subscriber", path: "subscribers.0" },
  });
export type HeraldError = z.infer<typeof HeraldError>;

export const BasicErrorResponse = z
  .object({ error: errorField })
  .openapi("Basic-Error-Response", { example: { error: "invalid_json" } });
export type BasicErrorResponse = z.infer<typeof BasicErrorResponse>;

export const ValidationErrorResponse = z
  .object({
    error: errorField,
    details: z.string().optional().openapi({ description: "The offending property.", example: "notification_type" }),
    path: pathField.optional(),
  })
  .openapi("Validation-Error-Response", {
    example: { error: "missing_required_property", details: "notification_type" },
  });
export type ValidationErrorResponse = z.infer<typeof ValidationErrorResponse>;

/**
 * A subscriber that could not be added. `id` is absent because a rejected subscriber is never stored, so this is
 * the Subscriber shape with every server-assigned field optional.
 */
export const FailedSubscriber = z
  .object({
    id: z.string().optional(),
    subscriber: z.string().openapi({ example: "CD1D0C0A-7D83-469C-A752-C23FBD2BDA46" }),
    subscriber_type: z.string().openapi({ example: "user" }),
    subscription_id: z.string().optional(),
    error: errorField,
    details: ErrorDetails.optional(),
  })
  .openapi("Failed-Subscriber", {
    example: {
      subscriber: "CD1D0C0A-7D83-469C-A752-C23FBD2BDA46",
      subscriber_type: "user",
      error: "forbidden",
      details: "user is not in this account",
    },
  });
export type FailedSubscriber = z.infer<typeof FailedSubscriber>;

export const FailedSubscribers = z
  .object({
    error: errorField.optional(),
    subscribers_failed: z.array(FailedSubscriber).openapi({
      description: "Subscribers which were not successfully created, with error information.",
    }),
  })
  .openapi("Failed-Subscribers", {
    description: "Returned when some or all subscribers of a request were rejected.",
  });
export type FailedSubscribers = z.infer<typeof FailedSubscribers>;

export const UnprocessedItem = z
  .object({
    id: z.string().openapi({ example: "86B8A354-0363-4FC2-82D3-0BB492DFD8B4" }),
    error: errorField,
  })
  .openapi("Unprocessed-Item", { description: "An id a batch operation did not process, and why." });
export type UnprocessedItem = z.infer<typeof UnprocessedItem>;

export const PartialDeletionResponse = z
  .object({
    error: z.literal("delete_failed"),
    unprocessed_items: z.array(UnprocessedItem),
  })
  .openapi("Partial-Deletion-Response", {
    description:
      "Some subscriptions of a batch delete were not deleted. Alert Logic's definition leaves " +
      "`unprocessed_items` untyped; this server sends one `{id, error}` per id it did not delete.",
    example: {
      error: "delete_failed",
      unprocessed_items: [{ id: "86B8A354-0363-4FC2-82D3-0BB492DFD8B4", error: "not_found" }],
    },
  });
export type PartialDeletionResponse = z.infer<typeof PartialDeletionResponse>;
