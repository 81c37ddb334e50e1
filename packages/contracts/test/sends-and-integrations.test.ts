import { describe, expect, it } from "vitest";
import {
  CreateIntegrationRequest,
  CreateNotificationTypeRequest,
  ErrorCode,
  FailedSubscribers,
  HeraldError,
  PartialDeletionResponse,
  SendNotificationRequest,
  UpdateIntegrationRequest,
  UpdateNotificationTypeRequest,
  ValidationErrorResponse,
  WebhookHeaders,
} from "../src";
import * as al from "./alertlogic-examples";
import { accepts, issues, rejects } from "./support";

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
