// Type tests (vitest typecheck mode, and `tsc`): callers' code that a contract change would break.
import { describe, expectTypeOf, it } from "vitest";
import {
  createHeraldClient,
  type ErrorCode,
  type HeraldClient,
  type HeraldErrorBody,
  isSubscribersFailed,
  isValidationError,
  type Notification,
  type NotificationPage,
  type OperationResult,
  type operations,
  type paths,
  type RequestBody,
  type Subscription,
  type ValidationErrorCode,
} from "../src/index";

declare const herald: HeraldClient;

describe("client signatures", () => {
  it("createSubscription requires name, class and notification_type", () => {
    type Body = Parameters<HeraldClient["createSubscription"]>[0];
    expectTypeOf<Body>().toHaveProperty("name").toEqualTypeOf<string>();
    expectTypeOf<Body>().toHaveProperty("class").toEqualTypeOf<string>();
    expectTypeOf<Body>().toHaveProperty("notification_type").toEqualTypeOf<string>();
    expectTypeOf<{ name: string; class: string; notification_type: string }>().toExtend<Body>();
    expectTypeOf<{ name: string; notification_type: string }>().not.toExtend<Body>();
    expectTypeOf<{ name: string; class: string }>().not.toExtend<Body>();
    expectTypeOf(herald.createSubscription).returns.resolves.toEqualTypeOf<Subscription>();
  });

  it("getAccountSubscriptions answers {subscriptions}", () => {
    expectTypeOf(herald.getAccountSubscriptions).returns.resolves.toHaveProperty("subscriptions");
    expectTypeOf<OperationResult<"get_account_subscriptions">["subscriptions"]>().toEqualTypeOf<Subscription[]>();
    type Query = NonNullable<Parameters<HeraldClient["getAccountSubscriptions"]>[0]>;
    expectTypeOf<{ notification_type: string; include_subscribers: boolean; class: string }>().toExtend<Query>();
    expectTypeOf<{ include_subscribers: "yes" }>().not.toExtend<Query>();
    expectTypeOf(herald.getAccountSubscriptions).toBeCallableWith();
  });

  it("types both operations that share the notifications/{...} path shape", () => {
    expectTypeOf<paths["/herald/v2/{account_id}/notifications/{type}"]["get"]>().toEqualTypeOf<
      operations["get_account_notification_by_type"]
    >();
    expectTypeOf<paths["/herald/v2/{account_id}/notifications/{notification_id}"]["get"]>().toEqualTypeOf<
      operations["get_account_notification"]
    >();
    expectTypeOf(herald.getAccountNotificationByType).returns.resolves.toEqualTypeOf<NotificationPage>();
    expectTypeOf(herald.getAccountNotification).returns.resolves.toEqualTypeOf<Notification>();
  });

  it("sentNotification takes the send request and an optional idempotency key, and answers the notification", () => {
    expectTypeOf(herald.sentNotification).parameter(0).toEqualTypeOf<RequestBody<"sent_notification">>();
    expectTypeOf(herald.sentNotification).parameter(1).toExtend<{ idempotencyKey?: string | true } | undefined>();
    expectTypeOf(herald.sentNotification).returns.resolves.toEqualTypeOf<Notification>();
    expectTypeOf(herald.sendNotification).toEqualTypeOf(herald.sentNotification);
    expectTypeOf<{ type: string; payload: object }>().not.toExtend<RequestBody<"sent_notification">>();
  });

  it("notificationsByType iterates notifications", () => {
    expectTypeOf(herald.notificationsByType({ type: "incidents/alerts" })).toExtend<AsyncIterable<Notification>>();
    expectTypeOf(herald.notificationsByType).parameter(0).toHaveProperty("type").toEqualTypeOf<string>();
  });

  it("204 operations answer undefined", () => {
    expectTypeOf(herald.deleteSubscription).returns.resolves.toEqualTypeOf<undefined>();
    expectTypeOf(herald.batchUpdateSubscribers).returns.resolves.toEqualTypeOf<undefined>();
    expectTypeOf(herald.removeSubscriber).parameter(1).toEqualTypeOf<"user" | "connection" | "integration">();
  });

  it("the two operations added by generation take their documented inputs", () => {
    expectTypeOf(herald.authenticate).returns.resolves.toEqualTypeOf<OperationResult<"authenticate">>();
    expectTypeOf(herald.authenticate).parameter(0).toEqualTypeOf<{ accessKeyId: string; secretKey: string }>();
    expectTypeOf(herald.receiveResendEvent).parameter(0).toEqualTypeOf<RequestBody<"receive_resend_event">>();
    expectTypeOf(herald.receiveResendEvent).parameter(1).toHaveProperty("svix-signature").toEqualTypeOf<string>();
    expectTypeOf(herald.getNotificationDeliveries).parameter(0).toHaveProperty("notification_id");
    // A required query stays required.
    expectTypeOf(herald.getNotificationDeliveries).parameter(0).not.toEqualTypeOf<undefined>();
    expectTypeOf(herald.getAccountIntegration).parameter(1).toExtend<{ accountId?: string } | undefined>();
  });

  it("the options need a token or an access key, not both", () => {
    expectTypeOf(createHeraldClient).toBeCallableWith({ baseUrl: "x", token: "t" });
    expectTypeOf(createHeraldClient).toBeCallableWith({ baseUrl: "x", accessKeyId: "k", secretKey: "s" });
    // @ts-expect-error: a token and an access key at once
    createHeraldClient({ baseUrl: "x", token: "t", accessKeyId: "k", secretKey: "s" });
    // @ts-expect-error: a secret key without its id
    createHeraldClient({ baseUrl: "x", secretKey: "s" });
  });
});

describe("error guards", () => {
  it("narrow the error body", () => {
    const caught: unknown = undefined;
    if (isValidationError(caught)) {
      expectTypeOf(caught.status).toEqualTypeOf<number>();
      expectTypeOf(caught.body.error).toEqualTypeOf<ValidationErrorCode>();
      expectTypeOf(caught.operation).toExtend<string>();
    }
    if (isSubscribersFailed(caught)) {
      expectTypeOf(caught.body.subscribers_failed[0]!.subscriber).toEqualTypeOf<string>();
    }
    expectTypeOf<HeraldErrorBody>().toHaveProperty("request_id").toEqualTypeOf<string | undefined>();
    expectTypeOf<ValidationErrorCode>().toExtend<ErrorCode>();
    expectTypeOf<"not_found">().toExtend<ErrorCode>();
    expectTypeOf<"no_such_code">().not.toExtend<ErrorCode>();
  });
});
