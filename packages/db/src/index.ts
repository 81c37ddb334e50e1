export { createDb, type Db, type DbConfig, type Schema } from "./client";
export * from "./repositories/accounts";
export * from "./repositories/integrations";
export * from "./repositories/notification-types";
export * from "./repositories/notifications";
export * from "./repositories/subscribers";
export * from "./repositories/subscriptions";
export * from "./schema";
