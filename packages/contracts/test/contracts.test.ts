import { getRefId, OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { describe, expect, it } from "vitest";
import * as contracts from "../src";
import {
  AddSubscriberRequest,
  BatchDeleteSubscriptionsRequest,
  BatchUpdateSubscribersRequest,
  CreateIntegrationRequest,
  CreateNotificationTypeRequest,
  CreateSubscriptionRequest,
  ErrorCode,
  FailedSubscribers,
  HeraldError,
  IncidentNotification,
  Notification,
  NotificationsByTypeQuery,
  NotificationTypeKey,
  PartialDeletionResponse,
  QueryBoolean,
  SendNotificationRequest,
  SubscriberParam,
  SubscriberRequest,
  SubscriberType,
  SubscriptionOptions,
  SubscriptionQuery,
  SubscriptionsQuery,
  SuppressionInterval,
  TemplateKey,
  UpdateIntegrationRequest,
  UpdateNotificationTypeRequest,
  UpdateSubscriptionRequest,
  ValidationErrorResponse,
  WebhookHeaders,
} from "../src";
import { z } from "../src/zod";
import * as al from "./alertlogic-examples";

type Issue = { code: string; path: string };

/** The issues of a failed parse, as `{code, path}` with a dotted path; [] when it parses. */
function issues(schema: z.ZodType, input: unknown): Issue[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => ({ code: i.code, path: i.path.join(".") }));
}

const accepts = (schema: z.ZodType, input: unknown) => expect(issues(schema, input)).toEqual([]);
const rejects = (schema: z.ZodType, input: unknown, path = "") =>
  expect(issues(schema, input).map((i) => i.path)).toContain(path);

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

describe("send notification", () => {
  it.each(["type", "notification_data", "asset_data", "payload"])("requires %s", (field) => {
    const body: Record<string, unknown> = { ...al.sendNotificationMinimal };
    delete body[field];
    expect(issues(SendNotificationRequest, body)).toEqual([{ code: "invalid_type", path: field }]);
  });

  it("keeps notification_data, asset_data and payload keys it does not list", () => {
    const body = {
      ...al.sendNotificationMinimal,
      notification_data: { threat_level: "high", escalated: true, schedule_id: "S1", correlation_id: "C1" },
      asset_data: { deployment_id: "D", region: "us-east-1" },
      payload: { cid: 1, extra: { nested: [1, 2] } },
    };
    expect(SendNotificationRequest.parse(body)).toEqual(body);
  });

  it.each([
    [{ notification_data: { attackers: "1.2.3.4" } }, "notification_data.attackers"],
    [{ payload: { cid: "6845x188" } }, "payload.cid"],
    [{ asset_data: { tags: { key: "value" } } }, "asset_data.tags"],
    [{ notification_data: [] }, "notification_data"],
    [{ attachments: [{ name: "", url: "https://example.com/a" }] }, "attachments.0.name"],
    [{ attachments: [{ name: "a", url: "ftp://example.com/a" }] }, "attachments.0.url"],
    [{ attachments: [{ name: "a", url: "javascript:alert(1)" }] }, "attachments.0.url"],
    [{ attachments: [{ name: "a" }] }, "attachments.0.url"],
    [{ attachments: Array.from({ length: 21 }, () => ({ name: "a", url: "https://example.com/a" })) }, "attachments"],
  ])("%#: rejects at %s", (change, path) => {
    rejects(SendNotificationRequest, { ...al.sendNotificationMinimal, ...change }, path);
  });

  it("takes payload.cid as the numeric string Alert Logic's console client sends, as a number", () => {
    const parsed = SendNotificationRequest.parse({ ...al.sendNotificationMinimal, payload: { cid: "68450188" } });
    expect(parsed.payload.cid).toBe(68450188);
  });
});

describe("webhook integrations", () => {
  const base = { name: "My Webhook", target_url: "https://hooks.example.com/herald" };

  it("defaults type to webhook", () => {
    expect(CreateIntegrationRequest.parse(base)).toEqual({ ...base, type: "webhook" });
  });

  it.each([
    ["CR", "a\rb"],
    ["LF", "a\nb"],
    ["CRLF injection", "x\r\nX-Injected: 1"],
    ["NUL", "a\u0000b"],
  ])("rejects a header value with %s", (_, value) => {
    rejects(WebhookHeaders, { "X-Header": value }, "X-Header");
    rejects(CreateIntegrationRequest, { ...base, headers: { "X-Header": value } }, "headers.X-Header");
    rejects(UpdateIntegrationRequest, { header: { "X-Header": value } }, "header.X-Header");
  });

  it.each(["X Header", "X-Header:", "", "Ünicode", "X\rY", "(paren)"])("rejects the header name %j", (name) => {
    expect(WebhookHeaders.safeParse({ [name]: "v" }).success).toBe(false);
  });

  it.each(["X-Header", "x_custom.token", "Authorization", "!#$%&'*+.^_`|~"])("accepts the header name %j", (name) => {
    accepts(WebhookHeaders, { [name]: "value with spaces: and colons" });
  });

  it("limits the number and size of headers", () => {
    const headers = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`X-H${i}`, "v"]));
    accepts(WebhookHeaders, headers(50));
    rejects(WebhookHeaders, headers(51));
    accepts(WebhookHeaders, { "X-H": "v".repeat(4096) });
    rejects(WebhookHeaders, { "X-H": "v".repeat(4097) }, "X-H");
  });

  it("rejects names that differ only in case", () => {
    rejects(WebhookHeaders, { "X-Header": "a", "x-header": "b" });
  });

  it("accepts header as an alias of headers", () => {
    const parsed = CreateIntegrationRequest.parse({ ...base, header: { "X-Header": "v" } });
    expect(parsed).toEqual({ ...base, type: "webhook", headers: { "X-Header": "v" } });
    expect("header" in parsed).toBe(false);
    expect(UpdateIntegrationRequest.parse({ header: { "X-Header": "v" } })).toEqual({ headers: { "X-Header": "v" } });
  });

  it("accepts header and headers together only when equal", () => {
    const same = { ...base, headers: { A: "1", B: "2" }, header: { B: "2", A: "1" } };
    expect(CreateIntegrationRequest.parse(same)).toEqual({ ...base, type: "webhook", headers: { A: "1", B: "2" } });
    rejects(CreateIntegrationRequest, { ...base, headers: { A: "1" }, header: { A: "2" } }, "header");
    rejects(UpdateIntegrationRequest, { headers: { A: "1" }, header: { A: "1", B: "2" } }, "header");
  });

  it("leaves headers out of an update that does not send them", () => {
    const parsed = UpdateIntegrationRequest.parse({ name: "Renamed" });
    expect(parsed).toEqual({ name: "Renamed" });
    expect("headers" in parsed).toBe(false);
  });

  it.each([
    ["ftp", "ftp://example.com/x"],
    ["no scheme", "example.com/hook"],
    ["no host", "https://"],
    ["javascript", "javascript:alert(1)"],
    ["over 2048 characters", `https://example.com/${"a".repeat(2048)}`],
  ])("rejects a target_url: %s", (_, url) => {
    rejects(CreateIntegrationRequest, { ...base, target_url: url }, "target_url");
  });

  it.each([["http://example.com"], ["https://example.com:8443/a?b=c"]])("accepts the target_url %j", (url) => {
    accepts(CreateIntegrationRequest, { ...base, target_url: url });
  });

  it.each([
    [{ name: "" }, "name"],
    [{ name: "n".repeat(256) }, "name"],
    [{ type: "carrier_pigeon" }, "type"],
    [{ type: "email" }, "email"],
  ])("%#: rejects at %s", (change, path) => {
    rejects(CreateIntegrationRequest, { ...base, ...change }, path);
  });
});

describe("email (ticketing) integrations", () => {
  const base = { name: "Tickets", type: "email", email: "tickets@example.com" };

  it("takes one address and an optional subject template", () => {
    accepts(CreateIntegrationRequest, base);
    accepts(CreateIntegrationRequest, { ...base, subject_template: "[Herald] {{payload.long_incident_id}}" });
  });

  it.each([
    ["two addresses", "a@example.com, b@example.com"],
    ["a display name", "Tickets <tickets@example.com>"],
    ["no domain", "tickets@"],
    ["a space", "tick ets@example.com"],
    ["no address", ""],
  ])("rejects an email with %s", (_, email) => {
    rejects(CreateIntegrationRequest, { ...base, email }, "email");
  });

  it("rejects a subject template over 1000 characters", () => {
    rejects(CreateIntegrationRequest, { ...base, subject_template: "x".repeat(1001) }, "subject_template");
  });
});

describe("notification types", () => {
  const body = {
    notification_type: "incidents/alerts",
    name: "Incidents",
    default_template: "incidents_template",
    default_email_subject: "Incident",
  };

  it("defaults templates to [default_template]", () => {
    expect(CreateNotificationTypeRequest.parse(body).templates).toEqual(["incidents_template"]);
  });

  it("requires default_template to be one of templates", () => {
    rejects(CreateNotificationTypeRequest, { ...body, templates: ["observation_template"] }, "default_template");
    rejects(UpdateNotificationTypeRequest, { default_template: "a", templates: ["b"] }, "default_template");
  });

  it("accepts template names outside TemplateKey", () => {
    accepts(CreateNotificationTypeRequest, { ...body, default_template: "custom", templates: ["custom"] });
  });

  it("requires at least one field on update, ignoring the key", () => {
    rejects(UpdateNotificationTypeRequest, {});
    rejects(UpdateNotificationTypeRequest, { notification_type: "incidents/alerts" });
    expect(UpdateNotificationTypeRequest.parse({ ...al.notificationType })).toEqual({
      name: "Incidents",
      default_template: "Incidents Template",
      templates: ["Incidents Template", "Log Review Escalated"],
      default_email_subject: "Incidents Template Email Subject",
    });
  });
});

describe("errors", () => {
  it.each(al.errorExamples)("Alert Logic's example %j is an Error", (example) => {
    accepts(HeraldError, example);
    accepts(ValidationErrorResponse, example);
  });

  it("carries detail lists and unknown codes", () => {
    accepts(HeraldError, { error: "some_future_code", details: ["a", "b"], path: "x", request_id: "R" });
    expect(ErrorCode.safeParse("some_future_code").success).toBe(false);
  });

  it("types partial failures", () => {
    accepts(PartialDeletionResponse, { error: "delete_failed", unprocessed_items: [{ id: "A", error: "not_found" }] });
    rejects(PartialDeletionResponse, { error: "invalid_json", unprocessed_items: [] }, "error");
    accepts(FailedSubscribers, {
      subscribers_failed: [{ subscriber: "U", subscriber_type: "user", error: "forbidden", details: ["not yours"] }],
    });
  });
});

describe("Alert Logic's examples", () => {
  it("send notification request", () => {
    expect(SendNotificationRequest.parse(al.sendNotificationRequest)).toEqual(al.sendNotificationRequest);
    accepts(SendNotificationRequest, al.sendNotificationMinimal);
  });

  it.each([
    ["sparse", al.createSubscriptionSparse],
    ["full", al.createSubscriptionFull],
    ["almdrlib", al.createSubscriptionAlmdrlib],
  ])("create subscription, %s", (_, example) => {
    expect(CreateSubscriptionRequest.parse(example)).toEqual({ active: true, ...example });
  });

  it("update subscription: set inactive", () => {
    expect(UpdateSubscriptionRequest.parse(al.updateSubscriptionInactive)).toEqual({ active: false });
  });

  it("update subscription: email_subject false is rejected, as its own string type says", () => {
    expect(issues(UpdateSubscriptionRequest, al.updateSubscriptionNameAndOptions)).toEqual([
      { code: "invalid_type", path: "options.email_subject" },
    ]);
  });

  it("subscriber requests", () => {
    expect(SubscriberRequest.parse(al.subscriberRequest)).toEqual(al.subscriberRequest);
    expect(AddSubscriberRequest.parse(al.subscriberRequestExtra)).toEqual(al.subscriberRequestExtra);
    accepts(AddSubscriberRequest, al.subscriberRequest);
  });

  it("batch update subscribers, wrapped as the schema says", () => {
    accepts(BatchUpdateSubscribersRequest, { subscribers: al.batchUpdateSubscriberItems });
    rejects(BatchUpdateSubscribersRequest, al.batchUpdateSubscriberItems);
  });

  it("batch delete subscriptions, wrapped as the schema says", () => {
    accepts(BatchDeleteSubscriptionsRequest, { ids: al.batchDeleteIds });
    rejects(BatchDeleteSubscriptionsRequest, al.batchDeleteIds);
  });

  it("field examples", () => {
    accepts(SubscriptionOptions, al.subscriptionOptions);
    accepts(SuppressionInterval, al.suppressionInterval);
    accepts(TemplateKey, al.templateKey);
    accepts(CreateNotificationTypeRequest, al.notificationType);
  });

  it("webhook integration (2021-11), under both property names", () => {
    const { headers, ...rest } = al.webhookIntegration;
    const expected = { ...rest, headers };
    expect(CreateIntegrationRequest.parse(al.webhookIntegration)).toEqual(expected);
    expect(CreateIntegrationRequest.parse({ ...rest, header: headers })).toEqual(expected);
  });

  it("responses", () => {
    expect(Notification.parse(al.notification)).toEqual(al.notification);
    expect(IncidentNotification.parse(al.incidentNotification)).toEqual(al.incidentNotification);
  });
});

// ---- The OpenAPI document ----

/** Every exported zod schema, by export name. */
const exportedSchemas = (Object.entries(contracts) as Array<[string, unknown]>).filter(
  (entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType,
);

/** Exports that are deliberately not components: field helpers, and parameter objects (which become parameters). */
const notComponents = new Set([
  "EpochSeconds",
  "Id",
  "AccountId",
  "HttpUrl",
  "QueryBoolean",
  "SortQuery",
  "LimitQuery",
  "EpochSecondsQuery",
  "ContinuationIdQuery",
  "ErrorDetails",
  "AccountIdParam",
  "NotificationIdParam",
  "AccountNotificationParam",
  "NotificationsByTypeParam",
  "IncidentNotificationsParam",
  "NotificationTypeParam",
  "SubscriptionIdParam",
  "SubscriberParam",
  "IntegrationIdParam",
  "IntegrationTypeParam",
  "NotificationsByTypeQuery",
  "SubscriptionsQuery",
  "SubscriptionQuery",
  "DeliveriesQuery",
  "DeliveryIdParam",
  "JobIdParam",
  "UserIdParam",
  "CapturedEmailsQuery",
  "AuditEventsQuery",
  "StandardWebhookHeaders",
  "SvixWebhookHeaders",
  // Queue messages travel between Workers, never over HTTP.
  "FanoutMessage",
  "NotificationFanoutMessage",
  "JobMessage",
  "DeliveryMessage",
]);

const json = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });
const ok = { 200: { description: "OK" } };

/** One route per parameter and query object, so broken `param` metadata fails generation. */
const routes: RouteConfig[] = [
  {
    method: "get",
    path: "/herald/v2/notifications/{notification_id}",
    request: { params: contracts.NotificationIdParam },
    responses: ok,
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/notifications/{notification_id}",
    request: { params: contracts.AccountNotificationParam },
    responses: ok,
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/notifications/type/incidents/alerts/{long_incident_id}",
    request: { params: contracts.IncidentNotificationsParam },
    responses: { 200: { description: "OK", ...json(contracts.IncidentNotification) } },
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/notifications/{type}",
    request: { params: contracts.NotificationsByTypeParam, query: NotificationsByTypeQuery },
    responses: {
      200: { description: "OK", ...json(contracts.NotificationPage) },
      400: { description: "Bad", ...json(HeraldError) },
    },
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/audit_events",
    request: { params: contracts.AccountIdParam, query: contracts.AuditEventsQuery },
    responses: { 200: { description: "OK", ...json(contracts.AuditEventPage) } },
  },
  {
    method: "post",
    path: "/herald/v2/{account_id}/notifications",
    request: { params: contracts.AccountIdParam, body: json(SendNotificationRequest) },
    responses: { 202: { description: "Accepted", ...json(Notification) } },
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/subscriptions",
    request: { params: contracts.AccountIdParam, query: SubscriptionsQuery },
    responses: { 200: { description: "OK", ...json(contracts.SubscriptionList) } },
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/subscriptions/{subscription_id}",
    request: { params: contracts.SubscriptionIdParam, query: SubscriptionQuery },
    responses: { 200: { description: "OK", ...json(contracts.Subscription) } },
  },
  {
    method: "post",
    path: "/herald/v2/{account_id}/subscriptions",
    request: { params: contracts.AccountIdParam, body: json(CreateSubscriptionRequest) },
    responses: {
      201: { description: "Created", ...json(contracts.Subscription) },
      400: { description: "Bad", ...json(z.union([ValidationErrorResponse, FailedSubscribers])) },
    },
  },
  {
    method: "delete",
    path: "/herald/v2/{account_id}/subscriptions/{subscription_id}/subscribers/{subscriber_type}/{subscriber}",
    request: { params: SubscriberParam },
    responses: { 204: { description: "No Content" } },
  },
  {
    method: "put",
    path: "/herald/v2/notification_types/{notification_type}",
    request: { params: contracts.NotificationTypeParam },
    responses: ok,
  },
  {
    method: "get",
    path: "/herald/v2/{account_id}/integrations/{id}",
    request: { params: contracts.IntegrationIdParam },
    responses: ok,
  },
];

function generateDocument() {
  const registry = new OpenAPIRegistry();
  for (const [, schema] of exportedSchemas) {
    const name = getRefId(schema);
    if (name) registry.register(name, schema);
  }
  for (const route of routes) registry.registerPath(route);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Herald contracts", version: "0.0.0" },
  });
}

const JSON_TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);

/** Structural checks every schema object must pass; a broken `.openapi()` call produces something that fails one. */
function checkSchema(schema: unknown, where: string, components: Set<string>, problems: string[]): void {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    problems.push(`${where}: not a schema object`);
    return;
  }
  const s = schema as Record<string, unknown>;
  const sub = (value: unknown, at: string) => checkSchema(value, `${where}/${at}`, components, problems);

  if ("$ref" in s) {
    const name = String(s.$ref).replace("#/components/schemas/", "");
    if (!components.has(name)) problems.push(`${where}: dangling $ref ${String(s.$ref)}`);
  }
  if ("type" in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    for (const type of types) if (!JSON_TYPES.has(String(type))) problems.push(`${where}: bad type ${String(type)}`);
  }
  if ("required" in s) {
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    for (const key of s.required as string[])
      if (!(key in properties)) problems.push(`${where}: required ${key} is not a property`);
  }
  if ("enum" in s && (!Array.isArray(s.enum) || s.enum.length === 0)) problems.push(`${where}: empty enum`);
  if ("pattern" in s) {
    try {
      new RegExp(String(s.pattern), "u");
    } catch {
      problems.push(`${where}: bad pattern ${String(s.pattern)}`);
    }
  }
  for (const [key, value] of Object.entries((s.properties ?? {}) as Record<string, unknown>))
    sub(value, `properties/${key}`);
  if ("items" in s) sub(s.items, "items");
  if (typeof s.additionalProperties === "object") sub(s.additionalProperties, "additionalProperties");
  for (const combinator of ["allOf", "anyOf", "oneOf"]) {
    for (const [i, item] of ((s[combinator] ?? []) as unknown[]).entries()) sub(item, `${combinator}/${i}`);
  }
}

type Operation = {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};

function operationsOf(document: ReturnType<typeof generateDocument>): Array<[string, Operation]> {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    Object.values(item as Record<string, Operation>).map((operation): [string, Operation] => [path, operation]),
  );
}

describe("OpenAPI", () => {
  it("names every exported schema except helpers and parameter objects, each name once", () => {
    const unnamed = exportedSchemas.filter(([name, schema]) => !getRefId(schema) && !notComponents.has(name));
    expect(unnamed.map(([name]) => name)).toEqual([]);

    const named = exportedSchemas.filter(([name]) => !notComponents.has(name));
    const owners = new Map<string, string>();
    for (const [name, schema] of named) {
      const component = getRefId(schema) as string;
      expect(owners.get(component) ?? name, `component ${component}`).toBe(name);
      owners.set(component, name);
    }
  });

  it("generates a valid 3.1 document with every component", () => {
    const document = generateDocument();
    const serialised = JSON.parse(JSON.stringify(document));
    expect(serialised).toEqual(document);
    expect(document.openapi).toBe("3.1.0");

    const componentNames = new Set(Object.keys(document.components?.schemas ?? {}));
    for (const [name, schema] of exportedSchemas) {
      const component = getRefId(schema);
      if (component) expect(componentNames, name).toContain(component);
    }

    const problems: string[] = [];
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      checkSchema(schema, name, componentNames, problems);
    }
    for (const [path, operation] of operationsOf(document)) {
      for (const parameter of operation.parameters ?? []) {
        checkSchema(parameter.schema, `${path} ${parameter.name}`, componentNames, problems);
      }
      for (const media of Object.values(operation.requestBody?.content ?? {}))
        checkSchema(media.schema, `${path} body`, componentNames, problems);
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const media of Object.values(response.content ?? {}))
          checkSchema(media.schema, `${path} ${status}`, componentNames, problems);
      }
    }
    expect(problems).toEqual([]);
  });

  it("declares every path template variable as a required path parameter", () => {
    for (const [path, operation] of operationsOf(generateDocument())) {
      const inPath = (operation.parameters ?? []).filter((p) => p.in === "path");
      const variables = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(inPath.map((p) => p.name).sort(), path).toEqual([...variables].sort());
      for (const parameter of inPath) expect(parameter.required, `${path} ${parameter.name}`).toBe(true);
    }
  });

  it("documents query values with their decoded types, and subscriber_type with its alias", () => {
    const document = generateDocument();
    const list = document.paths?.["/herald/v2/{account_id}/subscriptions"]?.get;
    const flag = list?.parameters?.find((p) => "name" in p && p.name === "include_subscribers");
    expect(flag).toMatchObject({ in: "query", required: false, schema: { type: "boolean", default: false } });
    const byType = document.paths?.["/herald/v2/{account_id}/notifications/{type}"]?.get;
    const since = byType?.parameters?.find((p) => "name" in p && p.name === "since");
    expect(since).toMatchObject({ in: "query", required: false, schema: { type: "integer", minimum: 0 } });
    expect(document.components?.schemas?.["Subscriber-Type"]).toMatchObject({
      enum: ["user", "connection", "integration"],
    });
    expect(document.components?.schemas?.["Delivery-Status"]).toMatchObject({
      enum: ["PENDING", "SENT", "DELIVRD", "READ", "FAILED"],
    });
  });
});
