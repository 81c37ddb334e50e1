import { describe, expect, it } from "vitest";
import * as contracts from "../src";
import {
  AddSubscriberRequest,
  BatchDeleteSubscriptionsRequest,
  BatchUpdateSubscribersRequest,
  CreateSubscriptionRequest,
  NotificationsByTypeQuery,
  NotificationTypeKey,
  QueryBoolean,
  SendNotificationRequest,
  SubscriberParam,
  SubscriberRequest,
  SubscriberType,
  SubscriptionOptions,
  SubscriptionQuery,
  SubscriptionsQuery,
  SuppressionInterval,
  UpdateSubscriptionRequest,
} from "../src";
import * as al from "./alertlogic-examples";
import { accepts, issues, rejects } from "./support";

describe("subscriber_type", () => {
  it.each([
    ["user", "user"],
    ["connection", "connection"],
    ["integration", "connection"],
  ])("%s parses as %s", (sent, stored) => {
    expect(SubscriberType.parse(sent)).toBe(stored);
    expect(SubscriberRequest.parse({ subscriber: "U", subscriber_type: sent }).subscriber_type).toBe(stored);
    expect(AddSubscriberRequest.parse({ subscriber: "U", subscriber_type: sent }).subscriber_type).toBe(stored);
    const batch = BatchUpdateSubscribersRequest.parse({
      subscribers: [{ subscriber: "U", subscriber_type: sent, action: "add" }],
    });
    expect(batch.subscribers[0]?.subscriber_type).toBe(stored);
    const create = CreateSubscriptionRequest.parse({
      ...al.createSubscriptionSparse,
      subscribers: [{ subscriber: "U", subscriber_type: sent }],
    });
    expect(create.subscribers?.[0]?.subscriber_type).toBe(stored);
    const params = SubscriberParam.parse({
      account_id: "1",
      subscription_id: "S",
      subscriber_type: sent,
      subscriber: "U",
    });
    expect(params.subscriber_type).toBe(stored);
  });

  it.each(["email", "webhook", "response.playbook", "USER", ""])("rejects %j", (sent) => {
    expect(issues(SubscriberType, sent)).toEqual([{ code: "invalid_value", path: "" }]);
  });

  it("requires a non-empty subscriber", () => {
    rejects(SubscriberRequest, { subscriber: "", subscriber_type: "user" }, "subscriber");
    rejects(SubscriberRequest, { subscriber_type: "user" }, "subscriber");
  });
});

describe("notification type key ^[^/]+/[^/]+$", () => {
  const good = ["incidents/alerts", "report/scheduled", "a/b", "health/alerts"];
  const bad = ["incidents", "a/b/c", "/x", "x/", "/", "", "//"];

  it.each(good)("accepts %j", (key) => {
    accepts(NotificationTypeKey, key);
    accepts(SendNotificationRequest, { ...al.sendNotificationMinimal, type: key });
    accepts(CreateSubscriptionRequest, { ...al.createSubscriptionSparse, notification_type: key });
  });

  it.each(bad)("rejects %j", (key) => {
    rejects(NotificationTypeKey, key);
    rejects(SendNotificationRequest, { ...al.sendNotificationMinimal, type: key }, "type");
    rejects(CreateSubscriptionRequest, { ...al.createSubscriptionSparse, notification_type: key }, "notification_type");
    rejects(UpdateSubscriptionRequest, { notification_type: key }, "notification_type");
    rejects(contracts.NotificationsByTypeParam, { account_id: "1", type: key }, "type");
  });
});

describe("suppression_interval", () => {
  it.each([0, 1, 120, 10080])("accepts %j", (minutes) => {
    accepts(SuppressionInterval, minutes);
    accepts(UpdateSubscriptionRequest, { suppression_interval: minutes });
  });
  it.each([-1, 10081, 1.5, "120", null])("rejects %j", (minutes) => {
    rejects(SuppressionInterval, minutes);
    rejects(
      CreateSubscriptionRequest,
      { ...al.createSubscriptionSparse, suppression_interval: minutes },
      "suppression_interval",
    );
  });
});

describe("AuditEventsQuery", () => {
  it("defaults to the newest 100 and refuses unknown actions, target types and an until before since", () => {
    expect(contracts.AuditEventsQuery.parse({})).toEqual({ sort: "desc", limit: 100 });
    expect(contracts.AuditEventsQuery.parse({ action: "integration.secret_rotated", since: "5" })).toMatchObject({
      action: "integration.secret_rotated",
      since: 5,
    });
    expect(contracts.AuditEventsQuery.safeParse({ action: "integration.read" }).success).toBe(false);
    expect(contracts.AuditEventsQuery.safeParse({ target_type: "account" }).success).toBe(false);
    expect(contracts.AuditEventsQuery.safeParse({ since: "10", until: "5" }).success).toBe(false);
  });
});

describe("QueryBoolean", () => {
  it.each([
    [undefined, false],
    ["true", true],
    ["1", true],
    ["false", false],
    ["0", false],
    [true, true],
    [false, false],
  ])("%j parses as %j", (sent, value) => {
    expect(QueryBoolean.parse(sent)).toBe(value);
    expect(SubscriptionQuery.parse(sent === undefined ? {} : { include_subscribers: sent })).toEqual({
      include_subscribers: value,
    });
  });

  it.each(["yes", "TRUE", "", "2"])("rejects %j", (sent) => {
    expect(issues(SubscriptionsQuery, { include_subscribers: sent })).toEqual([
      { code: "invalid_type", path: "include_subscribers" },
    ]);
  });

  it("passes the list filters through", () => {
    const query = { class: "schedule", external_id: "X", notification_type: "tableau/notifications", schedule_id: "Y" };
    expect(SubscriptionsQuery.parse(query)).toEqual({
      class: "schedule",
      external_id: "X",
      notification_type: "tableau/notifications",
      include_subscribers: false,
    });
  });
});

describe("notifications by type query", () => {
  it("applies the defaults", () => {
    expect(NotificationsByTypeQuery.parse({})).toEqual({ sort: "desc", limit: 100 });
  });

  it("parses what almdrlib sends", () => {
    const query = { sort: "asc", continuation_id: "abc", since: "1", until: "2", limit: "10" };
    expect(NotificationsByTypeQuery.parse(query)).toEqual({
      sort: "asc",
      continuation_id: "abc",
      since: 1,
      until: 2,
      limit: 10,
    });
  });

  it("accepts the quoted enum values of Alert Logic's definition", () => {
    expect(NotificationsByTypeQuery.parse({ sort: '"asc"' }).sort).toBe("asc");
    expect(NotificationsByTypeQuery.parse({ sort: '"desc"' }).sort).toBe("desc");
  });

  it.each([
    [{ sort: "up" }, "sort"],
    [{ limit: "0" }, "limit"],
    [{ limit: "1001" }, "limit"],
    [{ limit: "ten" }, "limit"],
    [{ limit: "1.5" }, "limit"],
    [{ since: "-1" }, "since"],
    [{ until: "x" }, "until"],
    [{ since: "10", until: "9" }, "until"],
    [{ continuation_id: "" }, "continuation_id"],
  ])("rejects %j at %s", (query, path) => {
    rejects(NotificationsByTypeQuery, query, path);
  });
});

describe("update subscription", () => {
  it("strips class, which the console sends on update", () => {
    const parsed = UpdateSubscriptionRequest.parse({ class: "event", name: "Renamed", active: true });
    expect(parsed).toEqual({ name: "Renamed", active: true });
    expect("class" in parsed).toBe(false);
  });

  it("accepts an empty body", () => {
    expect(UpdateSubscriptionRequest.parse({})).toEqual({});
  });

  it("does not default active", () => {
    expect(UpdateSubscriptionRequest.parse({ name: "x" })).toEqual({ name: "x" });
  });
});

describe("create subscription", () => {
  it("defaults active to true", () => {
    expect(CreateSubscriptionRequest.parse(al.createSubscriptionSparse).active).toBe(true);
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "n".repeat(256) }, "name"],
    [{ class: "" }, "class"],
    [{ active: "true" }, "active"],
    [{ template: "bogus" }, "template"],
    [{ filters: [] }, "filters"],
    [{ options: { include_attachments: "yes" } }, "options.include_attachments"],
    [
      { subscribers: Array.from({ length: 1001 }, () => ({ subscriber: "U", subscriber_type: "user" })) },
      "subscribers",
    ],
  ])("%#: rejects at %s", (change, path) => {
    rejects(CreateSubscriptionRequest, { ...al.createSubscriptionSparse, ...change }, path);
  });

  it.each(["name", "class", "notification_type"])("requires %s", (field) => {
    const body: Record<string, unknown> = { ...al.createSubscriptionSparse };
    delete body[field];
    expect(issues(CreateSubscriptionRequest, body)).toEqual([{ code: "invalid_type", path: field }]);
  });

  it("keeps unknown options", () => {
    expect(SubscriptionOptions.parse({ include_attachments: true, digest: "daily" })).toEqual({
      include_attachments: true,
      digest: "daily",
    });
  });
});

describe("subscriber batches", () => {
  it.each([
    [BatchUpdateSubscribersRequest, { subscribers: [] }, "subscribers"],
    [
      BatchUpdateSubscribersRequest,
      { subscribers: [{ subscriber: "U", subscriber_type: "user", action: "remove" }] },
      "subscribers.0.action",
    ],
    [
      BatchUpdateSubscribersRequest,
      { subscribers: [{ subscriber: "U", subscriber_type: "user" }] },
      "subscribers.0.action",
    ],
    [BatchDeleteSubscriptionsRequest, { ids: [] }, "ids"],
    [BatchDeleteSubscriptionsRequest, { ids: [""] }, "ids.0"],
    [BatchDeleteSubscriptionsRequest, { ids: Array.from({ length: 1001 }, (_, i) => `ID${i}`) }, "ids"],
  ] as const)("%#: rejects at %s", (schema, body, path) => {
    rejects(schema, body, path);
  });

  it("accepts 1000 items", () => {
    accepts(BatchDeleteSubscriptionsRequest, { ids: Array.from({ length: 1000 }, (_, i) => `ID${i}`) });
  });
});
