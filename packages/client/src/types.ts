// Every type the client exposes comes from the generated OpenAPI types: a contract change changes them here too.
import type { components, operations } from "./generated/schema.js";

export type { components, operations, paths, webhooks } from "./generated/schema.js";

/** The document's named schemas, e.g. `Schemas["Subscription"]`. */
export type Schemas = components["schemas"];

/** Herald operation names (the document's operationIds): `get_account_subscriptions`, `sent_notification`, ... */
export type OperationName = keyof operations;

type JsonOf<T> = T extends { content: { "application/json": infer Body } } ? Body : never;

/** The JSON body operation `N` takes. */
export type RequestBody<N extends OperationName> = JsonOf<NonNullable<operations[N]["requestBody"]>>;

/** The query parameters operation `N` takes. */
export type QueryParams<N extends OperationName> = NonNullable<operations[N]["parameters"]["query"]>;

/** The header parameters operation `N` takes. */
export type HeaderParams<N extends OperationName> = NonNullable<operations[N]["parameters"]["header"]>;

/** The path parameters of operation `N`. */
export type PathParams<N extends OperationName> = operations[N]["parameters"]["path"];

type SuccessStatus = 200 | 201 | 202 | 204;
type Responses<N extends OperationName> = operations[N]["responses"];

/** What operation `N` answers on success: its JSON body, or `undefined` for 204 No Content. */
export type OperationResult<N extends OperationName> = {
  [S in keyof Responses<N> & SuccessStatus]: Responses<N>[S] extends { content: { "application/json": infer Body } }
    ? Body
    : undefined;
}[keyof Responses<N> & SuccessStatus];

export type Notification = Schemas["Notification"];
export type NotificationPage = Schemas["Notification-Page"];
export type IncidentNotification = Schemas["Incident-Notification"];
export type Subscription = Schemas["Subscription"];
export type Subscriber = Schemas["Subscriber"];
export type NotificationType = Schemas["Notification-Type"];
export type Integration = Schemas["Integration-Webhook"];
export type SigningSecret = Schemas["Signing-Secret"];
export type Delivery = Schemas["Delivery"];
export type User = Schemas["User"];
export type CapturedEmail = Schemas["Captured-Email"];
export type TokenInfo = Schemas["Token-Info"];
export type FailedSubscriber = Schemas["Failed-Subscriber"];
export type UnprocessedItem = Schemas["Unprocessed-Item"];
