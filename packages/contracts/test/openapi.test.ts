// The OpenAPI document the contracts make: every exported schema a named component, every schema well formed.
import { getRefId, OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { describe, expect, it } from "vitest";
import * as contracts from "../src";
import {
  CreateSubscriptionRequest,
  FailedSubscribers,
  HeraldError,
  Notification,
  NotificationsByTypeQuery,
  SendNotificationRequest,
  SubscriberParam,
  SubscriptionQuery,
  SubscriptionsQuery,
  ValidationErrorResponse,
} from "../src";
import { z } from "../src/zod";

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
  "DecisionsQuery",
  "DeliveryStatisticsQuery",
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
