export {
  createDb,
  DatabaseUnreachableError,
  type Db,
  type DbConfig,
  DEFAULT_DB_TIMEOUT_MS,
  errorChain,
  type Schema,
} from "./client";
export * from "./repositories/accounts";
export * from "./repositories/audit-events";
export {
  type CallGrant,
  type CallRequest,
  type LeaseExtension,
  legsWaitingForEarlier,
  reserveCalls,
} from "./repositories/call-reservations";
export * from "./repositories/captured-emails";
export * from "./repositories/deliveries";
export {
  type AttemptRecord,
  completeNotificationsOfLegs,
  failDeliveries,
  type PutOff,
  type RecordAttemptsInput,
  type RecordedAttempts,
  recordAttempts,
} from "./repositories/delivery-batches";
export {
  type ClaimedDeliveries,
  claimDeliveries,
  loadRenderContext,
  type RenderContext,
  type UnclaimedLeg,
} from "./repositories/delivery-claims";
export {
  type FanoutBatch,
  type FanoutDecisions,
  loadFanoutBatch,
  newLeg,
  openSuppressionWindows,
  type PendingLeg,
  type SuppressionHolder,
  type SuppressionWindow,
  writeFanout,
} from "./repositories/fanout-batches";
export * from "./repositories/fanout-decisions";
export * from "./repositories/idempotency";
export * from "./repositories/integrations";
export * from "./repositories/jobs";
export * from "./repositories/notification-types";
export * from "./repositories/notifications";
export * from "./repositories/operational-events";
export * from "./repositories/portal-links";
export * from "./repositories/subscribers";
export * from "./repositories/subscriptions";
export {
  TICKET_INCIDENT_PATHS,
  type TicketLinkWrite,
  ticketIncidentKey,
} from "./repositories/ticket-links";
export * from "./repositories/users";
export * from "./schema";
