export * from "./auth";
export * from "./common";
export * from "./errors";
export * from "./integrations";
export * from "./notification-types";
export * from "./notifications";
export * from "./subscribers";
export * from "./subscriptions";
