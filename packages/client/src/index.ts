export {
  type AccessKeyOptions,
  type CommonOptions,
  createHeraldClient,
  type HeraldClient,
  type HeraldClientOptions,
  type NotificationsByTypeQuery,
  type SendNotificationOptions,
  serializePath,
  type TokenOptions,
} from "./client.js";
export {
  HeraldError,
  type HeraldErrorBody,
  isHeraldError,
  isPartialDeletion,
  isSubscribersFailed,
  isValidationError,
} from "./errors.js";
export {
  ERROR_CODES,
  type ErrorCode,
  VALIDATION_ERROR_CODES,
  type ValidationErrorCode,
} from "./generated/error-codes.js";
export { OPERATIONS } from "./generated/operations.js";
export type { AccountCallOptions, CallOptions, IdempotencyOptions, OperationInfo } from "./operation.js";
export { type PortalSession, signInWithPortalCode } from "./portal.js";
export {
  backoffDelay,
  DEFAULT_RETRY_POLICY,
  type FetchLike,
  isReplaySafe,
  parseRetryAfter,
  RETRYABLE_STATUSES,
  type RetryPolicy,
  retryDelay,
} from "./transport.js";
export type * from "./types.js";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  type HeadersLike,
  type SignWebhookInput,
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookBody,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from "./webhooks.js";
