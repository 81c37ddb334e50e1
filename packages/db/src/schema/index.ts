export * from "./access-keys";
export * from "./accounts";
export * from "./integrations";
export * from "./notification-types";
export * from "./notifications";
export * from "./subscribers";
export * from "./subscriptions";
export * from "./users";
