export {
  type AccessKeyOptions,
  type AccountCallOptions,
  type CallOptions,
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
  VALIDATION_ERROR_CODES,
  type ValidationErrorCode,
} from "./errors.js";
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
