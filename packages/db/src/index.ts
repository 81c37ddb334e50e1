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
export * from "./repositories/captured-emails";
export * from "./repositories/deliveries";
export * from "./repositories/delivery-batches";
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
export * from "./repositories/users";
export * from "./schema";
